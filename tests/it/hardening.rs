//! Defects found by review and probing (issue #8), each with the test that failed before its
//! fix, plus the production-mode and housekeeping rules.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn redirect_targets_never_leave_the_site() {
    let app = spawn_app().await;
    for back in [
        "/%09/evil.example",
        "/%0a/evil.example",
        "//evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
        "/%01",
        "/.//evil.example",
        "/%2e%2e//evil.example",
    ] {
        let r = get_page(&app, &format!("/lang/ru?back={back}")).await;
        assert_eq!(r.status, 303, "{back}: {}", r.text);
        let to = r.header("location").unwrap();
        assert!(
            to.starts_with('/') && !to.starts_with("//") && !to.contains("evil"),
            "{back} → {to}"
        );
        // Sign-in goes on to the account instead.
        let r = get_page(&app, &format!("/login?next={back}")).await;
        assert_eq!(r.status, 200, "{back}");
        assert!(r.text.contains(r#"name="next" value="/account""#), "{back}");
    }
    // A local path in any letters is kept, percent-encoded.
    let r = get_page(&app, "/lang/en?back=/catalog?q=%D1%87%D0%B0%D0%B9").await;
    assert_eq!(
        r.header("location").as_deref(),
        Some("/catalog?q=%D1%87%D0%B0%D0%B9")
    );
}

#[tokio::test]
async fn resending_a_registration_code_keeps_it_a_registration() {
    let app = spawn_app().await;
    let email = new_email();
    let r = app
        .api(
            Method::POST,
            "/auth/register",
            None,
            Some(json!({"first_name":"Анна","last_name":"Смирнова","email": email,"password":"пароль для регистрации"})),
        )
        .await
        .expect(202);
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    app.advance(60);
    // «Получить код ещё раз» on the code page.
    let html = get_page(&app, &format!("/login/code?flow={flow}"))
        .await
        .text;
    let csrf = csrf_of(&html);
    let r = post_form(&app, "/login/resend", &[("csrf", &csrf), ("flow", &flow)]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let new_flow = r
        .header("location")
        .unwrap()
        .split("flow=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let code = app.last_code(&email).await;
    let body = app.verify(&new_flow, &code).await.expect(200).json();
    // The account was opened with the names and password of the registration.
    assert_eq!(body["created"], true);
    assert_eq!(body["customer"]["first_name"], "Анна");
    app.api(
        Method::POST,
        "/auth/password",
        None,
        Some(json!({"login": email, "password": "пароль для регистрации"})),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn an_email_that_starts_with_a_plus_stays_an_email() {
    let app = spawn_app().await;
    let email = format!("+ivan{}@mail.ru", std::process::id());
    let (flow, code) = app.code_for("email", &email).await;
    let body = app.verify(&flow, &code).await.expect(200).json();
    assert_eq!(body["customer"]["email"], email.as_str());
    assert_eq!(body["customer"]["phone"], serde_json::Value::Null);
}

#[tokio::test]
async fn reverting_a_change_also_removes_the_intruders_password_and_links() {
    let app = spawn_app().await;
    let phone = new_phone();
    let (owner, _) = app.sign_in(&phone).await;
    let old = new_email();
    // The owner had an email; an intruder in the session changes it and sets a password.
    for (kind, to) in [("email", old.clone())] {
        let r = app
            .api(
                Method::POST,
                &format!("/me/{kind}"),
                Some(&owner),
                Some(json!({"email": to})),
            )
            .await
            .expect(202);
        let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
        let code = app.last_code(&to).await;
        app.api(
            Method::POST,
            "/me/email/confirm",
            Some(&owner),
            Some(json!({"flow_id": flow, "code": code})),
        )
        .await
        .expect(204);
    }
    app.advance(61);
    let intruder_email = new_email();
    let r = app
        .api(
            Method::POST,
            "/me/email",
            Some(&owner),
            Some(json!({"email": intruder_email})),
        )
        .await
        .expect(202);
    let flow = r.json()["flow_id"].as_str().unwrap().to_owned();
    let code = app.last_code(&intruder_email).await;
    app.api(
        Method::POST,
        "/me/email/confirm",
        Some(&owner),
        Some(json!({"flow_id": flow, "code": code})),
    )
    .await
    .expect(204);
    app.advance(5);
    let intruder_password = "пароль злоумышленника 42";
    app.api(
        Method::POST,
        "/me/password",
        Some(&owner),
        Some(json!({"password": intruder_password})),
    )
    .await
    .expect(204);
    // …and asks for a recovery link to the address now on the account.
    let (cid, answer) = app.captcha().await;
    app.api(
        Method::POST,
        "/recovery",
        None,
        Some(json!({"email": intruder_email, "captcha_id": cid, "captcha_answer": answer})),
    )
    .await
    .expect(202);
    let recovery_link = app.last_link(&intruder_email).await;
    // The owner's old address got «Это был не я».
    let revert = app.last_link(&old).await;
    let token = revert.rsplit('/').next().unwrap();
    app.api(
        Method::POST,
        &format!("/contact-changes/{token}/revert"),
        None,
        None,
    )
    .await
    .expect(204);
    // The intruder's password is gone, and so is the recovery link.
    let r = app
        .api(
            Method::POST,
            "/auth/password",
            None,
            Some(json!({"login": old, "password": intruder_password})),
        )
        .await;
    assert_eq!(r.code(), "invalid_credentials");
    let recovery_token = recovery_link.rsplit('/').next().unwrap();
    let r = app
        .api(
            Method::POST,
            &format!("/recovery/{recovery_token}/complete"),
            None,
            Some(json!({"password": "новый пароль владельца"})),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    // The owner still signs in by code, and the log says what happened.
    app.sign_in(&phone).await;
    let removed = app
        .scalar_i64(
            "SELECT COUNT(*) FROM security_events WHERE event = 'password_removed' AND result = $1",
            "change_reverted",
        )
        .await;
    assert_eq!(removed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn contact_taken_is_said_ten_times_a_day_then_everything_waits() {
    let app = spawn_app_with(|c| c.limits.ip_per_hour = 1_000).await;
    let (prober, _) = app.sign_in(&new_phone()).await;
    let mut taken = Vec::new();
    for _ in 0..20 {
        let p = new_phone();
        app.sign_in(&p).await;
        taken.push(p);
    }
    let answers = all_at_once(
        (0..100)
            .map(|i| {
                app.api(
                    Method::POST,
                    "/me/phone",
                    Some(&prober),
                    Some(json!({"phone": taken[i % 20], "channel": "sms"})),
                )
            })
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 409, Some("contact_taken")), 10);
    assert_eq!(count(&answers, 429, Some("too_many_requests")), 90);
    // A free number now waits too: the wait tells nothing.
    let r = app
        .api(
            Method::POST,
            "/me/phone",
            Some(&prober),
            Some(json!({"phone": new_phone(), "channel": "sms"})),
        )
        .await;
    assert_eq!(r.status, 429);
}

#[tokio::test]
async fn saved_cards_need_a_fresh_sign_in() {
    let app = spawn_app().await;
    let (token, _) = app.sign_in(&new_phone()).await;
    app.get("/me/cards", Some(&token)).await.expect(200);
    app.advance(16 * 60);
    let r = app.get("/me/cards", Some(&token)).await.expect(403);
    assert_eq!(r.code(), "reauth_required");
}

#[tokio::test]
async fn very_long_search_texts_are_a_clear_400() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let long = "a".repeat(50_000);
    for path in [
        format!("/products?q={}", urlencode(&long)),
        format!("/pickup-points?q={}", urlencode(&long)),
    ] {
        let r = app.get(&path, None).await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (400, "query_too_long".into()),
            "{path}"
        );
    }
    let (token, _) = app.sign_in(&new_phone()).await;
    let r = app
        .get(&format!("/purchases?q={}", urlencode(&long)), Some(&token))
        .await;
    assert_eq!(r.code(), "query_too_long");
    app.get("/products?q=%D1%87%D0%B0%D0%B9%D0%BD%D0%B8%D0%BA", None)
        .await
        .expect(200);
}

#[tokio::test]
async fn the_dev_outbox_answers_only_this_machine() {
    let app = spawn_app_with(|c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    let phone = new_phone();
    app.request_code("sms", &phone).await.expect(202);
    assert_eq!(app.outbox(&phone).await.len(), 1);
    // A client elsewhere, forwarded by the proxy, gets nothing.
    let r = app
        .send(
            Method::GET,
            &format!("/dev/outbox?to={}", urlencode(&phone)),
            None,
            None,
            &[("x-forwarded-for", "203.0.113.7")],
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn a_public_address_without_a_mode_refuses_to_start() {
    let mut config = kabinet::config::Config {
        addr: "0.0.0.0:0".into(),
        database_url: "sqlite::memory:".into(),
        ..kabinet::config::Config::default()
    };
    let err = kabinet::app::Application::build(config.clone())
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("KABINET_ENV"), "{err}");
    config.env = Some("production".into());
    let err = kabinet::app::Application::build(config)
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("KABINET_SECRET"), "{err}");
}

#[tokio::test]
async fn queued_messages_hold_no_readable_code() {
    let app = spawn_app().await;
    let phone = new_phone();
    // Hold the worker back: queue inside a transaction we inspect before delivery.
    let msg = kabinet::notify::Message {
        channel: kabinet::auth::Channel::Sms,
        to: phone.clone(),
        subject: String::new(),
        text: "Код 482913".into(),
        code: Some("482913".into()),
        link: None,
    };
    let mut tx = kabinet::db::begin_write(&app.state.db).await.unwrap();
    app.state.notifier.enqueue(&mut tx, &msg).await.unwrap();
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = $1")
        .bind(&phone)
        .fetch_all(&mut tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(bodies.len(), 1);
    assert!(!bodies[0].contains("482913"), "{}", bodies[0]);
}

#[tokio::test]
async fn housekeeping_deletes_what_served_its_time_under_one_lease() {
    let app = spawn_app().await;
    let other = app.second_node().await;
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    app.captcha().await;
    app.request_code("sms", &new_phone()).await.expect(202);
    // One node holds the lease; the other gets it only after it lapses.
    assert!(
        kabinet::housekeeping::take_lease(&app.state, "test", "node-a")
            .await
            .unwrap()
    );
    assert!(
        !kabinet::housekeeping::take_lease(&other.state, "test", "node-b")
            .await
            .unwrap()
    );
    assert!(
        kabinet::housekeeping::take_lease(&app.state, "test", "node-a")
            .await
            .unwrap()
    );
    app.advance(91);
    assert!(
        kabinet::housekeeping::take_lease(&other.state, "test", "node-b")
            .await
            .unwrap()
    );
    // A node stopping cleanly lets its lease go: the other takes it at its next tick.
    kabinet::housekeeping::store::release_lease(&other.state.db, "test", "node-b")
        .await
        .unwrap();
    assert!(
        kabinet::housekeeping::take_lease(&app.state, "test", "node-a")
            .await
            .unwrap()
    );
    // Two days on: flows, captchas, counters and gates are gone; the session (14 days idle)
    // stays, and goes after its idle limit.
    app.advance(2 * 86_400);
    kabinet::housekeeping::sweep(&app.state).await.unwrap();
    for table in ["auth_flows", "captchas", "rate_counters", "rate_gates"] {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&app.state.db)
                .await
                .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    app.get("/me", Some(&token)).await.expect(200);
    app.advance(15 * 86_400);
    kabinet::housekeeping::sweep(&app.state).await.unwrap();
    let sessions = app
        .scalar_i64("SELECT COUNT(*) FROM sessions WHERE $1 <> ''", "x")
        .await;
    assert_eq!(sessions, 0);
}

#[tokio::test]
async fn an_https_site_sends_hsts_and_host_only_cookies() {
    let app = spawn_app_with(|c| c.base_url = Some("https://kabinet.test".into())).await;
    let r = get_page(&app, "/login").await.expect(200);
    assert_eq!(
        r.header("strict-transport-security").as_deref(),
        Some("max-age=31536000; includeSubDomains")
    );
    let cookie = r.header("set-cookie").unwrap();
    assert!(cookie.starts_with("__Host-kabinet_csrf="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    // A plain-http site sends no HSTS.
    let plain = spawn_app().await;
    let r = get_page(&plain, "/login").await;
    assert!(r.header("strict-transport-security").is_none());
}

#[tokio::test]
async fn a_planted_csrf_cookie_does_not_pass_for_a_signed_in_customer() {
    let app = spawn_app().await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let planted = "a".repeat(43);
    // A sibling site sets kabinet_csrf to a value it knows and posts a form with it.
    let res = app
        .client
        .post(format!("{}/logout", app.base))
        .header(
            "cookie",
            format!("kabinet_session={token}; kabinet_csrf={planted}"),
        )
        .form(&[("csrf", planted.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    app.get("/me", Some(&token)).await.expect(200);
    // The token on the customer's own pages is bound to the session and works.
    let html = app
        .client
        .get(format!("{}/account", app.base))
        .header("cookie", format!("kabinet_session={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    assert_ne!(csrf, planted);
    let res = app
        .client
        .post(format!("{}/logout", app.base))
        .header("cookie", format!("kabinet_session={token}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(app.get("/me", Some(&token)).await.status, 401);
}

#[tokio::test]
async fn the_security_log_says_whose_hand_each_event_is() {
    let app = spawn_app().await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let events = app
        .get("/me/security-events", Some(&token))
        .await
        .expect(200)
        .json();
    let first = &events["items"][0];
    assert_eq!(first["event"], "sign_in");
    assert_eq!(first["actor"], "customer");
}

#[tokio::test]
async fn a_channel_the_shop_does_not_offer_is_refused_before_anything_is_sent() {
    let app = spawn_app_with(|c| c.channels = vec!["sms".into()]).await;
    let email = new_email();
    let r = app.request_code("email", &email).await.expect(400);
    assert_eq!(r.code(), "channel_not_available");
    assert!(app.outbox(&email).await.is_empty());
    app.request_code("sms", &new_phone()).await.expect(202);
}

/// An order of one product paid with `card` under key `k`: (token, the checkout's answer).
async fn order_with(app: &TestApp, card: &str, status: u16) -> (String, serde_json::Value) {
    let p = app.get("/products?limit=1", None).await.json()["items"][0].clone();
    let id = p["id"].as_str().unwrap().to_owned();
    let (token, _) = app.sign_in(&new_phone()).await;
    app.api(
        Method::PUT,
        &format!("/cart/items/{id}"),
        Some(&token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let point = moscow_point(app).await;
    let body = json!({"delivery": {"method": "pickup_point", "pickup_point_id": point},
        "payment": {"method": "card", "card": {"number": card, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}});
    let order = app
        .send(
            Method::POST,
            "/orders",
            Some(&token),
            Some(body),
            &[("idempotency-key", "k")],
        )
        .await
        .expect(status)
        .json();
    (token, order)
}

/// An order paid by the sandbox card: (token, order number).
async fn paid_order(app: &TestApp) -> (String, String) {
    let (token, order) = order_with(app, "2200 0000 0000 0004", 201).await;
    (token, order["number"].as_str().unwrap().to_owned())
}

async fn attempt_of(app: &TestApp, number: &str) -> (String, String) {
    sqlx::query_as(
        "SELECT a.reference, a.status FROM payment_attempts a JOIN orders o ON o.id = a.order_id WHERE o.number = $1",
    )
    .bind(number)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_refund_marked_due_is_given_back_even_after_a_crash() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (token, number) = paid_order(&app).await;
    app.api(
        Method::POST,
        &format!("/orders/{number}/cancel"),
        Some(&token),
        None,
    )
    .await
    .expect(200);
    let (reference, status) = attempt_of(&app, &number).await;
    assert_eq!(status, "refunded");
    let refunded: Option<i64> =
        sqlx::query_scalar("SELECT refunded_at FROM sandbox_payments WHERE reference = $1")
            .bind(&reference)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(refunded.is_some(), "the acquirer gave the money back");
    // As if the process died between marking a refund due and asking the acquirer.
    let (_, second) = paid_order(&app).await;
    let (reference, _) = attempt_of(&app, &second).await;
    sqlx::query("UPDATE orders SET status = 'cancelled' WHERE number = $1")
        .bind(&second)
        .execute(kabinet::db::autocommit(&app.state.db))
        .await
        .unwrap();
    sqlx::query("UPDATE payment_attempts SET status = 'refund_due' WHERE reference = $1")
        .bind(&reference)
        .execute(kabinet::db::autocommit(&app.state.db))
        .await
        .unwrap();
    assert_eq!(kabinet::orders::reconcile(&app.state).await.unwrap(), 1);
    assert_eq!(attempt_of(&app, &second).await.1, "refunded");
}

#[tokio::test]
async fn a_3ds_answer_lost_in_a_crash_still_lets_the_customer_confirm() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (token, order) = order_with(&app, "4000000000000010", 202).await;
    let number = order["number"].as_str().unwrap();
    // The acquirer answered "confirm on 3-D Secure", but the answer was never written.
    sqlx::query("UPDATE payment_attempts SET status = 'pending' WHERE order_id = (SELECT id FROM orders WHERE number = $1)")
        .bind(number)
        .execute(kabinet::db::autocommit(&app.state.db))
        .await
        .unwrap();
    kabinet::orders::reconcile(&app.state).await.unwrap();
    assert_eq!(attempt_of(&app, number).await.1, "needs_confirmation");
    let (id, _) = kabinet::orders::by_number(
        &app.state,
        &order_customer(&app, number).await,
        &kabinet::orders::OrderNumber::parse(number).unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    // The customer confirms on the bank's page; the bank's notice settles the order.
    let url = kabinet::orders::confirmation_url(&app.state, &id)
        .await
        .unwrap()
        .expect("a payment waiting for confirmation");
    let bank = url.strip_prefix("http://kabinet.test").unwrap();
    let csrf = csrf_of(&get_page(&app, bank).await.expect(200).text);
    post_form(&app, bank, &[("csrf", &csrf), ("decision", "confirm")])
        .await
        .expect(303);
    assert_eq!(
        app.get(&format!("/orders/{number}"), Some(&token))
            .await
            .json()["status"],
        "paid"
    );
}

async fn order_customer(app: &TestApp, number: &str) -> String {
    sqlx::query_scalar("SELECT customer_id FROM orders WHERE number = $1")
        .bind(number)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn staff_cannot_move_a_cancelled_order_back_and_release_its_stock_twice() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (token, number) = paid_order(&app).await;
    app.api(
        Method::POST,
        &format!("/orders/{number}/cancel"),
        Some(&token),
        None,
    )
    .await
    .expect(200);
    let e = kabinet::orders::advance(&app.state, &number, "paid")
        .await
        .unwrap_err();
    assert_eq!(e.code, "illegal_transition");
    // Cancelling it again is no legal move either (its stock and money went back once).
    let e = kabinet::orders::advance(&app.state, &number, "cancelled")
        .await
        .unwrap_err();
    assert_eq!(e.code, "illegal_transition");
}

#[tokio::test]
async fn the_dev_outbox_refuses_requests_that_came_through_a_proxy() {
    let app = spawn_app().await;
    let phone = new_phone();
    app.request_code("sms", &phone).await.expect(202);
    // nginx on loopback in front of a development server, not trusted: still not this machine.
    let r = app
        .send(
            Method::GET,
            &format!("/dev/outbox?to={}", urlencode(&phone)),
            None,
            None,
            &[("x-forwarded-for", "198.51.100.7")],
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn a_recovery_letter_is_sent_right_after_a_sign_in_code() {
    let app = spawn_app().await;
    let email = new_email();
    app.register(&email, "пароль для восстановления").await;
    app.request_code("email", &email).await.expect(202);
    let (id, answer) = app.captcha().await;
    app.api(
        Method::POST,
        "/recovery",
        None,
        Some(json!({"email": email, "captcha_id": id, "captcha_answer": answer})),
    )
    .await
    .expect(202);
    let link = app.last_link(&email).await;
    assert!(link.contains("/recovery/"), "{link}");
}

#[tokio::test]
async fn contact_changes_count_against_the_address_too() {
    let app = spawn_app_with(|c| c.limits.ip_per_hour = 2).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    app.api(
        Method::POST,
        "/me/phone",
        Some(&token),
        Some(json!({"phone": new_phone(), "channel": "sms"})),
    )
    .await
    .expect(202);
    let r = app
        .api(
            Method::POST,
            "/me/phone",
            Some(&token),
            Some(json!({"phone": new_phone(), "channel": "sms"})),
        )
        .await;
    assert_eq!(r.code(), "captcha_required");
}
