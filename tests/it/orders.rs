//! Checkout, payment, orders and purchased items (PRODUCT S5–S7, SECURITY 30).

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

const CARD_OK: &str = "2200 0000 0000 0004";
const CARD_DECLINED: &str = "4000000000000002";
const CARD_3DS: &str = "4000000000000010";

async fn demo() -> TestApp {
    spawn_app_with(|c| c.demo = Some(true)).await
}

async fn products(app: &TestApp) -> Vec<Value> {
    app.get("/products?limit=100", None).await.json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn body(point: &str, card: &str) -> Value {
    json!({"delivery": {"method": "pickup_point", "pickup_point_id": point},
           "payment": {"method": "card", "card": {"number": card, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}})
}

async fn order(app: &TestApp, token: &str, key: &str, body: Value) -> Resp {
    app.send(
        Method::POST,
        "/orders",
        Some(token),
        Some(body),
        &[("idempotency-key", key)],
    )
    .await
}

/// A product with more than 5 in stock and a price above `min_price`: (id, price).
async fn stocked(app: &TestApp, min_price: i64) -> (String, i64) {
    let p = products(app)
        .await
        .into_iter()
        .find(|p| p["stock"].as_i64().unwrap() > 5 && p["price"].as_i64().unwrap() > min_price)
        .expect("a product in stock");
    (
        p["id"].as_str().unwrap().to_owned(),
        p["price"].as_i64().unwrap(),
    )
}

async fn stock(app: &TestApp, id: &str) -> i64 {
    app.get(&format!("/products/{id}"), None).await.json()["stock"]
        .as_i64()
        .unwrap()
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

#[tokio::test]
async fn a_card_order_is_placed_once_per_key() {
    let app = demo().await;
    let all = products(&app).await;
    let p = all
        .iter()
        .find(|p| p["stock"].as_i64().unwrap() > 5)
        .unwrap();
    let id = p["id"].as_str().unwrap();
    let before = stock(&app, id).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    put(&app, &token, id, 2).await;
    let pt = moscow_point(&app).await;
    let first = order(&app, &token, "key-1", body(&pt, CARD_OK))
        .await
        .expect(201)
        .json();
    assert_eq!(first["status"], "paid");
    assert_eq!(first["lines"][0]["quantity"], 2);
    assert_eq!(
        first["lines"][0]["line_total"],
        p["price"].as_i64().unwrap() * 2
    );
    assert_eq!(first["payment"]["card_last4"], "0004");
    assert_eq!(first["payment"]["card_brand"], "mir");
    let statuses: Vec<&str> = first["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["awaiting_payment", "paid"]);
    assert_eq!(stock(&app, id).await, before - 2);
    assert!(
        app.get("/cart", Some(&token)).await.json()["lines"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The same key again: the same order, no second charge, no more stock taken.
    put(&app, &token, id, 1).await;
    let again = order(&app, &token, "key-1", body(&pt, CARD_OK))
        .await
        .expect(201)
        .json();
    assert_eq!(again["number"], first["number"]);
    assert_eq!(stock(&app, id).await, before - 2);
    assert_eq!(
        app.get("/orders", Some(&token)).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let detail = app
        .get(
            &format!("/orders/{}", first["number"].as_str().unwrap()),
            Some(&token),
        )
        .await
        .expect(200)
        .json();
    for key in [
        "number",
        "status",
        "placed_at",
        "received_at",
        "total",
        "lines",
        "timeline",
    ] {
        assert!(detail.get(key).is_some(), "{key}");
    }
    assert_eq!(
        app.get("/me/pickup-point", Some(&token)).await.json()["id"],
        pt.as_str(),
        "the choice is remembered"
    );
    // The raw card number is nowhere in the database.
    assert_eq!(
        app.scalar_i64(
            "SELECT COUNT(*) FROM orders WHERE card_last4 = $1",
            "2200000000000004"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_declined_card_pays_nothing_and_returns_the_stock() {
    let app = demo().await;
    let all = products(&app).await;
    let p = all
        .iter()
        .find(|p| p["stock"].as_i64().unwrap() > 5)
        .unwrap();
    let id = p["id"].as_str().unwrap();
    let before = stock(&app, id).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    put(&app, &token, id, 3).await;
    let r = order(
        &app,
        &token,
        "k",
        body(&moscow_point(&app).await, CARD_DECLINED),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (402, "payment_declined".into())
    );
    assert_eq!(r.json()["error"]["message"], "Недостаточно средств");
    assert_eq!(stock(&app, id).await, before);
    // No order at all, and the cart is as it was: the customer can try another card.
    assert!(
        app.get("/orders", Some(&token)).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.get("/cart", Some(&token)).await.json()["lines"][0]["quantity"],
        3
    );
    assert!(
        app.get("/purchases", Some(&token)).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_3ds_card_waits_for_confirmation() {
    let app = demo().await;
    let all = products(&app).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    put(&app, &token, all[0]["id"].as_str().unwrap(), 1).await;
    let r = order(&app, &token, "k", body(&moscow_point(&app).await, CARD_3DS))
        .await
        .expect(202)
        .json();
    assert_eq!(r["status"], "awaiting_payment");
    assert!(
        r["payment_url"]
            .as_str()
            .unwrap()
            .starts_with("http://kabinet.test/pay/3ds/")
    );
}

#[tokio::test]
async fn two_customers_racing_for_the_last_item_make_one_order() {
    let app = demo().await;
    let all = products(&app).await;
    let last = all
        .iter()
        .find(|p| p["stock"] == 1)
        .expect("a product with one left");
    let id = last["id"].as_str().unwrap();
    let pt = moscow_point(&app).await;
    let (a, _) = app.sign_in(&new_phone()).await;
    let (b, _) = app.sign_in(&new_phone()).await;
    put(&app, &a, id, 1).await;
    put(&app, &b, id, 1).await;
    let (ra, rb) = tokio::join!(
        order(&app, &a, "race", body(&pt, CARD_OK)),
        order(&app, &b, "race", body(&pt, CARD_OK))
    );
    let mut statuses = [ra.status.as_u16(), rb.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{} / {}", ra.text, rb.text);
    let loser = if ra.status == 409 { &ra } else { &rb };
    assert_eq!(loser.code(), "not_enough_stock");
    assert_eq!(stock(&app, id).await, 0);
}

#[tokio::test]
async fn cancelling_before_shipping_returns_the_stock() {
    let app = demo().await;
    let all = products(&app).await;
    let p = all
        .iter()
        .find(|p| p["stock"].as_i64().unwrap() > 5)
        .unwrap();
    let id = p["id"].as_str().unwrap();
    let before = stock(&app, id).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let (other, _) = app.sign_in(&new_phone()).await;
    put(&app, &token, id, 1).await;
    let o = order(&app, &token, "k", body(&moscow_point(&app).await, CARD_OK))
        .await
        .expect(201)
        .json();
    let number = o["number"].as_str().unwrap();
    // Another customer cannot see or cancel it.
    assert_eq!(
        app.get(&format!("/orders/{number}"), Some(&other))
            .await
            .code(),
        "order_not_found"
    );
    assert_eq!(
        app.api(
            Method::POST,
            &format!("/orders/{number}/cancel"),
            Some(&other),
            None
        )
        .await
        .status,
        404
    );
    assert!(
        app.get("/orders", Some(&other)).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let c = app
        .api(
            Method::POST,
            &format!("/orders/{number}/cancel"),
            Some(&token),
            None,
        )
        .await
        .expect(200)
        .json();
    assert_eq!(c["status"], "cancelled");
    assert_eq!(stock(&app, id).await, before);
    let r = app
        .api(
            Method::POST,
            &format!("/orders/{number}/cancel"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (409, "order_not_cancellable".into())
    );
}

#[tokio::test]
async fn bad_checkouts_get_clear_errors() {
    let app = demo().await;
    let all = products(&app).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let pt = moscow_point(&app).await;
    assert_eq!(
        order(&app, &token, "k0", body(&pt, CARD_OK)).await.code(),
        "cart_empty"
    );
    put(&app, &token, all[0]["id"].as_str().unwrap(), 1).await;
    let r = app
        .send(
            Method::POST,
            "/orders",
            Some(&token),
            Some(body(&pt, CARD_OK)),
            &[],
        )
        .await;
    assert_eq!(r.code(), "idempotency_key_required");
    assert_eq!(
        order(&app, &token, "k1", body(&pt, "4111 1111 1111 1112"))
            .await
            .code(),
        "invalid_card_number"
    );
    assert_eq!(
        order(&app, &token, "k2", body("nope", CARD_OK))
            .await
            .code(),
        "pickup_point_not_found"
    );
    let courier = json!({"delivery": {"method": "courier"}, "payment": {"method": "card", "card": {"number": CARD_OK, "exp_month": 1, "exp_year": 2030, "cvc": "123"}}});
    assert_eq!(
        order(&app, &token, "k3", courier).await.code(),
        "invalid_address"
    );
    let expired = json!({"delivery": {"method": "pickup_point", "pickup_point_id": pt}, "payment": {"method": "card", "card": {"number": CARD_OK, "exp_month": 1, "exp_year": 2020, "cvc": "123"}}});
    assert_eq!(
        order(&app, &token, "k4", expired).await.code(),
        "card_expired"
    );
    // A new customer has no points: any is over what the cart allows.
    let mut points = body(&pt, CARD_OK);
    points["points"] = json!(100);
    let r = order(&app, &token, "k5", points).await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (400, "points_over_limit".into())
    );
    // Nothing was ordered and the cart is intact.
    assert!(
        app.get("/orders", Some(&token)).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.get("/cart", Some(&token)).await.json()["lines"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn purchases_are_searchable_and_filterable() {
    let app = demo().await;
    let all = products(&app).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let pt = moscow_point(&app).await;
    let tree = all
        .iter()
        .find(|p| p["title"].as_str().unwrap().starts_with("Ёлочные"))
        .expect("tree toys");
    let book = all
        .iter()
        .find(|p| p["category"] == "Книги")
        .expect("a book");
    put(&app, &token, tree["id"].as_str().unwrap(), 1).await;
    order(&app, &token, "a", body(&pt, CARD_OK))
        .await
        .expect(201);
    app.advance(86_400);
    put(&app, &token, book["id"].as_str().unwrap(), 2).await;
    order(&app, &token, "b", body(&pt, CARD_OK))
        .await
        .expect(201);
    let all_bought = app.get("/purchases", Some(&token)).await.expect(200).json();
    let items = all_bought["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["product_id"], book["id"], "newest first");
    for key in [
        "order_number",
        "product_id",
        "title",
        "price",
        "quantity",
        "placed_at",
    ] {
        assert!(items[0].get(key).is_some(), "{key}");
    }
    let q = |s: &str| {
        let path = format!("/purchases?{s}");
        let (app, token) = (&app, token.clone());
        async move { app.get(&path, Some(&token)).await }
    };
    let found = q("q=%D0%95%D0%9B%D0%9E%D0%A7%D0%9D%D0%AB%D0%95")
        .await
        .json(); // «ЕЛОЧНЫЕ»
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(found["items"][0]["product_id"], tree["id"]);
    assert_eq!(
        q("category=books").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let seller = book["seller_id"].as_str().unwrap();
    assert!(
        q(&format!("seller={seller}")).await.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["seller_id"] == seller)
    );
    let price = book["price"].as_i64().unwrap();
    let by_price = q(&format!("min_price={price}&max_price={price}"))
        .await
        .json();
    assert!(
        by_price["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["price"] == price)
    );
    assert_eq!(
        q("from=2026-01-06").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "only the second day"
    );
    assert_eq!(
        q("to=2026-01-05").await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "only the first day"
    );
    assert_eq!(q("from=yesterday").await.code(), "invalid_date");
    // One at a time through the cursor.
    let page1 = q("limit=1").await.json();
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = q(&format!("limit=1&cursor={cursor}")).await.json();
    assert_eq!(page2["items"][0]["product_id"], tree["id"]);
    assert!(page2["next_cursor"].is_null());
    // Another customer sees none of it.
    let (other, _) = app.sign_in(&new_phone()).await;
    assert!(
        app.get("/purchases", Some(&other)).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

fn field(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let i = html.find(&needle).expect("the field") + needle.len();
    html[i..i + html[i..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn a_customer_buys_through_the_pages() {
    let app = demo().await;
    let phone = new_phone();
    let (flow, code) = app.code_for("sms", &phone).await;
    app.verify(&flow, &code).await.expect(200);
    let page = |path: String| {
        let url = format!("{}{path}", app.base);
        let app = &app;
        async move { app.send(Method::GET, &url, None, None, &[]).await }
    };
    let list = page("/catalog".into()).await.expect(200);
    let csrf = csrf_of(&list.text);
    assert!(list.text.contains("data-product=\""));
    let id = stocked(&app, 0).await.0;
    let form = |path: &str, f: Vec<(&'static str, String)>| {
        let url = format!("{}{path}", app.base);
        let app = &app;
        async move { app.client.post(url).form(&f).send().await }
    };
    assert_eq!(
        form(
            "/cart/add",
            vec![("csrf", csrf.clone()), ("product_id", id.clone())]
        )
        .await
        .unwrap()
        .status(),
        303
    );
    let points =
        page("/pickup-points?q=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0&kind=pickup_point".into())
            .await
            .expect(200);
    let point = {
        let i = points.text.find("data-point=\"").unwrap() + 12;
        points.text[i..i + 36].to_owned()
    };
    assert_eq!(
        form(
            "/pickup-points/choose",
            vec![("csrf", csrf.clone()), ("pickup_point_id", point)]
        )
        .await
        .unwrap()
        .status(),
        303
    );
    let checkout = page("/checkout".into()).await.expect(200);
    assert!(checkout.text.contains("data-testid=\"point\""));
    let key = field(&checkout.text, "key");
    let pay = |key: String, card: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("key", key),
            ("method", "point".to_owned()),
            ("card_number", card.to_owned()),
            ("exp_month", "12".to_owned()),
            ("exp_year", "2030".to_owned()),
            ("cvc", "123".to_owned()),
            ("recipient_name", "Анна Покупателева".to_owned()),
            ("recipient_phone", "+7 916 123-45-67".to_owned()),
        ]
    };
    let r = form("/checkout", pay(key.clone(), CARD_OK)).await.unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/orders/") && location.ends_with("/thanks"));
    let thanks = page(location.clone()).await.expect(200);
    assert!(thanks.text.contains("Спасибо за заказ"), "{}", thanks.text);
    let number = location
        .trim_start_matches("/orders/")
        .trim_end_matches("/thanks");
    assert!(thanks.text.contains(&format!("№&nbsp;{number}")));
    let detail = page(format!("/orders/{number}")).await.expect(200);
    assert!(detail.text.contains("Оплачен"));
    assert!(
        detail
            .text
            .contains("Анна Покупателева, <span class=\"nowrap\">+7 916 123-45-67")
    );
    // A double submit of the same page makes no second order.
    let again = form("/checkout", pay(key, CARD_OK)).await.unwrap();
    assert_eq!(again.headers()["location"].to_str().unwrap(), location);
    let orders = page("/orders".into()).await.expect(200);
    assert_eq!(orders.text.matches("data-order=").count(), 1);
    assert!(
        page("/purchases".into())
            .await
            .expect(200)
            .text
            .contains(&id)
    );
    // 3-D Secure: the bank page confirms.
    form(
        "/cart/add",
        vec![("csrf", csrf.clone()), ("product_id", id.clone())],
    )
    .await
    .unwrap();
    let again = page("/checkout".into()).await.text;
    // A customer without a name in the profile gets the last order's recipient back.
    assert!(again.contains("value=\"Анна Покупателева\""), "{again}");
    let key = field(&again, "key");
    let r = form("/checkout", pay(key, CARD_3DS)).await.unwrap();
    let three_ds = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(three_ds.starts_with("/pay/3ds/"));
    // Kabinet hands the customer to the acquirer's own page.
    let hand_off = page(three_ds.clone()).await.expect(303);
    let bank = hand_off.headers["location"].to_str().unwrap().to_owned();
    assert!(bank.starts_with("/sandbox-bank/"), "{bank}");
    assert!(
        page(bank.clone())
            .await
            .expect(200)
            .text
            .contains("Подтвердить")
    );
    let r = form(
        &bank,
        vec![("csrf", csrf.clone()), ("decision", "confirm".into())],
    )
    .await
    .unwrap();
    let order_url = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(page(order_url).await.text.contains("Оплачен"));
}

#[tokio::test]
async fn unpaid_orders_are_cancelled_after_30_minutes() {
    let app = demo().await;
    let all = products(&app).await;
    let p = all
        .iter()
        .find(|p| p["stock"].as_i64().unwrap() > 5)
        .unwrap();
    let id = p["id"].as_str().unwrap();
    let before = stock(&app, id).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    put(&app, &token, id, 1).await;
    let o = order(&app, &token, "k", body(&moscow_point(&app).await, CARD_3DS))
        .await
        .expect(202)
        .json();
    assert_eq!(stock(&app, id).await, before - 1);
    app.advance(29 * 60);
    assert_eq!(
        kabinet::orders::cancel_overdue(&app.state).await.unwrap(),
        0
    );
    app.advance(2 * 60);
    assert_eq!(
        kabinet::orders::cancel_overdue(&app.state).await.unwrap(),
        1
    );
    assert_eq!(stock(&app, id).await, before);
    // The unpaid goods are back in the cart.
    assert_eq!(
        app.get("/cart", Some(&token)).await.json()["lines"][0]["product_id"],
        id
    );
    let number = o["number"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/orders/{number}"), Some(&token))
            .await
            .json()["status"],
        "cancelled"
    );
}

#[tokio::test]
async fn staff_move_an_order_along_until_it_is_received() {
    let app = demo().await;
    let all = products(&app).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    put(&app, &token, all[0]["id"].as_str().unwrap(), 1).await;
    let o = order(&app, &token, "k", body(&moscow_point(&app).await, CARD_OK))
        .await
        .expect(201)
        .json();
    let number = o["number"].as_str().unwrap();
    for status in ["assembling", "shipped", "ready_for_pickup"] {
        kabinet::orders::advance(&app.state, number, status)
            .await
            .unwrap();
    }
    // Shipped: no longer cancellable.
    assert_eq!(
        app.api(
            Method::POST,
            &format!("/orders/{number}/cancel"),
            Some(&token),
            None
        )
        .await
        .status,
        409
    );
    app.advance(3600);
    kabinet::orders::advance(&app.state, number, "received")
        .await
        .unwrap();
    let detail = app
        .get(&format!("/orders/{number}"), Some(&token))
        .await
        .json();
    assert_eq!(detail["status"], "received");
    assert!(detail["received_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(detail["timeline"].as_array().unwrap().len(), 6);
    assert!(
        kabinet::orders::advance(&app.state, number, "teleported")
            .await
            .is_err()
    );
    assert!(
        kabinet::orders::advance(&app.state, "999999999", "shipped")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn wallets_wait_for_the_wallets_page() {
    let app = demo().await;
    let all = products(&app).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    put(&app, &token, all[1]["id"].as_str().unwrap(), 1).await;
    let pt = moscow_point(&app).await;
    let wallet = |provider: &str| json!({"delivery": {"method": "pickup_point", "pickup_point_id": pt}, "payment": {"method": "wallet", "provider": provider}});
    assert_eq!(
        order(&app, &token, "w0", wallet("bitcoin")).await.code(),
        "invalid_wallet"
    );
    let o = order(&app, &token, "w1", wallet("yoomoney"))
        .await
        .expect(202)
        .json();
    assert!(
        o["payment_url"]
            .as_str()
            .unwrap()
            .starts_with("http://kabinet.test/pay/wallet/")
    );
    assert_eq!(o["payment"]["provider"], "yoomoney");
    assert_eq!(o["payment"]["method"], "wallet");
}

#[tokio::test]
async fn a_saved_card_lets_a_returning_customer_only_confirm() {
    let app = demo().await;
    let p = stocked(&app, 0).await.0;
    let (token, _) = app.sign_in(&new_phone()).await;
    let (other, _) = app.sign_in(&new_phone()).await;
    let pt = moscow_point(&app).await;
    put(&app, &token, &p, 1).await;
    let mut first = body(&pt, CARD_OK);
    first["payment"]["card"]["save"] = json!(true);
    order(&app, &token, "c1", first).await.expect(201);
    let cards = app.get("/me/cards", Some(&token)).await.expect(200).json();
    let card = &cards["items"][0];
    assert_eq!(
        (card["brand"].as_str(), card["last4"].as_str()),
        (Some("mir"), Some("0004"))
    );
    assert!(
        !cards.to_string().contains("2200000000000004"),
        "the number is not kept"
    );
    let card_id = card["id"].as_str().unwrap().to_owned();
    let saved = |id: &str| json!({"delivery": {"method": "pickup_point", "pickup_point_id": pt}, "payment": {"method": "card", "saved_card_id": id}});
    put(&app, &token, &p, 1).await;
    let second = order(&app, &token, "c2", saved(&card_id))
        .await
        .expect(201)
        .json();
    assert_eq!(second["payment"]["card_last4"], "0004");
    // Another customer cannot pay with it, see it or forget it.
    put(&app, &other, &p, 1).await;
    assert_eq!(
        order(&app, &other, "c3", saved(&card_id)).await.code(),
        "saved_card_not_found"
    );
    assert!(
        app.get("/me/cards", Some(&other)).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        app.api(
            Method::DELETE,
            &format!("/me/cards/{card_id}"),
            Some(&other),
            None
        )
        .await
        .status,
        404
    );
    app.api(
        Method::DELETE,
        &format!("/me/cards/{card_id}"),
        Some(&token),
        None,
    )
    .await
    .expect(204);
    assert!(
        app.get("/me/cards", Some(&token)).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_seeder_fills_customers_and_orders_the_api_can_read() {
    let app = demo().await;
    let (rows, _) = kabinet::seed::run(&app.state.db, 5, 260, START_MS)
        .await
        .unwrap();
    assert!(rows >= 5 + 260 * 4, "{rows}");
    let (token, body) = app.sign_in(&kabinet::seed::phone(0)).await;
    assert_eq!(body["created"], false);
    let mut seen = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/orders?limit=100&cursor={c}"),
            None => "/orders?limit=100".into(),
        };
        let page = app.get(&path, Some(&token)).await.expect(200).json();
        seen += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, 200, "customer 0 has exactly 200 orders");
    assert!(
        !app.get("/purchases?limit=5", Some(&token)).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

fn with_spasibo(mut b: Value, kopecks: i64) -> Value {
    b["payment"]["spasibo"] = json!(kopecks);
    b
}

#[tokio::test]
async fn spasibo_bonuses_pay_part_and_come_back_when_the_order_is_cancelled() {
    let app = demo().await;
    let (id, price) = stocked(&app, 200_000).await;
    let id = id.as_str();
    let (token, _) = app.sign_in(&new_phone()).await;
    let pt = moscow_point(&app).await;
    put(&app, &token, id, 1).await;
    // Card part and bonus part; the card is saved so the balance shows next time.
    let mut b = with_spasibo(body(&pt, CARD_OK), 100_000);
    b["payment"]["card"]["save"] = json!(true);
    let o = order(&app, &token, "sp-1", b).await.expect(201).json();
    assert_eq!(o["status"], "paid");
    assert_eq!(o["payment"]["spasibo"], 100_000);
    assert_eq!(
        o["payment"]["card_amount"],
        o["total"].as_i64().unwrap() - 100_000
    );
    assert_eq!(o["total"], price, "free delivery to a point from 1 000 ₽");
    let cards = app.get("/me/cards", Some(&token)).await.json();
    assert_eq!(cards["items"][0]["spasibo_balance"], 300_000 - 100_000);
    // More than the card has left: refused, nothing placed, the cart kept.
    put(&app, &token, id, 1).await;
    let too_much = order(
        &app,
        &token,
        "sp-2",
        with_spasibo(body(&pt, CARD_OK), 200_001),
    )
    .await;
    assert_eq!(too_much.status, 409);
    assert_eq!(too_much.code(), "spasibo_not_enough");
    // More than 99 % of the order: refused before anything.
    let all_of_it = order(
        &app,
        &token,
        "sp-3",
        with_spasibo(body(&pt, CARD_OK), price),
    )
    .await;
    assert_eq!(all_of_it.status, 400);
    assert_eq!(all_of_it.code(), "spasibo_too_large");
    // Not with a wallet; not negative.
    let wallet = json!({"delivery": {"method": "pickup_point", "pickup_point_id": pt},
                        "payment": {"method": "wallet", "provider": "qiwi", "spasibo": 10_000}});
    assert_eq!(
        order(&app, &token, "sp-4", wallet).await.code(),
        "spasibo_needs_card"
    );
    let negative = order(&app, &token, "sp-5", with_spasibo(body(&pt, CARD_OK), -1)).await;
    assert_eq!(negative.code(), "invalid_spasibo_amount");
    assert_eq!(
        app.get("/orders", Some(&token)).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "only the first order exists"
    );
    assert_eq!(
        app.get("/cart", Some(&token)).await.json()["lines"][0]["quantity"],
        1
    );
    // Cancelling refunds the bonuses to the card.
    let number = o["number"].as_str().unwrap();
    app.api(
        Method::POST,
        &format!("/orders/{number}/cancel"),
        Some(&token),
        None,
    )
    .await
    .expect(200);
    let cards = app.get("/me/cards", Some(&token)).await.json();
    assert_eq!(cards["items"][0]["spasibo_balance"], 300_000);
    // The order page shows the breakdown.
    let page = app.page(&format!("/orders/{number}"), Some(&token)).await;
    assert!(
        page.contains("Бонусами «Спасибо»") && page.contains("Мир\u{a0}·· 0004"),
        "{page}"
    );
}

#[tokio::test]
async fn two_orders_racing_for_the_last_bonuses_spend_them_once() {
    let app = demo().await;
    let (id, _) = stocked(&app, 200_000).await;
    let id = id.as_str();
    let (token, _) = app.sign_in(&new_phone()).await;
    let pt = moscow_point(&app).await;
    put(&app, &token, id, 1).await;
    // Two checkouts with different keys, each wanting 2 000 of the card's 3 000 bonuses.
    let (a, b) = tokio::join!(
        order(
            &app,
            &token,
            "race-a",
            with_spasibo(body(&pt, CARD_OK), 200_000)
        ),
        order(
            &app,
            &token,
            "race-b",
            with_spasibo(body(&pt, CARD_OK), 200_000)
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses[0], 201, "one is placed");
    assert_eq!(
        statuses[1], 409,
        "the other is refused (bonuses or an emptied cart)"
    );
    let spent: i64 = sqlx::query_scalar("SELECT spent FROM spasibo_accounts")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(spent, 200_000);
}

#[tokio::test]
async fn demo_delivery_moves_orders_along_a_step_a_minute() {
    let app = demo().await;
    let id = stocked(&app, 0).await.0;
    let (token, _) = app.sign_in(&new_phone()).await;
    let pt = moscow_point(&app).await;
    put(&app, &token, &id, 1).await;
    let to_point = order(&app, &token, "demo-1", body(&pt, CARD_OK))
        .await
        .expect(201)
        .json();
    put(&app, &token, &id, 1).await;
    let courier = json!({"delivery": {"method": "courier", "address": "г. Тверь, ул. Советская, д. 5"},
                         "payment": {"method": "card", "card": {"number": CARD_OK, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}});
    let by_courier = order(&app, &token, "demo-2", courier)
        .await
        .expect(201)
        .json();
    let status = |o: &Value| {
        let app = &app;
        let token = token.clone();
        let number = o["number"].as_str().unwrap().to_owned();
        async move {
            app.get(&format!("/orders/{number}"), Some(&token))
                .await
                .json()["status"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    // Not before its minute is up (the demo customer's orders in progress may move).
    app.advance(30);
    kabinet::orders::demo_delivery_tick(&app.state, 60_000)
        .await
        .unwrap();
    assert_eq!(
        (status(&to_point).await, status(&by_courier).await),
        ("paid".to_owned(), "paid".to_owned())
    );
    let mut seen = (vec![], vec![]);
    for _ in 0..5 {
        app.advance(61);
        kabinet::orders::demo_delivery_tick(&app.state, 60_000)
            .await
            .unwrap();
        seen.0.push(status(&to_point).await);
        seen.1.push(status(&by_courier).await);
    }
    assert_eq!(
        seen.0,
        [
            "assembling",
            "shipped",
            "ready_for_pickup",
            "received",
            "received"
        ]
    );
    assert_eq!(
        seen.1,
        ["assembling", "shipped", "received", "received", "received"]
    );
    let done = app
        .get(
            &format!("/orders/{}", to_point["number"].as_str().unwrap()),
            Some(&token),
        )
        .await
        .json();
    assert!(done["received_at"].is_string());
    assert_eq!(done["timeline"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn the_recipient_is_the_customer_unless_another_is_given() {
    let app = demo().await;
    let id = stocked(&app, 0).await.0;
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    let pt = moscow_point(&app).await;
    put(&app, &token, &id, 1).await;
    let mine = order(&app, &token, "r-1", body(&pt, CARD_OK))
        .await
        .expect(201)
        .json();
    assert_eq!(mine["delivery"]["recipient"]["phone"], phone.as_str());
    // Someone else collects: checked, stored, shown.
    put(&app, &token, &id, 1).await;
    let mut b = body(&pt, CARD_OK);
    b["recipient"] = json!({"name": "Пётр  Сидоров", "phone": "8 (916) 123-45-67"});
    let other = order(&app, &token, "r-2", b.clone())
        .await
        .expect(201)
        .json();
    assert_eq!(other["delivery"]["recipient"]["name"], "Пётр Сидоров");
    assert_eq!(other["delivery"]["recipient"]["phone"], "+79161234567");
    put(&app, &token, &id, 1).await;
    for (recipient, code) in [
        (
            json!({"name": "Я", "phone": "+79161234567"}),
            "invalid_recipient_name",
        ),
        (
            json!({"name": "Пётр", "phone": "+1 202 555 0100"}),
            "invalid_recipient_phone",
        ),
        (
            json!({"name": "Пётр", "phone": "12"}),
            "invalid_recipient_phone",
        ),
    ] {
        b["recipient"] = recipient;
        let r = order(&app, &token, "r-3", b.clone()).await;
        assert_eq!((r.status.as_u16(), r.code()), (400, code.to_owned()));
    }
}

#[tokio::test]
async fn the_payment_seam_refunds_part_of_a_charge_and_then_the_rest_once() {
    use kabinet::payments::{ChargeRequest, Instrument, Outcome};
    let app = spawn_app().await;
    let p = &app.state.payments;
    let charge = |reference: &'static str, last4: &'static str| ChargeRequest {
        reference,
        amount: 100_000,
        instrument: Instrument::Card { last4 },
        description: "test",
        return_url: "/",
        expires_at: i64::MAX,
        now: 1,
    };
    assert_eq!(
        p.charge(charge("r1", "0004")).await.unwrap(),
        Outcome::Approved
    );
    // The same reference again: the first answer, not a second charge.
    assert_eq!(
        p.charge(charge("r1", "0002")).await.unwrap(),
        Outcome::Approved
    );
    let refunded = |r: &'static str| {
        let db = app.state.db.clone();
        async move {
            sqlx::query_as::<_, (i64, Option<i64>)>(
                "SELECT refunded, refunded_at FROM sandbox_payments WHERE reference = $1",
            )
            .bind(r)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    p.refund("r1", Some(30_000), 2).await.unwrap();
    assert_eq!(refunded("r1").await, (30_000, None));
    p.refund("r1", None, 3).await.unwrap();
    assert_eq!(refunded("r1").await, (100_000, Some(3)));
    p.refund("r1", None, 4).await.unwrap();
    assert_eq!(
        refunded("r1").await,
        (100_000, Some(3)),
        "a full refund happens once"
    );
    // A wallet waits for the customer; a refund drops it and a late confirmation finds nothing.
    let wallet = ChargeRequest {
        reference: "r2",
        amount: 5_000,
        instrument: Instrument::Wallet {
            provider: "yoomoney",
        },
        description: "test",
        return_url: "/",
        expires_at: i64::MAX,
        now: 1,
    };
    assert_eq!(p.charge(wallet).await.unwrap(), Outcome::NeedsConfirmation);
    // The customer confirms on the acquirer's own page.
    assert_eq!(
        p.confirmation_url("r2").await.unwrap().as_deref(),
        Some("http://kabinet.test/sandbox-bank/r2")
    );
    p.refund("r2", None, 2).await.unwrap();
    assert!(!p.confirm("r2").await.unwrap());
}

/// Grants `points` to a customer through the loyalty floor (what a received order or a gift does).
async fn grant_points(app: &TestApp, token: &str, points: i64) -> String {
    let me = app.get("/me", Some(token)).await.expect(200).json();
    let id = me["id"].as_str().unwrap().to_owned();
    let mut tx = kabinet::db::begin_write(&app.state.db).await.unwrap();
    assert!(
        kabinet::loyalty::grant(&mut tx, &id, "test-gift", points, app.state.clock.now_ms())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    id
}

async fn points_of(app: &TestApp, token: &str) -> i64 {
    app.get("/loyalty", Some(token)).await.expect(200).json()["points"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn points_pay_up_to_a_quarter_of_the_goods_and_come_back_on_cancel() {
    let app = demo().await;
    let (p, price) = stocked(&app, 50_000).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    grant_points(&app, &token, 10_000).await;
    let pt = moscow_point(&app).await;
    put(&app, &token, &p, 2).await;
    let goods = 2 * price;
    let max = goods / 400; // 25 % in whole points
    // Checkout says how many points this cart allows and why.
    let checkout = app.page("/checkout", Some(&token)).await;
    assert!(
        checkout.contains("Баллами можно оплатить до 25 % стоимости товаров"),
        "{checkout}"
    );
    // One point over the quarter: refused with the most allowed, nothing spent.
    let mut over = body(&pt, CARD_OK);
    over["points"] = json!(max + 1);
    let r = order(&app, &token, "p1", over).await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (400, "points_over_limit".into())
    );
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains(&format!("не больше {max} ")), "{message}");
    assert_eq!(points_of(&app, &token).await, 10_000);
    // Exactly the quarter: the order names each part.
    let mut at_cap = body(&pt, CARD_OK);
    at_cap["points"] = json!(max);
    let o = order(&app, &token, "p2", at_cap).await.expect(201).json();
    let total = o["total"].as_i64().unwrap();
    assert_eq!(o["payment"]["points"], max * 100);
    assert_eq!(o["payment"]["card_amount"], total - max * 100);
    assert_eq!(points_of(&app, &token).await, 10_000 - max);
    // The order page names the points part.
    let number = o["number"].as_str().unwrap();
    let page = app.page(&format!("/orders/{number}"), Some(&token)).await;
    assert!(page.contains("data-testid=\"paid-points\""), "{page}");
    let charged: i64 = app
        .scalar_i64(
            "SELECT CAST(SUM(s.amount) AS BIGINT) FROM sandbox_payments s JOIN payment_attempts a \
             ON a.reference = s.reference JOIN orders o ON o.id = a.order_id WHERE o.number = $1",
            o["number"].as_str().unwrap(),
        )
        .await;
    assert_eq!(charged, total - max * 100, "the card pays only the rest");
    // Cancel: the points come back, once.
    let path = format!("/orders/{}/cancel", o["number"].as_str().unwrap());
    app.api(Method::POST, &path, Some(&token), None)
        .await
        .expect(200);
    app.api(Method::POST, &path, Some(&token), None)
        .await
        .expect(409);
    assert_eq!(points_of(&app, &token).await, 10_000);
}

#[tokio::test]
async fn a_received_order_earns_points_by_tier() {
    let app = demo().await;
    let (p, price) = stocked(&app, 10_000).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let pt = moscow_point(&app).await;
    put(&app, &token, &p, 1).await;
    let o = order(&app, &token, "e1", body(&pt, CARD_OK))
        .await
        .expect(201)
        .json();
    let number = o["number"].as_str().unwrap();
    assert_eq!(points_of(&app, &token).await, 0, "nothing before receipt");
    for s in ["assembling", "shipped", "ready_for_pickup", "received"] {
        kabinet::orders::advance(&app.state, number, s)
            .await
            .unwrap();
    }
    // Base tier: 1 % of the goods, rounded down to whole points.
    assert_eq!(points_of(&app, &token).await, price / 100 / 100);
}

/// `GET /orders` and `GET /purchases` send JSON the database wrote itself, one row per page
/// (issue 14). Page after page it must be, byte for byte, what serialising the same page read
/// row by row into structs gives (the HTML pages' path): with strings that need escaping,
/// fractional and pre-1970 times, receipts with and without fiscal fields, orders with equal
/// times on a page boundary, and an order with more lines than a page holds.
#[tokio::test]
async fn the_api_pages_the_database_writes_are_what_the_structs_serialise_to() {
    let app = demo().await;
    let phone = new_phone();
    let (token, _) = app.sign_in(&phone).await;
    let customer: String = sqlx::query_scalar("SELECT id FROM customers WHERE phone = $1")
        .bind(&phone)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let pt = moscow_point(&app).await;
    let (id, _) = stocked(&app, 0).await;
    // Paid (a payment receipt), paid and cancelled (a refund receipt too), and waiting for
    // 3-D Secure (no receipt); the clock moves by odd milliseconds between them.
    let mut numbers = Vec::new();
    for (key, card) in [("a", CARD_OK), ("b", CARD_OK), ("c", CARD_3DS)] {
        app.clock.advance_ms(1_234_567);
        put(&app, &token, &id, 1).await;
        let o = order(&app, &token, key, body(&pt, card)).await.json();
        numbers.push(o["number"].as_str().unwrap().to_owned());
    }
    app.api(
        Method::POST,
        &format!("/orders/{}/cancel", numbers[1]),
        Some(&token),
        None,
    )
    .await
    .expect(200);
    let db = &app.state.db;
    let order_id: String = sqlx::query_scalar("SELECT id FROM orders WHERE number = $1")
        .bind(&numbers[0])
        .fetch_one(db)
        .await
        .unwrap();
    let odd = "ул. \"Кавычки\" \\ слэш\tтаб\nстрока\r\u{1}\u{1f}\u{7f} / 😀 </script> ё'";
    sqlx::query(
        "UPDATE orders SET delivery_address = $1, recipient_name = $2, received_at = $3 WHERE number = $4",
    )
    .bind(odd)
    .bind("Д'Артаньян \u{8}\u{c}")
    .bind(120_i64)
    .bind(&numbers[0])
    .execute(kabinet::db::autocommit(db))
    .await
    .unwrap();
    sqlx::query(
        "UPDATE order_events SET at = -1500 WHERE order_id = $1 AND status = 'awaiting_payment'",
    )
    .bind(&order_id)
    .execute(kabinet::db::autocommit(db))
    .await
    .unwrap();
    // A receipt the operator has not finished with: no fiscal block.
    sqlx::query(
        "UPDATE receipts SET fiscal_fp = NULL WHERE kind = 'refund' AND order_id = \
         (SELECT id FROM orders WHERE number = $1)",
    )
    .bind(&numbers[1])
    .execute(kabinet::db::autocommit(db))
    .await
    .unwrap();
    // 30 more lines in the first order: more than a page of 7 orders or purchases holds.
    for i in 0..30 {
        let title = format!("Чайник №{i:02} \"{odd}\"");
        sqlx::query(
            "INSERT INTO order_lines (order_id, product_id, title, seller_id, seller_name, category_id, \
             price, quantity, line_total, search_text, search_v) VALUES ($1, $2, $3, 's', $4, 'c', $5, 2, $6, $7, $8)",
        )
        .bind(&order_id)
        .bind(format!("extra-{i:02}"))
        .bind(&title)
        .bind(format!("Продавец {i}\\"))
        .bind(100 * i64::from(i))
        .bind(200 * i64::from(i))
        .bind(kabinet::catalog::search_text(&title))
        .bind(kabinet::catalog::SEARCH_VERSION)
        .execute(kabinet::db::autocommit(db))
        .await
        .unwrap();
    }

    let orders_match = |token: String, customer: String, limit: i64| {
        let app = &app;
        async move {
            let (mut cursor, mut pages, mut seen) = (None::<String>, 0, 0);
            loop {
                let path = match &cursor {
                    Some(c) => format!("/orders?limit={limit}&cursor={c}"),
                    None => format!("/orders?limit={limit}"),
                };
                let r = app.get(&path, Some(&token)).await.expect(200);
                assert_eq!(
                    r.header("content-type").as_deref(),
                    Some("application/json")
                );
                let (items, next_cursor) =
                    kabinet::orders::list(&app.state, &customer, cursor.as_deref(), limit)
                        .await
                        .unwrap();
                seen += items.len();
                let want = serde_json::to_string(&kabinet::orders::api::OrderList {
                    items,
                    next_cursor: next_cursor.clone(),
                })
                .unwrap();
                assert_eq!(r.text, want, "{path}");
                pages += 1;
                match next_cursor {
                    Some(c) => cursor = Some(c),
                    None => return (pages, seen),
                }
            }
        }
    };
    let purchases_match = |token: String, customer: String, q: &'static str, limit: i64| {
        let app = &app;
        async move {
            use base64::Engine;
            let filter = kabinet::orders::PurchaseFilter {
                q: (!q.is_empty()).then(|| q.to_owned()),
                ..Default::default()
            };
            let (mut cursor, mut pages, mut seen) = (None::<String>, 0, 0);
            loop {
                let mut path = format!("/purchases?limit={limit}&q={}", urlencode(q));
                let after = cursor.as_deref().map(|c| {
                    path.push_str(&format!("&cursor={c}"));
                    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .decode(c)
                        .unwrap();
                    let raw = String::from_utf8(raw).unwrap();
                    let (ms, key) = raw.split_once(':').unwrap();
                    (ms.parse::<i64>().unwrap(), key.to_owned())
                });
                let r = app.get(&path, Some(&token)).await.expect(200);
                let (items, next_cursor) =
                    kabinet::orders::purchases(&app.state, &customer, &filter, after, limit)
                        .await
                        .unwrap();
                seen += items.len();
                let want = serde_json::to_string(&kabinet::orders::api::PurchaseList {
                    items,
                    next_cursor: next_cursor.clone(),
                })
                .unwrap();
                assert_eq!(r.text, want, "{path}");
                pages += 1;
                match next_cursor {
                    Some(c) => cursor = Some(c),
                    None => return (pages, seen),
                }
            }
        }
    };
    assert_eq!(
        orders_match(token.clone(), customer.clone(), 20).await,
        (1, 3)
    );
    assert_eq!(
        orders_match(token.clone(), customer.clone(), 2).await,
        (2, 3)
    );
    assert_eq!(
        orders_match(token.clone(), customer.clone(), 3).await,
        (1, 3)
    );
    // The cancelled and the unpaid order are not purchases: the first order's 31 lines are.
    assert_eq!(
        purchases_match(token.clone(), customer.clone(), "", 7).await,
        (5, 31)
    );
    assert_eq!(
        purchases_match(token.clone(), customer.clone(), "чайник", 100).await,
        (1, 30)
    );
    assert_eq!(
        purchases_match(token.clone(), customer.clone(), "ничего такого", 20).await,
        (1, 0)
    );

    // The seeded customer: 200 orders, ten of them placed at the same millisecond so that
    // pages of 7 end inside the tie (the order number breaks it).
    kabinet::seed::run(db, 3, 230, START_MS).await.unwrap();
    let (seeded, _) = app.sign_in(&kabinet::seed::phone(0)).await;
    let seeded_id: String = sqlx::query_scalar("SELECT id FROM customers WHERE phone = $1")
        .bind(kabinet::seed::phone(0))
        .fetch_one(db)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE orders SET placed_at = $1 WHERE id IN (SELECT id FROM orders WHERE customer_id = $2 \
         ORDER BY placed_at DESC LIMIT 10 OFFSET 3)",
    )
    .bind(START_MS - 3_000_999)
    .bind(&seeded_id)
    .execute(kabinet::db::autocommit(db))
    .await
    .unwrap();
    let (pages, seen) = orders_match(seeded.clone(), seeded_id.clone(), 7).await;
    assert!(pages >= 29 && seen >= 200, "{pages} pages, {seen} orders");
    assert_eq!(
        orders_match(seeded.clone(), seeded_id.clone(), 100).await.1,
        seen
    );
    let (pages, seen) = purchases_match(seeded.clone(), seeded_id.clone(), "", 9).await;
    assert!(pages > 20 && seen > 200, "{pages} pages, {seen} lines");
    purchases_match(seeded.clone(), seeded_id.clone(), "чайник", 5).await;
}
