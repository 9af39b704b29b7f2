//! СБП through the payment seam and 54-ФЗ receipts for every payment and refund (issue 11).

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const CARD_OK: &str = "2200 0000 0000 0004";

async fn demo() -> TestApp {
    spawn_app_with(|c| c.demo = Some(true)).await
}

/// A demo product with more than 5 in stock: its id.
async fn a_product(app: &TestApp) -> String {
    app.get("/products?limit=100", None).await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["stock"].as_i64().unwrap() > 5)
        .expect("a product in stock")["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Puts one of a product in the page visitor's cart, picks a pickup point and checks out
/// through the page with `pay` (`sbp`, `new` with the OK card…): (order number, redirect).
async fn checkout_page(app: &TestApp, pay: &str) -> (String, String) {
    let product = a_product(app).await;
    let csrf = csrf_of(&app.page("/catalog", None).await);
    post_form(
        app,
        "/cart/add",
        &[("csrf", &csrf), ("product_id", &product)],
    )
    .await
    .expect(303);
    let point = moscow_point(app).await;
    post_form(
        app,
        "/pickup-points/choose",
        &[
            ("csrf", &csrf),
            ("pickup_point_id", &point),
            ("back", "/checkout"),
        ],
    )
    .await
    .expect(303);
    let checkout = app.page("/checkout", None).await;
    assert!(
        checkout.contains("value=\"sbp\"") && checkout.contains("СБП"),
        "the checkout offers СБП"
    );
    let key = {
        let i = checkout.find("name=\"key\" value=\"").unwrap() + 18;
        checkout[i..i + checkout[i..].find('"').unwrap()].to_owned()
    };
    let r = post_form(
        app,
        "/checkout",
        &[
            ("csrf", &csrf),
            ("key", &key),
            ("method", "point"),
            ("pay", pay),
            ("card_number", CARD_OK),
            ("exp_month", "12"),
            ("exp_year", "2030"),
            ("cvc", "123"),
            ("recipient_name", "Анна Покупателева"),
            ("recipient_phone", "+7 916 123-45-67"),
        ],
    )
    .await
    .expect(303);
    let location = r.header("location").unwrap();
    let number = location
        .split('/')
        .find(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
        .unwrap()
        .to_owned();
    (number, location)
}

/// The order as the API shows it to the signed-in page visitor.
async fn order_json(app: &TestApp, number: &str) -> Value {
    app.get(&format!("/orders/{number}"), None)
        .await
        .expect(200)
        .json()
}

fn assert_fiscal(r: &Value) {
    let f = &r["fiscal"];
    let fn_ = f["fn"].as_str().unwrap();
    let fp = f["fp"].as_str().unwrap();
    assert!(
        fn_.len() == 16 && fn_.bytes().all(|b| b.is_ascii_digit()),
        "{r}"
    );
    assert!(
        fp.len() == 10 && fp.bytes().all(|b| b.is_ascii_digit()),
        "{r}"
    );
    assert!(f["fd"].as_i64().unwrap() > 0, "{r}");
}

async fn receipts_in_db(app: &TestApp, number: &str) -> Vec<(String, String, i64)> {
    sqlx::query_as(
        "SELECT r.kind, r.source, r.total FROM receipts r JOIN orders o ON o.id = r.order_id \
         WHERE o.number = $1 ORDER BY r.at, r.kind",
    )
    .bind(number)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn sbp_pays_from_the_bank_app_on_the_qr_page_and_the_receipt_follows() {
    let app = demo().await;
    let phone = new_phone();
    sign_in_by_pages(&app, "/account", &phone, &phone).await;
    let (number, pay) = checkout_page(&app, "sbp").await;
    assert_eq!(pay, format!("/pay/sbp/{number}"));
    let waiting = order_json(&app, &number).await;
    assert_eq!(waiting["status"], "awaiting_payment");
    assert_eq!(waiting["payment"]["method"], "sbp");
    assert_eq!(waiting["receipts"], json!([]), "nothing paid, no receipt");
    // Kabinet hands the customer to the bank's page: a QR code drawn by the server and the
    // link into the bank's app.
    let bank = get_page(&app, &pay)
        .await
        .expect(303)
        .header("location")
        .unwrap();
    assert!(bank.starts_with("/sandbox-bank/"), "{bank}");
    let page = get_page(&app, &bank).await.expect(200).text;
    assert!(page.contains("Оплата через СБП"), "{page}");
    assert!(page.contains("<svg") && page.contains("data-testid=\"sbp-qr\""));
    assert!(
        page.contains("?type=02&#38;sum="),
        "an СБП-like payload: {page}"
    );
    assert!(page.contains("Оплатить в приложении банка"));
    assert!(!page.contains("<?xml"), "the SVG is inline HTML");
    // Another customer with the very link sees nothing.
    let other = app.second_node().await;
    let stranger = new_phone();
    sign_in_by_pages(&other, "/account", &stranger, &stranger).await;
    get_page(&other, &bank).await.expect(404);
    // «Оплатить в приложении банка»: the bank app confirms, Kabinet is notified and settles.
    let csrf = csrf_of(&page);
    let back = post_form(&app, &bank, &[("csrf", &csrf), ("decision", "confirm")])
        .await
        .expect(303)
        .header("location")
        .unwrap();
    assert_eq!(back, format!("/orders/{number}/thanks"));
    let paid = order_json(&app, &number).await;
    assert_eq!(paid["status"], "paid");
    let receipts = paid["receipts"].as_array().unwrap();
    assert_eq!(receipts.len(), 1, "{paid}");
    let r = &receipts[0];
    assert_eq!(r["kind"], "payment");
    assert_eq!(r["total"], paid["total"]);
    assert!(r["at"].as_str().unwrap().ends_with('Z'));
    assert_fiscal(r);
    let url = r["url"].as_str().unwrap();
    let prefix = format!("http://kabinet.test/orders/{number}/receipts/");
    assert!(url.starts_with(&prefix), "{url}");
    let path = &url["http://kabinet.test".len()..];
    // The receipt as a real one reads: ФН/ФД/ФП, items with НДС, totals by tender.
    let slip = get_page(&app, path).await.expect(200).text;
    for want in [
        "Кассовый чек",
        "Приход",
        "Безналичными: СБП",
        "НДС 20%",
        r["fiscal"]["fn"].as_str().unwrap(),
        r["fiscal"]["fp"].as_str().unwrap(),
        "Поставщик",
    ] {
        assert!(slip.contains(want), "{want} in {slip}");
    }
    // Owner only: another customer, or a receipt id that is not this order's, finds nothing.
    get_page(&other, path).await.expect(404);
    get_page(
        &app,
        &format!("/orders/{number}/receipts/0190b5c4-0000-7000-8000-000000000000"),
    )
    .await
    .expect(404);
    get_page(&app, &format!("/orders/{number}/receipts/not-an-id"))
        .await
        .expect(404);
    // The order page lists it; the payment notice links it.
    let order_page = app.page(&format!("/orders/{number}"), None).await;
    assert!(order_page.contains("Кассовые чеки") && order_page.contains(path));
    let notices: Vec<Value> = app
        .outbox(&phone)
        .await
        .into_iter()
        .filter(|m| m["text"].as_str().unwrap_or("").contains("оплачен"))
        .collect();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0]["text"].as_str().unwrap().contains(url),
        "{notices:?}"
    );
    // Confirming again: nothing waits any more.
    post_form(&app, &bank, &[("csrf", &csrf), ("decision", "confirm")])
        .await
        .expect(409);
    assert_eq!(receipts_in_db(&app, &number).await.len(), 1);
}

#[tokio::test]
async fn the_api_takes_sbp_and_answers_202_with_the_qr_page() {
    let app = demo().await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let product = a_product(&app).await;
    app.api(
        Method::PUT,
        &format!("/cart/items/{product}"),
        Some(&token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let point = moscow_point(&app).await;
    let body = |payment: Value| json!({"delivery": {"method": "pickup_point", "pickup_point_id": point}, "payment": payment});
    let app = &app;
    let post = |key: &'static str, b: Value| {
        let token = token.clone();
        async move {
            app.send(
                Method::POST,
                "/orders",
                Some(&token),
                Some(b),
                &[("idempotency-key", key)],
            )
            .await
        }
    };
    assert_eq!(
        post("s0", body(json!({"method": "sbp", "provider": "yoomoney"})))
            .await
            .code(),
        "sbp_takes_no_details"
    );
    assert_eq!(
        post("s1", body(json!({"method": "sbp", "spasibo": 10_000})))
            .await
            .code(),
        "spasibo_needs_card"
    );
    let o = post("s2", body(json!({"method": "sbp"})))
        .await
        .expect(202)
        .json();
    assert_eq!(o["payment"]["method"], "sbp");
    assert_eq!(o["payment"]["card_amount"], o["total"]);
    assert!(
        o["payment_url"]
            .as_str()
            .unwrap()
            .starts_with("http://kabinet.test/pay/sbp/"),
        "{o}"
    );
    // The same key: the same answer.
    let again = post("s2", body(json!({"method": "sbp"})))
        .await
        .expect(202)
        .json();
    assert_eq!(again["number"], o["number"]);
    let tender: (String, i64) = sqlx::query_as(
        "SELECT t.kind, t.amount FROM order_tenders t JOIN orders o ON o.id = t.order_id WHERE o.number = $1",
    )
    .bind(o["number"].as_str().unwrap())
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(tender, ("sbp".into(), o["total"].as_i64().unwrap()));
}

/// An СБП order waiting for the bank app: (token, phone, number, the charge's reference).
async fn waiting_sbp_order(app: &TestApp) -> (String, String, String, String) {
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    let product = a_product(app).await;
    app.api(
        Method::PUT,
        &format!("/cart/items/{product}"),
        Some(&token),
        Some(json!({"quantity": 2})),
    )
    .await
    .expect(200);
    let point = moscow_point(app).await;
    let o = app
        .send(
            Method::POST,
            "/orders",
            Some(&token),
            Some(json!({"delivery": {"method": "pickup_point", "pickup_point_id": point}, "payment": {"method": "sbp"}})),
            &[("idempotency-key", "sbp")],
        )
        .await
        .expect(202)
        .json();
    let number = o["number"].as_str().unwrap().to_owned();
    let reference: String = sqlx::query_scalar(
        "SELECT a.reference FROM payment_attempts a JOIN orders o ON o.id = a.order_id WHERE o.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    (token, phone, number, reference)
}

#[tokio::test]
async fn a_hundred_racing_payment_notices_write_one_receipt_and_one_notice() {
    let app = demo().await;
    let (token, phone, number, reference) = waiting_sbp_order(&app).await;
    // The customer confirms in the bank app; the bank then notifies Kabinet a hundred times
    // at once (retries, several nodes).
    let bank = kabinet::payments::sandbox::Sandbox::new(app.state.db.clone(), &app.state.base_url);
    assert!(
        bank.decide(&reference, true, app.state.clock.now_ms())
            .await
            .unwrap()
    );
    let notices = (0..100).map(|_| {
        let (state, reference) = (app.state.clone(), reference.clone());
        async move { kabinet::orders::payment_notice(&state, &reference).await }
    });
    for r in futures::future::join_all(notices).await {
        assert!(r.is_ok(), "{:?}", r.err().map(|e| e.code));
    }
    let o = app
        .get(&format!("/orders/{number}"), Some(&token))
        .await
        .expect(200)
        .json();
    assert_eq!(o["status"], "paid");
    assert_eq!(o["receipts"].as_array().unwrap().len(), 1, "{o}");
    assert_fiscal(&o["receipts"][0]);
    assert_eq!(
        receipts_in_db(&app, &number).await,
        vec![(
            "payment".into(),
            receipt_source(&app, &number).await,
            o["total"].as_i64().unwrap()
        )]
    );
    // The operator registered it once: one fiscal document.
    let documents: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sandbox_fiscal f JOIN receipts r ON r.id = f.receipt_id \
         JOIN orders o ON o.id = r.order_id WHERE o.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(documents, 1);
    let paid_notices = app
        .outbox(&phone)
        .await
        .into_iter()
        .filter(|m| m["text"].as_str().unwrap_or("").contains("оплачен"))
        .count();
    assert_eq!(paid_notices, 1);
}

async fn receipt_source(app: &TestApp, number: &str) -> String {
    sqlx::query_scalar("SELECT id FROM orders WHERE number = $1")
        .bind(number)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_paid_order_cancelled_by_a_hundred_requests_gets_one_refund_receipt() {
    let app = demo().await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let product = a_product(&app).await;
    app.api(
        Method::PUT,
        &format!("/cart/items/{product}"),
        Some(&token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let point = moscow_point(&app).await;
    // Part with bonuses «Спасибо», the rest by card: the receipt names both.
    let o = app
        .send(
            Method::POST,
            "/orders",
            Some(&token),
            Some(json!({"delivery": {"method": "pickup_point", "pickup_point_id": point},
                        "payment": {"method": "card", "spasibo": 10_000,
                                    "card": {"number": CARD_OK, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}})),
            &[("idempotency-key", "k")],
        )
        .await
        .expect(201)
        .json();
    let number = o["number"].as_str().unwrap().to_owned();
    let total = o["total"].as_i64().unwrap();
    assert_eq!(o["receipts"].as_array().unwrap().len(), 1, "{o}");
    assert_fiscal(&o["receipts"][0]);
    let path = o["receipts"][0]["url"].as_str().unwrap()["http://kabinet.test".len()..].to_owned();
    let slip = app.page(&path, Some(&token)).await;
    assert!(
        slip.contains("Встречным предоставлением: бонусы «Спасибо»")
            && slip.contains("Безналичными: банковская карта")
    );
    assert!(
        slip.contains(&kabinet::domain::money::rubles(total - 10_000)),
        "{slip}"
    );
    let cancel = format!("/orders/{number}/cancel");
    let cancels = (0..100).map(|_| app.api(Method::POST, &cancel, Some(&token), None));
    let answers = all_at_once(cancels.collect()).await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 200, None), 1);
    assert_eq!(count(&answers, 409, Some("order_not_cancellable")), 99);
    let after = app
        .get(&format!("/orders/{number}"), Some(&token))
        .await
        .expect(200)
        .json();
    let receipts = after["receipts"].as_array().unwrap();
    assert_eq!(receipts.len(), 2, "{after}");
    assert_eq!(receipts[0]["kind"], "payment");
    assert_eq!(receipts[1]["kind"], "refund");
    assert_eq!(receipts[1]["total"], total);
    assert_fiscal(&receipts[1]);
    assert_ne!(receipts[0]["fiscal"]["fd"], receipts[1]["fiscal"]["fd"]);
    let refund_path =
        receipts[1]["url"].as_str().unwrap()["http://kabinet.test".len()..].to_owned();
    let refund = app.page(&refund_path, Some(&token)).await;
    assert!(refund.contains("Возврат прихода") && refund.contains("бонусы «Спасибо»"));
    assert_eq!(receipts_in_db(&app, &number).await.len(), 2);
}

#[tokio::test]
async fn an_unregistered_receipt_is_registered_by_the_reconciler() {
    let app = demo().await;
    let (_token, _phone, number, reference) = waiting_sbp_order(&app).await;
    let bank = kabinet::payments::sandbox::Sandbox::new(app.state.db.clone(), &app.state.base_url);
    assert!(
        bank.decide(&reference, true, app.state.clock.now_ms())
            .await
            .unwrap()
    );
    kabinet::orders::payment_notice(&app.state, &reference)
        .await
        .unwrap();
    // As if the operator had been away: the fiscal fields are not there yet.
    sqlx::query("UPDATE receipts SET fiscal_fn = NULL, fiscal_fd = NULL, fiscal_fp = NULL, fiscal_at = NULL")
        .execute(kabinet::db::autocommit(&app.state.db))
        .await
        .unwrap();
    kabinet::orders::reconcile(&app.state).await.unwrap();
    let fd: Option<i64> = sqlx::query_scalar(
        "SELECT r.fiscal_fd FROM receipts r JOIN orders o ON o.id = r.order_id WHERE o.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    // The operator answers a receipt once: the same document as before.
    let registered: i64 = sqlx::query_scalar(
        "SELECT f.fd FROM sandbox_fiscal f JOIN receipts r ON r.id = f.receipt_id \
         JOIN orders o ON o.id = r.order_id WHERE o.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(fd, Some(registered));
}

#[tokio::test]
async fn points_show_on_the_receipt_as_a_prepayment_beside_the_card() {
    let app = demo().await;
    let (token, me) = app.sign_in(&new_phone()).await;
    let customer = me["customer"]["id"].as_str().unwrap().to_owned();
    let mut tx = kabinet::db::begin_write(&app.state.db).await.unwrap();
    assert!(
        kabinet::loyalty::grant(
            &mut tx,
            &customer,
            "test-gift",
            100,
            app.state.clock.now_ms()
        )
        .await
        .unwrap()
    );
    tx.commit().await.unwrap();
    let product = a_product(&app).await;
    app.api(
        Method::PUT,
        &format!("/cart/items/{product}"),
        Some(&token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let point = moscow_point(&app).await;
    let o = app
        .send(
            Method::POST,
            "/orders",
            Some(&token),
            Some(json!({"delivery": {"method": "pickup_point", "pickup_point_id": point},
                        "points": 100,
                        "payment": {"method": "card",
                                    "card": {"number": CARD_OK, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}})),
            &[("idempotency-key", "p")],
        )
        .await
        .expect(201)
        .json();
    assert_eq!(o["payment"]["points"], 10_000, "{o}");
    let r = &o["receipts"][0];
    assert_eq!(r["total"], o["total"], "the receipt covers every tender");
    let path = r["url"].as_str().unwrap()["http://kabinet.test".len()..].to_owned();
    let slip = app.page(&path, Some(&token)).await;
    assert!(slip.contains("Предоплатой (зачёт аванса): баллы"), "{slip}");
    assert!(slip.contains("Безналичными: банковская карта"));
    assert!(slip.contains(&kabinet::domain::money::rubles(100 * 100)));
}
