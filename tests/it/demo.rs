//! The demo data of a first start (issue 9): distinct products with drawn pictures and
//! believable weights, a pickup network on real streets, and a demo customer with a history.

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

const DEMO_PHONE: &str = "+79990000001";

async fn demo() -> TestApp {
    spawn_app_with(|c| c.demo = Some(true)).await
}

async fn every_product(app: &TestApp) -> Vec<Value> {
    let mut out = Vec::new();
    let mut path = "/products?limit=100".to_owned();
    loop {
        let page = app.get(&path, None).await.expect(200).json();
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/products?limit=100&cursor={c}"),
            None => return out,
        }
    }
}

/// The mass a title states: «2 × 10 кг» → 20 000 g, «16 кг» → 16 000 g.
fn stated_kg(title: &str) -> Option<i64> {
    let words: Vec<&str> = title.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let at = words.iter().position(|w| *w == "кг")?;
    let mut mass = 1;
    for w in words[..at].iter().rev() {
        match (*w, w.parse::<i64>()) {
            ("×", _) => {}
            (_, Ok(n)) => mass *= n,
            _ => break,
        }
    }
    Some(mass * 1_000)
}

#[tokio::test]
async fn demo_products_are_distinct_weigh_what_they_say_and_are_drawn_by_kind() {
    let app = demo().await;
    let all = every_product(&app).await;
    assert_eq!(all.len(), 240);
    let mut seen = HashSet::new();
    for p in &all {
        let title = p["title"].as_str().unwrap();
        assert!(seen.insert(title), "two products are called «{title}»");
        let weight = p["weight_g"].as_i64().unwrap();
        if let Some(mass) = stated_kg(title) {
            assert!(weight >= mass, "«{title}» weighs {weight} g");
        }
        if title.starts_with("Смартфон") {
            assert!((150..=250).contains(&weight), "«{title}» weighs {weight} g");
        }
    }
    let twenty = all
        .iter()
        .find(|p| p["title"].as_str().unwrap().ends_with("2 × 10 кг"))
        .expect("a pair of 10 kg dumbbells");
    assert!(
        (20_000..=21_000).contains(&twenty["weight_g"].as_i64().unwrap()),
        "{twenty}"
    );
    // Each kind has its own drawing, in the colour its title names.
    let svg = |p: &Value| {
        let (app, id) = (&app, p["id"].as_str().unwrap().to_owned());
        async move {
            let r = get_page(app, &format!("/catalog/img/{id}.svg"))
                .await
                .expect(200);
            assert_eq!(r.header("content-type").as_deref(), Some("image/svg+xml"));
            r.text
        }
    };
    let ending = |words: &[&str]| {
        all.iter()
            .find(|p| {
                let t = p["title"].as_str().unwrap();
                words.iter().any(|w| t.ends_with(&format!(", {w}")))
            })
            .unwrap_or_else(|| panic!("a product in {words:?}"))
    };
    let black = svg(ending(&["чёрный", "чёрная", "чёрные"])).await;
    let white = svg(ending(&["белый", "белая", "белые"])).await;
    assert!(
        black.starts_with("<svg") && black.contains("hsl(220,8%,17%)"),
        "{black}"
    );
    assert!(white.contains("hsl(210,10%,96%)"), "{white}");
    // Without its colours, a phone is not drawn like a T-shirt.
    let shape = |svg: String| {
        let mut out = String::new();
        let mut rest = svg.as_str();
        while let Some(i) = rest.find("hsl(") {
            out.push_str(&rest[..i]);
            rest = &rest[i + rest[i..].find(')').unwrap() + 1..];
        }
        out + rest
    };
    let first = |prefix: &str| {
        all.iter()
            .find(|p| p["title"].as_str().unwrap().starts_with(prefix))
            .unwrap()
    };
    let phone = shape(svg(first("Смартфон")).await);
    let phone2 = shape(
        svg(all
            .iter()
            .filter(|p| p["title"].as_str().unwrap().starts_with("Смартфон"))
            .nth(1)
            .unwrap())
        .await,
    );
    let shirt = shape(svg(first("Футболка")).await);
    assert_eq!(phone, phone2, "phones are drawn alike");
    assert_ne!(phone, shirt, "a phone is not drawn as a T-shirt");
    // The kind's noun still finds its products (and only them).
    let dumbbells = app
        .get(
            &format!("/products?q={}&limit=100", urlencode("гантели")),
            None,
        )
        .await
        .json();
    let items = dumbbells["items"].as_array().unwrap();
    assert!(items.len() >= 10);
    assert!(
        items
            .iter()
            .all(|p| p["title"].as_str().unwrap().starts_with("Гантели "))
    );
}

#[tokio::test]
async fn demo_pickup_points_stand_on_real_streets() {
    let app = demo().await;
    for (street, city) in [
        ("Тверская", "Москва"),
        ("Профсоюзная", "Москва"),
        ("Невский", "Санкт-Петербург"),
    ] {
        let found = app
            .get(
                &format!("/pickup-points?q={}&limit=5", urlencode(street)),
                None,
            )
            .await
            .expect(200)
            .json();
        let items = found["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{street}");
        for p in items {
            let address = p["address"].as_str().unwrap();
            assert!(
                address.starts_with(&format!("г. {city}, ")) && address.contains(", д. "),
                "{address}"
            );
        }
    }
    // Near the Kremlin: central streets, a few hundred metres away.
    let near = app
        .get("/pickup-points?lat=55.7520&lon=37.6175&limit=3", None)
        .await
        .json();
    for p in near["items"].as_array().unwrap() {
        assert!(p["distance_m"].as_i64().unwrap() < 2_000, "{p}");
        assert!(
            p["address"].as_str().unwrap().starts_with("г. Москва, "),
            "{p}"
        );
    }
}

#[tokio::test]
async fn the_demo_customer_has_orders_in_several_states_favourites_and_a_card() {
    let app = demo().await;
    let (token, me) = app.sign_in(DEMO_PHONE).await;
    assert_eq!(me["customer"]["address_as"], "Игорь Валерьянович", "{me}");
    let orders = app
        .get("/orders?limit=100", Some(&token))
        .await
        .expect(200)
        .json();
    let orders = orders["items"].as_array().unwrap();
    let statuses: HashSet<&str> = orders
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect();
    assert!(statuses.len() >= 3, "{statuses:?}");
    for s in ["received", "shipped", "ready_for_pickup", "cancelled"] {
        assert!(statuses.contains(s), "an order {s}: {statuses:?}");
    }
    let mut last_placed = String::from("~");
    for o in orders {
        let lines = o["lines"].as_array().unwrap();
        assert!(!lines.is_empty());
        let mut goods = 0;
        for l in lines {
            let (price, q) = (
                l["price"].as_i64().unwrap(),
                l["quantity"].as_i64().unwrap(),
            );
            assert_eq!(l["line_total"].as_i64().unwrap(), price * q, "{l}");
            goods += price * q;
        }
        assert_eq!(o["goods_total"].as_i64().unwrap(), goods, "{o}");
        assert_eq!(
            o["total"].as_i64().unwrap(),
            goods + o["delivery_cost"].as_i64().unwrap(),
            "{o}"
        );
        assert_eq!(o["payment"]["card_last4"], "0004");
        // The timeline starts with the order placed, goes forward, ends in its status.
        let timeline = o["timeline"].as_array().unwrap();
        assert_eq!(timeline[0]["status"], "awaiting_payment");
        assert_eq!(timeline[0]["at"], o["placed_at"]);
        assert_eq!(timeline.last().unwrap()["status"], o["status"]);
        let at: Vec<&str> = timeline.iter().map(|e| e["at"].as_str().unwrap()).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
        assert!(
            o["placed_at"].as_str().unwrap() < last_placed.as_str(),
            "newest first"
        );
        last_placed = o["placed_at"].as_str().unwrap().to_owned();
        assert_eq!(
            o["received_at"].is_string(),
            o["status"] == "received",
            "{o}"
        );
        if o["delivery"]["method"] != "courier" {
            assert!(o["delivery"]["pickup_point_id"].is_string(), "{o}");
        }
        // Paid orders carry their 54-ФЗ receipt, registered at start; a cancelled paid one
        // its refund too.
        let receipts = o["receipts"].as_array().unwrap();
        let paid = timeline.iter().any(|e| e["status"] == "paid");
        assert_eq!(!receipts.is_empty(), paid, "{o}");
        for r in receipts {
            assert_eq!(r["total"], o["total"], "{o}");
            assert!(r["fiscal"]["fd"].as_i64().unwrap() > 0, "{o}");
        }
        let refunded = paid && o["status"] == "cancelled";
        assert_eq!(
            receipts.len(),
            if refunded { 2 } else { usize::from(paid) },
            "{o}"
        );
    }
    // Each status can move on the way `orders advance` allows, and no other way.
    let number = |status: &str| {
        orders.iter().find(|o| o["status"] == status).unwrap()["number"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let state = &app.state;
    kabinet::orders::advance(state, &number("ready_for_pickup"), "received")
        .await
        .unwrap();
    kabinet::orders::advance(state, &number("shipped"), "ready_for_pickup")
        .await
        .unwrap();
    for (status, to) in [("cancelled", "paid"), ("received", "shipped")] {
        let e = kabinet::orders::advance(state, &number(status), to)
            .await
            .unwrap_err();
        assert_eq!(e.code, "illegal_transition", "{status} → {to}");
    }
    // Purchases: what was bought and not cancelled.
    let bought = app.get("/purchases?limit=100", Some(&token)).await.json();
    assert!(bought["items"].as_array().unwrap().len() >= 5);
    let favourites = app.get("/favorites", Some(&token)).await.expect(200).json();
    assert!(
        favourites["items"].as_array().unwrap().len() >= 3,
        "{favourites}"
    );
    let cards = app.get("/me/cards", Some(&token)).await.expect(200).json();
    let card = &cards["items"][0];
    assert_eq!(
        (&card["brand"], &card["last4"]),
        (&json!("mir"), &json!("0004"))
    );
    // The saved card pays a new order at the remembered pickup point.
    let point = app
        .get("/me/pickup-point", Some(&token))
        .await
        .expect(200)
        .json();
    let product = every_product(&app)
        .await
        .into_iter()
        .find(|p| p["stock"].as_i64().unwrap() > 3 && p["weight_g"].as_i64().unwrap() < 2_000)
        .unwrap();
    app.api(
        Method::PUT,
        &format!("/cart/items/{}", product["id"].as_str().unwrap()),
        Some(&token),
        Some(json!({"quantity": 1})),
    )
    .await
    .expect(200);
    let body = json!({"delivery": {"method": "pickup_point", "pickup_point_id": point["id"]},
                      "payment": {"method": "card", "saved_card_id": card["id"]}});
    let placed = app
        .send(
            Method::POST,
            "/orders",
            Some(&token),
            Some(body),
            &[("idempotency-key", "again")],
        )
        .await
        .expect(201)
        .json();
    assert_eq!(placed["status"], "paid");
}

#[tokio::test]
async fn demo_orders_hold_their_stock_and_a_second_start_adds_nothing() {
    let app = demo().await;
    let db = &app.state.db;
    // Stock taken by the orders not cancelled, none by the cancelled one.
    let held: Vec<(String, i64)> = sqlx::query_as(
        "SELECT l.product_id, CAST(SUM(l.quantity) AS BIGINT) FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE o.status <> 'cancelled' GROUP BY l.product_id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    assert!(held.len() >= 5);
    let counts = || async {
        let mut out = HashMap::new();
        for table in [
            "products",
            "pickup_points",
            "customers",
            "orders",
            "favorites",
            "saved_cards",
        ] {
            let n: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                    .fetch_one(db)
                    .await
                    .unwrap();
            out.insert(table, n);
        }
        out
    };
    let before = counts().await;
    // The first pages of the catalogue are untouched by the history (tests and shoppers
    // take their goods from there).
    let first_page: Vec<String> =
        sqlx::query_scalar("SELECT id FROM products ORDER BY id LIMIT 100")
            .fetch_all(db)
            .await
            .unwrap();
    assert!(held.iter().all(|(id, _)| !first_page.contains(id)));
    // Another start on the same database (demo on) writes nothing more.
    let mut config = app.state.config.clone();
    config.addr = "127.0.0.1:0".into();
    let again = kabinet::app::Application::build(config).await.unwrap();
    drop(again);
    assert_eq!(counts().await, before);
}

#[tokio::test]
async fn without_a_pickup_network_the_demo_orders_come_by_courier() {
    let app = spawn_app_with(|c| {
        c.demo = Some(true);
        c.demo_pickup_points = 0;
    })
    .await;
    let (token, _) = app.sign_in(DEMO_PHONE).await;
    let orders = app
        .get("/orders?limit=100", Some(&token))
        .await
        .expect(200)
        .json();
    let orders = orders["items"].as_array().unwrap();
    let statuses: HashSet<&str> = orders
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect();
    assert!(statuses.len() >= 3, "{statuses:?}");
    for o in orders {
        assert_eq!(o["delivery"]["method"], "courier", "{o}");
        assert!(
            o["timeline"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["status"] != "ready_for_pickup"),
            "{o}"
        );
    }
}
