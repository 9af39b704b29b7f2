//! Returns and refunds («Возвраты», PRODUCT W4 and §5 «Account care»): the window's edges with
//! the injected clock, what may not be returned, refunds to the balance and to the card (never
//! more than the card paid), points spent coming back and points earned taken back with the
//! ledgers balanced, rejection, the auto-approve threshold, the notices, staff roles, and a
//! hundred simultaneous requests and approvals.

use crate::support::*;
use kabinet::balance::{self, EntryKind, Movement};
use kabinet::clock::Clock;
use kabinet::domain::money::Kopecks;
use reqwest::Method;
use serde_json::{Value, json};

const DAY_MS: i64 = 86_400_000;
const CARD_OK: &str = "2200 0000 0000 0004";

async fn demo_with(configure: impl FnOnce(&mut kabinet::config::Config)) -> TestApp {
    spawn_app_with(|c| {
        c.demo = Some(true);
        c.limits.ip_per_hour = 10_000;
        configure(c);
    })
    .await
}

async fn demo() -> TestApp {
    demo_with(|_| {}).await
}

/// A product priced above `min_price` (light, plenty of stock): (id, price).
async fn product(app: &TestApp, min_price: i64) -> (String, i64) {
    let items = app.get("/products?limit=100", None).await.json()["items"]
        .as_array()
        .unwrap()
        .clone();
    let p = items
        .iter()
        .find(|p| {
            p["price"].as_i64().unwrap() > min_price && p["weight_g"].as_i64().unwrap() < 2_000
        })
        .expect("a product");
    let id = p["id"].as_str().unwrap().to_owned();
    sqlx::query("UPDATE products SET stock = 100000 WHERE id = $1")
        .bind(&id)
        .execute(kabinet::db::autocommit(&app.state.db))
        .await
        .unwrap();
    (id, p["price"].as_i64().unwrap())
}

/// A product other than `not`.
async fn another_product(app: &TestApp, not: &str) -> String {
    let items = app.get("/products?limit=100", None).await.json()["items"]
        .as_array()
        .unwrap()
        .clone();
    items
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .find(|id| id != not)
        .expect("another product")
}

/// Points the order earned when it was received.
async fn earned_by(app: &TestApp, number: &str) -> i64 {
    app.scalar_i64(
        "SELECT points FROM loyalty_lots WHERE reference = $1 AND source = 'earned'",
        number,
    )
    .await
}

/// A signed-in customer: (phone, token, id).
async fn customer(app: &TestApp) -> (String, String, String) {
    let phone = new_phone();
    let (token, body) = app.sign_in(&phone).await;
    let id = body["customer"]["id"].as_str().unwrap().to_owned();
    (phone, token, id)
}

/// Puts money on the customer's account as a certificate would.
async fn fund(app: &TestApp, customer: &str, kopecks: i64) {
    let mut tx = kabinet::db::begin_write(&app.state.db).await.unwrap();
    let m = Movement {
        amount: Kopecks::new(kopecks),
        kind: EntryKind::Certificate,
        key: "test-fund",
        reference: "test",
    };
    assert!(
        balance::credit(&mut tx, customer, m, app.state.clock.now_ms())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
}

async fn grant_points(app: &TestApp, customer: &str, points: i64) {
    let mut tx = kabinet::db::begin_write(&app.state.db).await.unwrap();
    assert!(
        kabinet::loyalty::grant(
            &mut tx,
            customer,
            "test-gift",
            points,
            app.state.clock.now_ms()
        )
        .await
        .unwrap()
    );
    tx.commit().await.unwrap();
}

/// Places an order of `quantity` × `product` (with `extra` merged into the checkout body:
/// points, balance) and moves it to received, step by step as staff do. Returns its number
/// and the moment it was received.
async fn received_order(
    app: &TestApp,
    token: &str,
    product: &str,
    quantity: i64,
    extra: Value,
) -> (String, i64) {
    app.api(
        Method::PUT,
        &format!("/cart/items/{product}"),
        Some(token),
        Some(json!({"quantity": quantity})),
    )
    .await
    .expect(200);
    let point = moscow_point(app).await;
    let mut body = json!({"delivery": {"method": "pickup_point", "pickup_point_id": point},
        "payment": {"method": "card", "card": {"number": CARD_OK, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    let key = kabinet::db::new_id();
    let o = app
        .send(
            Method::POST,
            "/orders",
            Some(token),
            Some(body),
            &[("idempotency-key", &key)],
        )
        .await
        .expect(201)
        .json();
    let number = o["number"].as_str().unwrap().to_owned();
    for s in ["assembling", "shipped", "ready_for_pickup", "received"] {
        kabinet::orders::advance(&app.state, &number, s)
            .await
            .unwrap();
    }
    (number, app.state.clock.now_ms())
}

async fn ask(
    app: &TestApp,
    token: &str,
    number: &str,
    product: &str,
    quantity: i64,
    to: &str,
) -> Resp {
    app.api(
        Method::POST,
        "/returns",
        Some(token),
        Some(
            json!({"order_number": number, "product_id": product, "quantity": quantity,
                    "reason": "defect", "comment": "Скол на крышке", "refund_to": to}),
        ),
    )
    .await
}

async fn approve(app: &TestApp, staff: &str, id: &str) -> Resp {
    app.api(
        Method::POST,
        &format!("/staff/returns/{id}/approve"),
        Some(staff),
        None,
    )
    .await
}

async fn mine(app: &TestApp, token: &str) -> Vec<Value> {
    app.get("/returns", Some(token)).await.expect(200).json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// The balance, checked against its ledger.
async fn balance_of(app: &TestApp, customer: &str) -> i64 {
    let b = balance::books(&app.state.db, customer).await.unwrap();
    assert_eq!(b.balance, b.ledger, "the balance is the sum of its ledger");
    b.balance
}

/// The points, checked: balance = ledger = lots.
async fn points_of(app: &TestApp, customer: &str) -> i64 {
    let b = kabinet::loyalty::books(&app.state.db, customer)
        .await
        .unwrap();
    assert!(
        b.balance == b.ledger && b.ledger == b.lots,
        "the points books disagree: {b:?}"
    );
    b.balance
}

/// What the sandbox acquirer has refunded of the order's charge.
async fn card_refunded(app: &TestApp, number: &str) -> i64 {
    app.scalar_i64(
        "SELECT s.refunded FROM sandbox_payments s JOIN payment_attempts a ON a.reference = s.reference \
         JOIN orders o ON o.id = a.order_id WHERE o.number = $1 AND a.status = 'approved'",
        number,
    )
    .await
}

fn texts(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|m| m["text"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn a_return_may_be_asked_until_the_thirtieth_day_to_the_millisecond() {
    let app = demo().await;
    let (p, _) = product(&app, 10_000).await;
    let (phone, token, _) = customer(&app).await;
    let (number, received) = received_order(&app, &token, &p, 3, json!({})).await;
    // Day 30, to the millisecond: still open.
    app.clock
        .advance_ms(received + 30 * DAY_MS - app.clock.now_ms());
    // Sessions end after 14 idle days: the customer signs in again.
    let (token, _) = app.sign_in(&phone).await;
    let r = ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(201);
    assert_eq!(r.json()["status"], "requested");
    // One millisecond later: closed.
    app.clock.advance_ms(1);
    let r = ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(409);
    assert_eq!(r.code(), "return_window_closed");
    // The order page no longer offers it either.
    let html = app.page(&format!("/orders/{number}"), Some(&token)).await;
    assert!(!html.contains("data-testid=\"return-goods\""));
}

#[tokio::test]
async fn the_window_is_configurable() {
    let app = demo_with(|c| c.returns.window_days = 7).await;
    let (p, _) = product(&app, 10_000).await;
    let (_, token, _) = customer(&app).await;
    let (number, received) = received_order(&app, &token, &p, 2, json!({})).await;
    let html = app.page(&format!("/orders/{number}"), Some(&token)).await;
    assert!(
        html.contains("/account/returns/new?order="),
        "«Вернуть товар» on a received order"
    );
    app.clock
        .advance_ms(received + 7 * DAY_MS - app.clock.now_ms());
    ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(201);
    app.clock.advance_ms(1);
    let r = ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(409);
    assert_eq!(r.code(), "return_window_closed");
}

#[tokio::test]
async fn what_may_not_be_returned_is_refused_with_its_code() {
    let app = demo().await;
    let (p, _) = product(&app, 10_000).await;
    let other_product = another_product(&app, &p).await;
    let (_, token, _) = customer(&app).await;
    let (number, _) = received_order(&app, &token, &p, 2, json!({})).await;
    // An order not received yet.
    app.api(
        Method::PUT,
        &format!("/cart/items/{p}"),
        Some(&token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let point = moscow_point(&app).await;
    let paid = app
        .send(
            Method::POST,
            "/orders",
            Some(&token),
            Some(json!({"delivery": {"method": "pickup_point", "pickup_point_id": point},
                "payment": {"method": "card", "card": {"number": CARD_OK, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}})),
            &[("idempotency-key", "not-received")],
        )
        .await
        .expect(201)
        .json();
    let paid = paid["number"].as_str().unwrap();
    let r = ask(&app, &token, paid, &p, 1, "balance").await.expect(409);
    assert_eq!(r.code(), "order_not_received");
    // Someone else's order: not found, like an order that does not exist.
    let (_, stranger, _) = customer(&app).await;
    let r = ask(&app, &stranger, &number, &p, 1, "balance")
        .await
        .expect(404);
    assert_eq!(r.code(), "order_not_found");
    let r = ask(&app, &stranger, "999999999", &p, 1, "balance")
        .await
        .expect(404);
    assert_eq!(r.code(), "order_not_found");
    let res = app
        .client
        .get(format!("{}/account/returns/new?order={number}", app.base))
        .bearer_auth(&stranger)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "another customer's return form");
    // A product the order does not have.
    let r = ask(&app, &token, &number, &other_product, 1, "balance")
        .await
        .expect(404);
    assert_eq!(r.code(), "product_not_in_order");
    // More than bought; nonsense quantities and destinations.
    let r = ask(&app, &token, &number, &p, 3, "balance")
        .await
        .expect(409);
    assert_eq!(r.code(), "return_quantity_exceeded");
    for q in [0, -1] {
        let r = ask(&app, &token, &number, &p, q, "balance")
            .await
            .expect(400);
        assert_eq!(r.code(), "invalid_return_quantity");
    }
    let r = ask(&app, &token, &number, &p, 1, "cash").await.expect(400);
    assert_eq!(r.code(), "invalid_refund_to");
    let r = app
        .api(
            Method::POST,
            "/returns",
            Some(&token),
            Some(
                json!({"order_number": number, "product_id": p, "quantity": 1,
                        "reason": "<b>брак</b>", "refund_to": "balance"}),
            ),
        )
        .await
        .expect(400);
    assert_eq!(r.code(), "text_has_html");
    // A free-text reason is kept as text with `other`.
    let r = app
        .api(
            Method::POST,
            "/returns",
            Some(&token),
            Some(
                json!({"order_number": number, "product_id": p, "quantity": 2,
                        "reason": "Не подошёл цвет", "refund_to": "balance"}),
            ),
        )
        .await
        .expect(201);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let items = mine(&app, &token).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id.as_str());
    assert_eq!(items[0]["reason"], "other");
    assert_eq!(items[0]["comment"], "Не подошёл цвет");
    assert_eq!(items[0]["quantity"], 2);
    // Both items are being returned: nothing more.
    let r = ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(409);
    assert_eq!(r.code(), "return_quantity_exceeded");
    // The stranger sees none of it.
    assert!(mine(&app, &stranger).await.is_empty());
    let signed_out = client()
        .get(format!("{}/api/v1/returns", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 401);
}

#[tokio::test]
async fn a_refund_to_the_balance_shows_in_its_history_and_the_customer_is_told() {
    let app = demo().await;
    let (p, price) = product(&app, 10_000).await;
    let (phone, token, id) = customer(&app).await;
    let (number, _) = received_order(&app, &token, &p, 2, json!({})).await;
    let points_before = points_of(&app, &id).await;
    let r = ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(201);
    let rid = r.json()["id"].as_str().unwrap().to_owned();
    assert!(
        texts(&app.outbox(&phone).await)
            .iter()
            .any(|t| t.contains("заявка на возврат") && t.contains(&number)),
        "the request is acknowledged"
    );
    assert_eq!(
        balance_of(&app, &id).await,
        0,
        "nothing moves before a decision"
    );
    let support = app.staff("support").await;
    let queue = app
        .get("/staff/returns?status=requested", Some(&support.token))
        .await
        .expect(200)
        .json();
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == rid.as_str())
    );
    let one = app
        .get(&format!("/staff/returns/{rid}"), Some(&support.token))
        .await
        .expect(200)
        .json();
    assert_eq!(one["amount"], price);
    assert!(
        one["customer_phone"].as_str().unwrap().contains("***"),
        "masked"
    );
    let r = approve(&app, &support.token, &rid).await.expect(200);
    assert_eq!(r.json()["status"], "refunded");
    // The money is on the balance, as a refund with the order's number.
    assert_eq!(balance_of(&app, &id).await, price);
    let history = app
        .get("/balance/history", Some(&token))
        .await
        .expect(200)
        .json();
    let first = &history["items"][0];
    assert_eq!(first["kind"], "refund");
    assert_eq!(first["amount"], price);
    assert_eq!(first["reference"], number.as_str());
    // Base tier, 1 %: the returned item's points (rounded down) are taken back.
    let earned = earned_by(&app, &number).await;
    assert!(earned > 0);
    let taken = earned * price / (2 * price);
    assert_eq!(points_of(&app, &id).await, points_before - taken);
    let items = mine(&app, &token).await;
    assert_eq!(items[0]["status"], "refunded");
    assert_eq!(items[0]["money_back"], price);
    assert_eq!(items[0]["points_taken"], taken);
    // A refund receipt for the returned item.
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM receipts r JOIN orders o ON o.id = r.order_id WHERE o.number = $1 AND r.kind = 'refund'",
            &number
        )
        .await,
        1
    );
    assert!(
        texts(&app.outbox(&phone).await)
            .iter()
            .any(|t| t.contains("оформлен") && t.contains(&number)),
        "the refund is announced"
    );
    // Decided: a second approval or a rejection changes nothing.
    let r = approve(&app, &support.token, &rid).await.expect(409);
    assert_eq!(r.code(), "return_decided");
    assert_eq!(balance_of(&app, &id).await, price);
    // The audit trail has it.
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM staff_audit WHERE action = 'return_approved' AND target = $1",
            &rid
        )
        .await,
        1
    );
    // The balance page names the refund with a link to the order.
    let html = app.page("/account/balance", Some(&token)).await;
    assert!(html.contains(&format!("/orders/{number}")));
}

#[tokio::test]
async fn a_refund_to_the_card_never_exceeds_what_the_card_paid() {
    let app = demo().await;
    let (p, price) = product(&app, 10_000).await;
    let (_, token, id) = customer(&app).await;
    // The balance pays one item's worth; the card the rest.
    fund(&app, &id, price).await;
    let (number, _) = received_order(&app, &token, &p, 2, json!({"use_balance": true})).await;
    let order = app
        .get(&format!("/orders/{number}"), Some(&token))
        .await
        .expect(200)
        .json();
    let card_part = order["payment"]["card_amount"].as_i64().unwrap();
    assert_eq!(order["payment"]["balance"], price);
    assert!(card_part < 2 * price);
    // Both items to the card: more than the card paid.
    let r = ask(&app, &token, &number, &p, 2, "card").await.expect(409);
    assert_eq!(r.code(), "card_refund_exceeded");
    // One to the card, one to the balance.
    let to_card = ask(&app, &token, &number, &p, 1, "card")
        .await
        .expect(201)
        .json();
    let to_balance = ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(201)
        .json();
    let support = app.staff("support").await;
    let r = approve(&app, &support.token, to_card["id"].as_str().unwrap())
        .await
        .expect(200);
    assert_eq!(r.json()["status"], "refunded");
    assert_eq!(
        card_refunded(&app, &number).await,
        price,
        "the acquirer gave back one item"
    );
    approve(&app, &support.token, to_balance["id"].as_str().unwrap())
        .await
        .expect(200);
    assert_eq!(
        card_refunded(&app, &number).await,
        price,
        "the balance refund is no card refund"
    );
    assert_eq!(
        balance_of(&app, &id).await,
        price,
        "spent, then refunded to the balance"
    );
    assert!(card_refunded(&app, &number).await <= card_part);
}

#[tokio::test]
async fn a_card_refund_is_refused_when_no_card_paid() {
    let app = demo().await;
    let (p, price) = product(&app, 10_000).await;
    let (_, token, id) = customer(&app).await;
    fund(&app, &id, 10 * price + 100_000).await;
    let (number, _) = received_order(
        &app,
        &token,
        &p,
        1,
        json!({"payment": {"method": "balance"}}),
    )
    .await;
    let r = ask(&app, &token, &number, &p, 1, "card").await.expect(409);
    assert_eq!(r.code(), "card_refund_unavailable");
    // The form offers the balance only.
    let html = app
        .page(
            &format!("/account/returns/new?order={number}"),
            Some(&token),
        )
        .await;
    assert!(!html.contains("value=\"card\""));
    assert!(html.contains("value=\"balance\""));
}

#[tokio::test]
async fn points_spent_come_back_and_points_earned_are_taken_back() {
    let app = demo().await;
    let (p, price) = product(&app, 20_000).await;
    let (_, token, id) = customer(&app).await;
    grant_points(&app, &id, 100_000).await;
    let spent = 2 * price / 400; // 25 % of the goods, in whole points
    let (number, _) = received_order(&app, &token, &p, 2, json!({"points": spent})).await;
    let before = points_of(&app, &id).await;
    let earned = earned_by(&app, &number).await;
    assert!(earned > 0);
    let r = ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(201)
        .json();
    let support = app.staff("support").await;
    approve(&app, &support.token, r["id"].as_str().unwrap())
        .await
        .expect(200);
    let back = spent * price / (2 * price);
    let taken = earned * price / (2 * price);
    assert_eq!(points_of(&app, &id).await, before + back - taken);
    assert_eq!(
        balance_of(&app, &id).await,
        price - back * 100,
        "the points' share comes back as points, the rest as money"
    );
    let item = &mine(&app, &token).await[0];
    assert_eq!(item["points_back"], back);
    assert_eq!(item["points_taken"], taken);
    assert_eq!(item["money_back"], price - back * 100);
    let history = app
        .get("/loyalty/history?limit=100", Some(&token))
        .await
        .expect(200)
        .json();
    let returned: Vec<i64> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "returned" && i["order_number"] == number.as_str())
        .map(|i| i["points"].as_i64().unwrap())
        .collect();
    assert!(
        returned.contains(&back) && returned.contains(&-taken),
        "{returned:?}"
    );
}

#[tokio::test]
async fn a_rejection_gives_the_reason_and_moves_nothing() {
    let app = demo().await;
    let (p, _) = product(&app, 10_000).await;
    let (phone, token, id) = customer(&app).await;
    let (number, _) = received_order(&app, &token, &p, 1, json!({})).await;
    let points = points_of(&app, &id).await;
    let r = ask(&app, &token, &number, &p, 1, "card")
        .await
        .expect(201)
        .json();
    let rid = r["id"].as_str().unwrap();
    let support = app.staff("support").await;
    let path = format!("/staff/returns/{rid}/reject");
    let reject = |reason: Value| {
        app.api(
            Method::POST,
            &path,
            Some(&support.token),
            Some(json!({ "reason": reason })),
        )
    };
    assert_eq!(
        reject(json!("  ")).await.expect(400).code(),
        "reason_required"
    );
    let r = reject(json!("Товар был в употреблении")).await.expect(200);
    assert_eq!(r.json()["status"], "rejected");
    assert_eq!(
        reject(json!("ещё раз")).await.expect(409).code(),
        "return_decided"
    );
    assert_eq!(
        approve(&app, &support.token, rid).await.expect(409).code(),
        "return_decided"
    );
    assert_eq!(balance_of(&app, &id).await, 0);
    assert_eq!(points_of(&app, &id).await, points);
    assert_eq!(card_refunded(&app, &number).await, 0);
    let item = &mine(&app, &token).await[0];
    assert_eq!(item["status"], "rejected");
    assert_eq!(item["reject_reason"], "Товар был в употреблении");
    assert!(
        texts(&app.outbox(&phone).await)
            .iter()
            .any(|t| t.contains("отклонён") && t.contains("Товар был в употреблении")),
        "the customer is told why"
    );
    let html = app.page("/account/returns", Some(&token)).await;
    assert!(html.contains("Товар был в употреблении"));
    // The quantity is free again.
    ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(201);
}

#[tokio::test]
async fn small_returns_are_approved_at_once_when_the_rule_is_on() {
    let app = demo_with(|c| c.returns.auto_approve_below = 1_000_000_000).await;
    let (cheap, price) = product(&app, 10_000).await;
    let (_, token, id) = customer(&app).await;
    let (number, _) = received_order(&app, &token, &cheap, 2, json!({})).await;
    let r = ask(&app, &token, &number, &cheap, 1, "balance")
        .await
        .expect(201);
    assert_eq!(r.json()["status"], "refunded");
    assert_eq!(balance_of(&app, &id).await, price);
    let r = ask(&app, &token, &number, &cheap, 1, "card")
        .await
        .expect(201);
    assert_eq!(r.json()["status"], "refunded");
    assert_eq!(card_refunded(&app, &number).await, price);
    let support = app.staff("support").await;
    let rid = r.json()["id"].as_str().unwrap().to_owned();
    let one = app
        .get(&format!("/staff/returns/{rid}"), Some(&support.token))
        .await
        .expect(200)
        .json();
    assert_eq!(one["decided_by"], "auto");

    // At or above the threshold, and with the rule off (the default): support decides.
    let app = demo_with(|c| c.returns.auto_approve_below = 10_000).await;
    let (p, price) = product(&app, 10_000).await;
    assert!(price >= 10_000);
    let (_, token, id) = customer(&app).await;
    let (number, _) = received_order(&app, &token, &p, 1, json!({})).await;
    let r = ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(201);
    assert_eq!(r.json()["status"], "requested");
    assert_eq!(balance_of(&app, &id).await, 0);
    assert_eq!(
        kabinet::config::Config::default()
            .returns
            .auto_approve_below,
        0
    );

    // The threshold counts what the order's returns ask back in all: splitting a return into
    // small requests leaves the one that crosses it to support.
    let (_, price) = product(&app, 10_000).await;
    let app = demo_with(move |c| c.returns.auto_approve_below = price + price / 2).await;
    let (p, same) = product(&app, 10_000).await;
    assert_eq!(same, price, "the demo catalogue is the same in every app");
    let (_, token, _) = customer(&app).await;
    let (number, _) = received_order(&app, &token, &p, 2, json!({})).await;
    let first = ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(201);
    assert_eq!(first.json()["status"], "refunded");
    let second = ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(201);
    assert_eq!(second.json()["status"], "requested");
}

#[tokio::test]
async fn only_support_and_admins_decide_returns() {
    let app = demo().await;
    let (p, _) = product(&app, 10_000).await;
    let (_, token, _) = customer(&app).await;
    let (number, _) = received_order(&app, &token, &p, 1, json!({})).await;
    let r = ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(201)
        .json();
    let rid = r["id"].as_str().unwrap();
    let moderator = app.staff("moderator").await;
    for path in ["/staff/returns".to_owned(), format!("/staff/returns/{rid}")] {
        let r = app.get(&path, Some(&moderator.token)).await.expect(403);
        assert_eq!(r.code(), "forbidden_role");
        app.get(&path, Some(&token)).await.expect(401);
    }
    approve(&app, &moderator.token, rid).await.expect(403);
    approve(&app, &token, rid).await.expect(401);
    app.get(
        "/staff/returns?status=nonsense",
        Some(&app.staff("admin").await.token),
    )
    .await
    .expect(400);
    let admin = app.staff("admin").await;
    assert_eq!(
        approve(&app, &admin.token, rid).await.expect(200).json()["status"],
        "refunded"
    );
}

#[tokio::test]
async fn a_hundred_simultaneous_requests_never_ask_back_more_than_was_bought() {
    let app = demo().await;
    let (p, _) = product(&app, 10_000).await;
    let (_, token, _) = customer(&app).await;
    let (number, _) = received_order(&app, &token, &p, 3, json!({})).await;
    let answers = all_at_once(
        (0..100)
            .map(|_| ask(&app, &token, &number, &p, 1, "balance"))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 201, None), 3);
    assert_eq!(count(&answers, 409, Some("return_quantity_exceeded")), 97);
    assert_eq!(mine(&app, &token).await.len(), 3);
}

#[tokio::test]
async fn a_hundred_simultaneous_approvals_refund_once() {
    let app = demo().await;
    let (p, price) = product(&app, 10_000).await;
    let (_, token, id) = customer(&app).await;
    let (number, _) = received_order(&app, &token, &p, 2, json!({})).await;
    let to_balance = ask(&app, &token, &number, &p, 1, "balance")
        .await
        .expect(201)
        .json();
    let to_card = ask(&app, &token, &number, &p, 1, "card")
        .await
        .expect(201)
        .json();
    let support = app.staff("support").await;
    for (r, to) in [(&to_balance, "balance"), (&to_card, "card")] {
        let rid = r["id"].as_str().unwrap();
        let answers = all_at_once(
            (0..100)
                .map(|_| approve(&app, &support.token, rid))
                .collect(),
        )
        .await;
        no_server_errors(&answers);
        assert_eq!(count(&answers, 200, None), 1, "{to}");
        assert_eq!(count(&answers, 409, Some("return_decided")), 99, "{to}");
    }
    assert_eq!(balance_of(&app, &id).await, price);
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM balance_ledger WHERE customer_id = $1 AND kind = 'refund'",
            &id
        )
        .await,
        1,
        "one ledger entry"
    );
    assert_eq!(card_refunded(&app, &number).await, price, "one card refund");
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM receipts r JOIN orders o ON o.id = r.order_id WHERE o.number = $1 AND r.kind = 'refund'",
            &number
        )
        .await,
        2,
        "one receipt per return"
    );
}

#[tokio::test]
async fn the_return_form_works_without_javascript() {
    let app = demo().await;
    let (p, price) = product(&app, 10_000).await;
    let phone = new_phone();
    sign_in_by_pages(&app, "/account", &phone, &phone).await;
    // The pages' client is signed in by cookie; orders are placed through the API with a token.
    let (token, _) = app.sign_in(&phone).await;
    let (number, _) = received_order(&app, &token, &p, 2, json!({})).await;
    let form = get_page(&app, &format!("/account/returns/new?order={number}")).await;
    assert_eq!(form.status, 200, "{}", form.text);
    assert!(form.text.contains(&format!("name=\"qty_{p}\"")));
    let csrf = csrf_of(&form.text);
    let qty = format!("qty_{p}");
    // Nothing chosen: the form again with the reason.
    let r = post_form(
        &app,
        "/account/returns",
        &[
            ("csrf", &csrf),
            ("order", &number),
            (&qty, "0"),
            ("reason", "defect"),
            ("refund_to", "balance"),
        ],
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("data-testid=\"return-error\""));
    let r = post_form(
        &app,
        "/account/returns",
        &[
            ("csrf", &csrf),
            ("order", &number),
            (&qty, "1"),
            ("reason", "wrong_item"),
            ("comment", "Пришёл синий"),
            ("refund_to", "balance"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/account/returns?done=requested")
    );
    let list = get_page(&app, "/account/returns?done=requested").await;
    assert!(list.text.contains("data-testid=\"return-notice\""));
    assert!(list.text.contains("Привезли не тот товар"));
    assert!(list.text.contains("Пришёл синий"));
    assert!(list.text.contains("На рассмотрении"));
    assert!(list.text.contains("в течение 30 дней после получения"));
    let _ = price;
    // The staff pages: the queue and one request, approved by its form.
    let support = app.staff("support").await;
    let rid = mine(&app, &token).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let staff_client = client();
    let html = staff_client
        .get(format!("{}/staff/returns", app.base))
        .bearer_auth(&support.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("/staff/returns/{rid}")));
}

#[tokio::test]
async fn a_card_refund_a_crash_left_waiting_is_finished_by_the_job() {
    let app = demo().await;
    let (p, price) = product(&app, 10_000).await;
    let (_, token, _) = customer(&app).await;
    let (number, _) = received_order(&app, &token, &p, 1, json!({})).await;
    let r = ask(&app, &token, &number, &p, 1, "card")
        .await
        .expect(201)
        .json();
    let rid = r["id"].as_str().unwrap().to_owned();
    let support = app.staff("support").await;
    approve(&app, &support.token, &rid).await.expect(200);
    // As if the process died between the commit and the acquirer's answer: the return is
    // approved with its card refund due, and the acquirer never refunded.
    for sql in [
        "UPDATE returns SET status = 'approved', card_due = 1, refunded_at = NULL WHERE id = $1",
        "UPDATE sandbox_payments SET refunded = 0, refunded_at = NULL WHERE reference = \
         (SELECT card_reference FROM returns WHERE id = $1)",
    ] {
        sqlx::query(sql)
            .bind(&rid)
            .execute(kabinet::db::autocommit(&app.state.db))
            .await
            .unwrap();
    }
    assert_eq!(card_refunded(&app, &number).await, 0);
    assert_eq!(mine(&app, &token).await[0]["status"], "approved");
    // The approval still holds its claim: the job leaves the refund alone until it lapses.
    assert_eq!(
        kabinet::returns::finish_card_refunds(&app.state)
            .await
            .unwrap(),
        0
    );
    assert_eq!(card_refunded(&app, &number).await, 0);
    app.advance(5 * 60 + 1);
    // Then many passes at once (nodes, restarts): one claims it and asks the acquirer once.
    let passes = futures::future::join_all(
        (0..100).map(|_| kabinet::returns::finish_card_refunds(&app.state)),
    )
    .await;
    let done: usize = passes.into_iter().map(|p| p.unwrap()).sum();
    assert_eq!(done, 1);
    assert_eq!(card_refunded(&app, &number).await, price);
    assert_eq!(mine(&app, &token).await[0]["status"], "refunded");
    // Once: a second pass finds nothing due.
    assert_eq!(
        kabinet::returns::finish_card_refunds(&app.state)
            .await
            .unwrap(),
        0
    );
    assert_eq!(card_refunded(&app, &number).await, price);
}

#[tokio::test]
async fn lines_filed_before_a_refused_one_are_not_asked_twice() {
    let app = demo().await;
    let (p, _) = product(&app, 10_000).await;
    let phone = new_phone();
    sign_in_by_pages(&app, "/account", &phone, &phone).await;
    let (token, _) = app.sign_in(&phone).await;
    let (number, _) = received_order(&app, &token, &p, 2, json!({})).await;
    let form = get_page(&app, &format!("/account/returns/new?order={number}")).await;
    let csrf = csrf_of(&form.text);
    let qty = format!("qty_{p}");
    // The first line is filed, the second (not in the order) refused.
    let r = post_form(
        &app,
        "/account/returns",
        &[
            ("csrf", &csrf),
            ("order", &number),
            (&qty, "1"),
            ("qty_01a23092-0000-7000-8000-000000000000", "1"),
            ("reason", "defect"),
            ("refund_to", "balance"),
        ],
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.text);
    assert!(r.text.contains("уже оформлена (1)"), "{}", r.text);
    // The form shown again no longer asks for the filed line.
    assert!(
        r.text
            .contains(&format!("name=\"{qty}\" min=\"0\" max=\"1\" value=\"0\"")),
        "{}",
        r.text
    );
    let mine = app.get("/returns", Some(&token)).await.expect(200).json();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
}
