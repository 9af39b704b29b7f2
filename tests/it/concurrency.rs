//! Every limit and every money path under ≥ 100 simultaneous requests (SECURITY 8a), on the
//! backend the suite runs on (SQLite by default, PostgreSQL in CI's second pass). Each test
//! asserts the exact cap: one more or one less fails it.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const N: usize = 100;

/// A client behind a trusted proxy on loopback: each request may say which address it is.
async fn behind_proxy(configure: impl FnOnce(&mut kabinet::config::Config)) -> TestApp {
    spawn_app_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        configure(c);
    })
    .await
}

async fn code_request(app: &TestApp, to: &str, ip: &str) -> Resp {
    app.send(
        Method::POST,
        "/auth/codes",
        None,
        Some(json!({"channel": "sms", "to": to})),
        &[("x-forwarded-for", ip)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_code_requests_for_one_phone_send_exactly_one() {
    let app = behind_proxy(|_| {}).await;
    let phone = new_phone();
    let ips: Vec<String> = (0..N).map(client_ip).collect();
    let answers = all_at_once(
        ips.iter()
            .map(|ip| code_request(&app, &phone, ip))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 202, None), 1, "one code per resend window");
    assert_eq!(count(&answers, 429, Some("resend_too_soon")), N - 1);
    assert_eq!(app.outbox(&phone).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_share_the_limits_of_one_phone() {
    let a = behind_proxy(|_| {}).await;
    let b = a.second_node().await;
    let phone = new_phone();
    let ips: Vec<String> = (0..N).map(client_ip).collect();
    let answers = all_at_once(
        ips.iter()
            .enumerate()
            .map(|(i, ip)| code_request(if i % 2 == 0 { &a } else { &b }, &phone, ip))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 202, None), 1);
    assert_eq!(
        a.outbox(&phone).await.len() + b.outbox(&phone).await.len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_address_gets_20_codes_then_a_captcha_never_a_lock() {
    let app = behind_proxy(|_| {}).await;
    let phones: Vec<String> = (0..N).map(|_| new_phone()).collect();
    let answers = all_at_once(
        phones
            .iter()
            .map(|p| code_request(&app, p, "203.0.113.77"))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 202, None), 20);
    assert_eq!(count(&answers, 400, Some("captcha_required")), N - 20);
    // A customer behind the same carrier address still gets in, with the picture solved.
    let (id, answer) = app.captcha().await;
    let phone = new_phone();
    app.send(
        Method::POST,
        "/auth/codes",
        None,
        Some(json!({"channel": "sms", "to": phone, "captcha_id": id, "captcha_answer": answer})),
        &[("x-forwarded-for", "203.0.113.77")],
    )
    .await
    .expect(202);
    // Another address is not affected.
    code_request(&app, &new_phone(), "203.0.113.78")
        .await
        .expect(202);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_guesses_at_one_code_are_compared_five_times() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (flow, code) = app.code_for("sms", &phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let answers = all_at_once((0..N).map(|_| app.verify(&flow, wrong)).collect()).await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 400, Some("invalid_code")), 4);
    assert_eq!(count(&answers, 400, Some("code_expired")), N - 4);
    let compared = app
        .scalar_i64(
            "SELECT COUNT(*) FROM security_events WHERE contact = $1 AND event = 'code_entry'",
            &phone,
        )
        .await;
    assert_eq!(compared, 5);
    // The code is void now, even the right one.
    assert_eq!(app.verify(&flow, &code).await.code(), "code_expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_guesses_for_one_contact_are_compared_ten_times() {
    // A code that allows many tries, so the contact's cap is what stops them.
    let app = spawn_app_with(|c| c.limits.code_max_attempts = 1_000).await;
    let phone = new_phone();
    let (flow, code) = app.code_for("sms", &phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let answers = all_at_once((0..N).map(|_| app.verify(&flow, wrong)).collect()).await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 400, Some("invalid_code")), 10);
    assert_eq!(count(&answers, 429, Some("code_entry_locked")), N - 10);
    let compared = app
        .scalar_i64(
            "SELECT COUNT(*) FROM security_events WHERE contact = $1 AND event = 'code_entry'",
            &phone,
        )
        .await;
    assert_eq!(compared, 10);
    assert_eq!(app.verify(&flow, &code).await.status, 429, "locked");
}

async fn password_try(app: &TestApp, login: &str, password: &str, ip: &str) -> Resp {
    app.send(
        Method::POST,
        "/auth/password",
        None,
        Some(json!({"login": login, "password": password})),
        &[("x-forwarded-for", ip)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_wrong_passwords_for_one_account_check_five() {
    let app = behind_proxy(|_| {}).await;
    let email = new_email();
    let password = "длинный пароль для проверки";
    app.register(&email, password).await;
    let ips: Vec<String> = (0..N).map(client_ip).collect();
    let answers = all_at_once(
        ips.iter()
            .map(|ip| password_try(&app, &email, "не тот пароль вовсе", ip))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 401, Some("invalid_credentials")), 5);
    assert_eq!(count(&answers, 400, Some("captcha_required")), N - 5);
    let failures = app
        .scalar_i64(
            "SELECT failures FROM login_failures WHERE login LIKE 'account:%' AND $1 <> ''",
            "x",
        )
        .await;
    assert_eq!(failures, 5);
    // The owner is never locked out: with the captcha solved the right password works.
    let (id, answer) = app.captcha().await;
    let r = app
        .api(
            Method::POST,
            "/auth/password",
            None,
            Some(json!({"login": email, "password": password, "captcha_id": id, "captcha_answer": answer})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_address_checks_20_failed_passwords_then_asks_for_a_captcha() {
    let app = behind_proxy(|_| {}).await;
    let logins: Vec<String> = (0..N).map(|_| new_email()).collect();
    let answers = all_at_once(
        logins
            .iter()
            .map(|l| password_try(&app, l, "какой-то пароль", "203.0.113.50"))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 401, Some("invalid_credentials")), 20);
    assert_eq!(count(&answers, 400, Some("captcha_required")), N - 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_address_opens_5_support_cases_an_hour_then_needs_a_captcha() {
    let app = behind_proxy(|_| {}).await;
    // Requests refused for missing evidence do not count.
    for _ in 0..6 {
        let r = app
            .send(
                Method::POST,
                "/support/recovery-requests",
                None,
                Some(json!({"full_name": "Петров Игорь", "old_email": "old@example.ru", "new_contact": new_phone()})),
                &[("x-forwarded-for", "203.0.113.60")],
            )
            .await;
        assert_eq!(r.code(), "not_enough_evidence");
    }
    let contacts: Vec<String> = (0..N).map(|_| new_phone()).collect();
    let answers = all_at_once(
        contacts
            .iter()
            .map(|c| {
                app.send(
                    Method::POST,
                    "/support/recovery-requests",
                    None,
                    Some(
                        json!({"full_name": "Петров Игорь", "old_email": "old@example.ru",
                        "new_contact": c, "order_number": "10023", "card_last4": "4242"}),
                    ),
                    &[("x-forwarded-for", "203.0.113.60")],
                )
            })
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 202, None), 5);
    // Up to 10× the threshold a solved captcha would let them through; beyond, a hard 429.
    assert_eq!(count(&answers, 400, Some("captcha_required")), 45);
    assert_eq!(count(&answers, 429, Some("too_many_requests")), N - 50);
    let cases = app
        .scalar_i64(
            "SELECT COUNT(*) FROM recovery_cases WHERE ip = $1",
            "203.0.113.60",
        )
        .await;
    assert_eq!(cases, 5);
}

/// `n` signed-in customers (tokens), each from an address of their own.
async fn customers(app: &TestApp, n: usize) -> Vec<String> {
    let mut tokens = Vec::with_capacity(n);
    for _ in 0..n {
        tokens.push(app.sign_in(&new_phone()).await.0);
    }
    tokens
}

async fn put(app: &TestApp, token: &str, id: &str, q: i64) {
    app.api(
        Method::PUT,
        &format!("/cart/items/{id}"),
        Some(token),
        Some(json!({"quantity": q})),
    )
    .await
    .expect(200);
}

fn checkout_body(point: &str) -> Value {
    json!({"delivery": {"method": "pickup_point", "pickup_point_id": point},
           "payment": {"method": "card", "card": {"number": "2200 0000 0000 0004", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}})
}

async fn checkout(app: &TestApp, token: &str, key: &str, body: &Value) -> Resp {
    app.send(
        Method::POST,
        "/orders",
        Some(token),
        Some(body.clone()),
        &[("idempotency-key", key)],
    )
    .await
}

/// Two products with plenty of stock, by id.
async fn two_products(app: &TestApp) -> (String, String) {
    let items = app.get("/products?limit=100", None).await.json()["items"]
        .as_array()
        .unwrap()
        .clone();
    let ids: Vec<String> = items
        .iter()
        .filter(|p| p["weight_g"].as_i64().unwrap() < 2_000)
        .take(2)
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    for id in &ids {
        sqlx::query("UPDATE products SET stock = 100000 WHERE id = $1")
            .bind(id)
            .execute(kabinet::db::autocommit(&app.state.db))
            .await
            .unwrap();
    }
    (ids[0].clone(), ids[1].clone())
}

/// Orders, payments and stock agree: every approved attempt belongs to a paid order, no
/// cancelled order kept money, and the stock taken is what the paid orders hold.
async fn books_agree(app: &TestApp, products: &[&str], stock_before: i64) {
    let db = &app.state.db;
    let approved_elsewhere: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_attempts a LEFT JOIN orders o ON o.id = a.order_id \
         WHERE a.status = 'approved' AND (o.id IS NULL OR o.status <> 'paid')",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(
        approved_elsewhere, 0,
        "approved payments only on paid orders"
    );
    let unpaid_with_money: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM orders o WHERE o.status = 'paid' AND o.payment_method <> 'balance' AND NOT EXISTS \
         (SELECT 1 FROM payment_attempts a WHERE a.order_id = o.id AND a.status = 'approved')",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(unpaid_with_money, 0, "every paid order has its approval");
    for p in products {
        let held: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE l.product_id = $1 AND o.status <> 'cancelled'",
        )
        .bind(*p)
        .fetch_one(db)
        .await
        .unwrap();
        let stock: i64 = sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
            .bind(*p)
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(stock + held, stock_before, "stock of {p}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_and_twenty_first_time_checkouts_all_succeed() {
    let app = spawn_app_with(|c| {
        c.demo = Some(true);
        c.limits.ip_per_hour = 10_000;
    })
    .await;
    let (a, b) = two_products(&app).await;
    let point = moscow_point(&app).await;
    let tokens = customers(&app, 120).await;
    for (i, t) in tokens.iter().enumerate() {
        put(&app, t, if i % 2 == 0 { &a } else { &b }, 1).await;
    }
    let body = checkout_body(&point);
    let answers = all_at_once(
        tokens
            .iter()
            .map(|t| checkout(&app, t, "first", &body))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 201, None), 120);
    assert!(answers.iter().all(|r| r.json()["status"] == "paid"));
    books_agree(&app, &[&a, &b], 100_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_crossed_carts_check_out_without_deadlocks() {
    let app = spawn_app_with(|c| {
        c.demo = Some(true);
        c.limits.ip_per_hour = 10_000;
    })
    .await;
    let (a, b) = two_products(&app).await;
    let point = moscow_point(&app).await;
    let tokens = customers(&app, N).await;
    // Half put A first, half B first: the same rows in opposite orders.
    for (i, t) in tokens.iter().enumerate() {
        let (first, second) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        put(&app, t, first, 2).await;
        put(&app, t, second, 1).await;
    }
    let body = checkout_body(&point);
    let answers = all_at_once(
        tokens
            .iter()
            .map(|t| checkout(&app, t, "crossed", &body))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 201, None), N);
    books_agree(&app, &[&a, &b], 100_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_key_replayed_during_checkout_gets_the_same_order_or_wait() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (a, _) = two_products(&app).await;
    let point = moscow_point(&app).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    put(&app, &token, &a, 1).await;
    let body = checkout_body(&point);
    let answers = all_at_once(
        (0..N)
            .map(|_| checkout(&app, &token, "same-key", &body))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    let placed = count(&answers, 201, None);
    let waiting = count(&answers, 409, Some("idempotency_in_progress"));
    assert!(placed >= 1, "the first request finishes");
    assert_eq!(
        placed + waiting,
        N,
        "201 or 409 in progress, nothing else: {:?}",
        answers
            .iter()
            .filter(
                |r| r.status != 201 && !(r.status == 409 && r.code() == "idempotency_in_progress")
            )
            .map(|r| (r.status, r.text.clone()))
            .collect::<Vec<_>>()
    );
    let numbers: std::collections::HashSet<String> = answers
        .iter()
        .filter(|r| r.status == 201)
        .map(|r| r.json()["number"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(numbers.len(), 1, "one order");
    // Once it finished, every replay gets its exact answer.
    let again = checkout(&app, &token, "same-key", &body).await.expect(201);
    assert!(numbers.contains(again.json()["number"].as_str().unwrap()));
    books_agree(&app, &[&a], 100_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_address_book_holds_under_a_hundred_writes() {
    let app = spawn_app().await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let add = |address: String| {
        app.api(
            Method::POST,
            "/me/addresses",
            Some(&token),
            Some(json!({"address": address})),
        )
    };
    // The same address a hundred times at once: one entry.
    let same = all_at_once(
        (0..N)
            .map(|_| add("Москва, Тверская ул., 1".into()))
            .collect(),
    )
    .await;
    no_server_errors(&same);
    assert_eq!(
        same.iter().filter(|r| r.status.is_success()).count(),
        N,
        "each gets the one address"
    );
    // A hundred different ones at once: the book stops at 20.
    let many = all_at_once(
        (0..N)
            .map(|i| add(format!("Москва, Тверская ул., {}", i + 2)))
            .collect(),
    )
    .await;
    no_server_errors(&many);
    assert_eq!(count(&many, 409, Some("too_many_addresses")), N - 19);
    let kept = app.get("/me/addresses", Some(&token)).await.json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(kept, 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_cart_checked_out_a_hundred_times_with_different_keys_is_one_order() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (a, b) = two_products(&app).await;
    let point = moscow_point(&app).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    put(&app, &token, &a, 2).await;
    put(&app, &token, &b, 1).await;
    let body = checkout_body(&point);
    let keys: Vec<String> = (0..N).map(|i| format!("tab-{i}")).collect();
    let answers = all_at_once(
        keys.iter()
            .map(|k| checkout(&app, &token, k, &body))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 201, None), 1, "one order, one charge");
    assert_eq!(
        count(&answers, 409, Some("cart_changed")) + count(&answers, 409, Some("cart_empty")),
        N - 1
    );
    let charges: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sandbox_payments")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(charges, 1);
    books_agree(&app, &[&a, &b], 100_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_cancels_of_one_paid_order_give_the_stock_and_the_money_back_once() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (a, _) = two_products(&app).await;
    let point = moscow_point(&app).await;
    let token = customers(&app, 1).await.remove(0);
    put(&app, &token, &a, 3).await;
    let order = checkout(&app, &token, "k", &checkout_body(&point))
        .await
        .expect(201)
        .json();
    let number = order["number"].as_str().unwrap().to_owned();
    let path = format!("/orders/{number}/cancel");
    let answers = all_at_once(
        (0..100)
            .map(|_| app.api(Method::POST, &path, Some(&token), None))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(
        answers.iter().filter(|r| r.status.is_success()).count(),
        1,
        "one cancel"
    );
    assert_eq!(count(&answers, 409, Some("order_not_cancellable")), 99);
    let events: i64 = app
        .scalar_i64(
            "SELECT COUNT(*) FROM order_events e JOIN orders o ON o.id = e.order_id \
             WHERE o.number = $1 AND e.status = 'cancelled'",
            &number,
        )
        .await;
    assert_eq!(events, 1, "one «cancelled» in the timeline");
    let refunded: i64 = app
        .scalar_i64(
            "SELECT CAST(COALESCE(SUM(s.refunded), 0) AS BIGINT) FROM sandbox_payments s \
             JOIN payment_attempts a ON a.reference = s.reference JOIN orders o ON o.id = a.order_id \
             WHERE o.number = $1",
            &number,
        )
        .await;
    assert_eq!(
        refunded,
        order["total"].as_i64().unwrap(),
        "the money back once"
    );
    books_agree(&app, &[&a], 100_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_partial_refunds_never_give_back_more_than_was_charged() {
    use kabinet::payments::{ChargeRequest, Instrument};
    let app = spawn_app().await;
    let p = app.state.payments.clone();
    p.charge(ChargeRequest {
        reference: "big",
        amount: 50_000,
        instrument: Instrument::Card { last4: "0004" },
        description: "test",
        return_url: "/",
        expires_at: i64::MAX,
        now: 1,
    })
    .await
    .unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let p = p.clone();
            tokio::spawn(async move { p.refund("big", Some(1_000), 10 + i).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let refunded = app
        .scalar_i64(
            "SELECT refunded FROM sandbox_payments WHERE reference = $1",
            "big",
        )
        .await;
    assert_eq!(
        refunded, 50_000,
        "50 of the 100 refunds fit; none goes past the charge"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_cancels_of_an_order_paid_partly_with_bonuses_give_each_tender_back_once() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (a, _) = two_products(&app).await;
    let point = moscow_point(&app).await;
    let token = customers(&app, 1).await.remove(0);
    put(&app, &token, &a, 2).await;
    let mut body = checkout_body(&point);
    body["payment"]["spasibo"] = json!(50_000);
    body["payment"]["card"]["save"] = json!(true);
    let order = checkout(&app, &token, "k", &body).await.expect(201).json();
    let number = order["number"].as_str().unwrap().to_owned();
    // The payment is two tenders: the bonuses and the card's rest.
    let tender = |kind: &'static str| {
        let (app, number) = (&app, number.clone());
        async move {
            sqlx::query_as::<_, (i64, String)>(
                "SELECT t.amount, t.status FROM order_tenders t JOIN orders o ON o.id = t.order_id \
                 WHERE o.number = $1 AND t.kind = $2",
            )
            .bind(&number)
            .bind(kind)
            .fetch_one(&app.state.db)
            .await
            .unwrap()
        }
    };
    let total = order["total"].as_i64().unwrap();
    assert_eq!(tender("spasibo").await, (50_000, "held".into()));
    assert_eq!(tender("card").await, (total - 50_000, "held".into()));
    let bonuses = || async {
        app.get("/me/cards", Some(&token)).await.expect(200).json()["items"][0]["spasibo_balance"]
            .as_i64()
            .unwrap()
    };
    let before = bonuses().await;
    let path = format!("/orders/{number}/cancel");
    let answers = all_at_once(
        (0..100)
            .map(|_| app.api(Method::POST, &path, Some(&token), None))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(answers.iter().filter(|r| r.status.is_success()).count(), 1);
    assert_eq!(tender("spasibo").await, (50_000, "released".into()));
    assert_eq!(tender("card").await.1, "released");
    assert_eq!(bonuses().await, before + 50_000, "the bonuses back once");
    books_agree(&app, &[&a], 100_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_verifies_of_one_right_code_start_one_session() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (flow, code) = app.code_for("sms", &phone).await;
    let answers = all_at_once((0..N).map(|_| app.verify(&flow, &code)).collect()).await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 200, None), 1, "one code, one session");
    assert_eq!(count(&answers, 400, Some("code_expired")), N - 1);
    let customers = app
        .scalar_i64("SELECT COUNT(*) FROM customers WHERE phone = $1", &phone)
        .await;
    assert_eq!(customers, 1);
    let sessions = app
        .scalar_i64(
            "SELECT COUNT(*) FROM sessions s JOIN customers c ON c.id = s.customer_id WHERE c.phone = $1",
            &phone,
        )
        .await;
    assert_eq!(sessions, 1);
    let signed_in = app
        .scalar_i64(
            "SELECT COUNT(*) FROM security_events WHERE contact = $1 AND event = 'sign_in'",
            &phone,
        )
        .await;
    assert_eq!(signed_in, 1);
    // The right code gave its reservation back: no failure is counted for the contact.
    let failures = app
        .scalar_i64(
            "SELECT COALESCE(MAX(n), 0) FROM rate_counters WHERE key = 'codefail:' || $1",
            &phone,
        )
        .await;
    assert_eq!(failures, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_first_sign_ins_at_once_open_a_hundred_accounts() {
    let app = spawn_app_with(|c| c.limits.ip_per_hour = 10_000).await;
    let mut flows = Vec::new();
    for _ in 0..N {
        let phone = new_phone();
        let (flow, code) = app.code_for("sms", &phone).await;
        flows.push((phone, flow, code));
    }
    let answers = all_at_once(
        flows
            .iter()
            .map(|(_, flow, code)| app.verify(flow, code))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 200, None), N);
    for (a, (phone, _, _)) in answers.iter().zip(&flows) {
        let body = a.json();
        assert_eq!(body["created"], true);
        assert_eq!(body["customer"]["phone"], phone.as_str());
    }
}
