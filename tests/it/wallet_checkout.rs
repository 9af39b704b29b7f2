//! The account balance as a tender (PRODUCT §5 checkout `use_balance`, W2): it pays what points
//! and bonuses leave, a fully balance-paid order needs no card, cancel gives each part back to
//! where it came from, and the balance equals its ledger under concurrent debits and checkouts.

use crate::support::*;
use kabinet::balance::{self, EntryKind, Movement};
use kabinet::domain::money::Kopecks;
use reqwest::Method;
use serde_json::{Value, json};

const CARD_OK: &str = "2200 0000 0000 0004";

async fn demo() -> TestApp {
    spawn_app_with(|c| {
        c.demo = Some(true);
        c.limits.ip_per_hour = 10_000;
    })
    .await
}

fn by_card(point: &str) -> Value {
    json!({"delivery": {"method": "pickup_point", "pickup_point_id": point},
           "payment": {"method": "card", "card": {"number": CARD_OK, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}})
}

fn by_balance(point: &str) -> Value {
    json!({"delivery": {"method": "pickup_point", "pickup_point_id": point},
           "payment": {"method": "balance"}})
}

async fn order(app: &TestApp, token: &str, key: &str, body: &Value) -> Resp {
    app.send(
        Method::POST,
        "/orders",
        Some(token),
        Some(body.clone()),
        &[("idempotency-key", key)],
    )
    .await
}

/// A product priced above `min_price` with plenty of stock: (id, price).
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

async fn customer_id(app: &TestApp, token: &str) -> String {
    app.get("/me", Some(token)).await.expect(200).json()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Puts `kopecks` on the customer's account as a refund would.
async fn fund(app: &TestApp, customer: &str, kopecks: i64, key: &str) {
    let mut tx = kabinet::db::begin_write(&app.state.db).await.unwrap();
    let m = Movement {
        amount: Kopecks::new(kopecks),
        kind: EntryKind::Refund,
        key,
        reference: "test",
    };
    assert!(
        balance::credit(&mut tx, customer, m, app.state.clock.now_ms())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
}

async fn balance_of(app: &TestApp, customer: &str) -> i64 {
    let books = balance::books(&app.state.db, customer).await.unwrap();
    assert_eq!(
        books.balance, books.ledger,
        "the balance is the sum of its ledger"
    );
    books.balance
}

async fn attempts_of(app: &TestApp, number: &str) -> i64 {
    app.scalar_i64(
        "SELECT COUNT(*) FROM payment_attempts a JOIN orders o ON o.id = a.order_id WHERE o.number = $1",
        number,
    )
    .await
}

#[tokio::test]
async fn the_balance_pays_what_points_leave_and_every_part_comes_back_on_cancel() {
    let app = demo().await;
    let (p, price) = product(&app, 20_000).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let id = customer_id(&app, &token).await;
    fund(&app, &id, 30_000, "gift").await;
    let mut tx = kabinet::db::begin_write(&app.state.db).await.unwrap();
    kabinet::loyalty::grant(&mut tx, &id, "test-gift", 100_000, app.state.clock.now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let point = moscow_point(&app).await;
    put(&app, &token, &p, 2).await;
    let max = 2 * price / 400;
    // The checkout page offers the balance with what it holds.
    let page = app.page("/checkout", Some(&token)).await;
    assert!(page.contains("data-testid=\"use-balance\""), "{page}");
    assert!(page.contains("На балансе: 300,00\u{a0}₽"), "{page}");
    let mut body = by_card(&point);
    body["points"] = json!(max);
    body["use_balance"] = json!(true);
    let o = order(&app, &token, "mix", &body).await.expect(201).json();
    let total = o["total"].as_i64().unwrap();
    let pay = &o["payment"];
    assert_eq!(pay["method"], "card");
    assert_eq!(pay["points"], max * 100);
    assert_eq!(pay["balance"], 30_000);
    assert_eq!(pay["card_amount"], total - max * 100 - 30_000);
    assert_eq!(balance_of(&app, &id).await, 0);
    let number = o["number"].as_str().unwrap().to_owned();
    let charged = app
        .scalar_i64(
            "SELECT CAST(SUM(s.amount) AS BIGINT) FROM sandbox_payments s JOIN payment_attempts a \
             ON a.reference = s.reference JOIN orders o ON o.id = a.order_id WHERE o.number = $1",
            &number,
        )
        .await;
    assert_eq!(
        charged,
        total - max * 100 - 30_000,
        "the card pays only the rest"
    );
    let page = app.page(&format!("/orders/{number}"), Some(&token)).await;
    for part in ["paid-points", "paid-balance", "paid-with"] {
        assert!(
            page.contains(&format!("data-testid=\"{part}\"")),
            "{part}: {page}"
        );
    }
    // Cancel: each part goes back where it came from, once.
    let path = format!("/orders/{number}/cancel");
    app.api(Method::POST, &path, Some(&token), None)
        .await
        .expect(200);
    app.api(Method::POST, &path, Some(&token), None)
        .await
        .expect(409);
    assert_eq!(balance_of(&app, &id).await, 30_000);
    let points = app.get("/loyalty", Some(&token)).await.json()["points"]
        .as_i64()
        .unwrap();
    assert_eq!(points, 100_000);
    let (history, _) = balance::history(&app.state.db, &id, None, 10)
        .await
        .unwrap();
    let kinds: Vec<(EntryKind, i64, &str)> = history
        .iter()
        .map(|e| (e.kind, e.amount.get(), e.reference.as_str()))
        .collect();
    assert_eq!(
        kinds[..2],
        [
            (EntryKind::OrderCancelled, 30_000, number.as_str()),
            (EntryKind::Order, -30_000, number.as_str())
        ]
    );
}

#[tokio::test]
async fn a_balance_that_covers_the_order_needs_no_card() {
    let app = demo().await;
    let (p, price) = product(&app, 5_000).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let id = customer_id(&app, &token).await;
    let point = moscow_point(&app).await;
    put(&app, &token, &p, 1).await;
    // Too little: refused with what there is, nothing taken, the cart as it was.
    fund(&app, &id, 100, "small").await;
    let r = order(&app, &token, "short", &by_balance(&point)).await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (409, "balance_not_enough".into())
    );
    assert!(r.text.contains("доступно 1,00\u{a0}₽"), "{}", r.text);
    assert_eq!(balance_of(&app, &id).await, 100);
    assert_eq!(
        app.get("/cart", Some(&token)).await.json()["lines"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Enough: paid at once, the balance named as the method, no payment attempt at all.
    fund(&app, &id, 10_000_000, "big").await;
    let o = order(&app, &token, "whole", &by_balance(&point))
        .await
        .expect(201)
        .json();
    let total = o["total"].as_i64().unwrap();
    assert_eq!(o["status"], "paid");
    assert_eq!(o["payment"]["method"], "balance");
    assert_eq!(o["payment"]["balance"], total);
    assert_eq!(o["payment"]["card_amount"], 0);
    assert!(total >= price);
    let number = o["number"].as_str().unwrap();
    assert_eq!(
        attempts_of(&app, number).await,
        0,
        "the acquirer is not asked"
    );
    let receipts = o["receipts"].as_array().unwrap();
    assert_eq!(
        receipts.len(),
        1,
        "a 54-ФЗ receipt all the same: {receipts:?}"
    );
    assert_eq!(receipts[0]["kind"], "payment");
    assert_eq!(receipts[0]["total"], total);
    assert_eq!(balance_of(&app, &id).await, 10_000_100 - total);
    // The same key: the same order, no second debit.
    let again = order(&app, &token, "whole", &by_balance(&point))
        .await
        .expect(201)
        .json();
    assert_eq!(again["number"], number);
    assert_eq!(balance_of(&app, &id).await, 10_000_100 - total);
    let thanks = app
        .page(&format!("/orders/{number}/thanks"), Some(&token))
        .await;
    assert!(thanks.contains("С баланса средств"), "{thanks}");
    // A card given with use_balance is not charged when the balance covers it all.
    put(&app, &token, &p, 1).await;
    let mut body = by_card(&point);
    body["use_balance"] = json!(true);
    let o = order(&app, &token, "card-unused", &body)
        .await
        .expect(201)
        .json();
    assert_eq!(o["payment"]["method"], "balance");
    assert_eq!(attempts_of(&app, o["number"].as_str().unwrap()).await, 0);
    // Cancelled: the money is back on the account.
    app.api(
        Method::POST,
        &format!("/orders/{number}/cancel"),
        Some(&token),
        None,
    )
    .await
    .expect(200);
    assert_eq!(
        balance_of(&app, &id).await,
        10_000_100 - o["total"].as_i64().unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_checkouts_of_one_cart_take_the_balance_once() {
    let app = demo().await;
    let (p, _) = product(&app, 1_000).await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let id = customer_id(&app, &token).await;
    fund(&app, &id, 10_000_000, "fund").await;
    let point = moscow_point(&app).await;
    put(&app, &token, &p, 1).await;
    let body = by_balance(&point);
    let keys: Vec<String> = (0..100).map(|i| format!("k{i}")).collect();
    let answers = all_at_once(keys.iter().map(|k| order(&app, &token, k, &body)).collect()).await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 201, None), 1, "one cart, one order");
    let total = answers
        .iter()
        .find(|r| r.status.as_u16() == 201)
        .unwrap()
        .json()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(balance_of(&app, &id).await, 10_000_000 - total);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_customers_pay_from_their_balances_at_once() {
    let app = demo().await;
    let (p, _) = product(&app, 1_000).await;
    let point = moscow_point(&app).await;
    let mut who = Vec::new();
    for _ in 0..100 {
        let (token, _) = app.sign_in(&new_phone()).await;
        let id = customer_id(&app, &token).await;
        fund(&app, &id, 10_000_000, "fund").await;
        put(&app, &token, &p, 1).await;
        who.push((token, id));
    }
    let body = by_balance(&point);
    let answers = all_at_once(
        who.iter()
            .map(|(t, _)| order(&app, t, "first", &body))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 201, None), 100);
    for ((_, id), r) in who.iter().zip(&answers) {
        assert_eq!(
            balance_of(&app, id).await,
            10_000_000 - r.json()["total"].as_i64().unwrap()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_debits_never_take_more_than_the_balance_and_a_key_moves_money_once() {
    let app = demo().await;
    let (token, _) = app.sign_in(&new_phone()).await;
    let id = customer_id(&app, &token).await;
    fund(&app, &id, 500_000, "start").await;
    let now = app.state.clock.now_ms();
    // 100 debits of 100 ₽ against 5 000 ₽, each in its own transaction, all at once.
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let (db, id) = (app.state.db.clone(), id.clone());
            tokio::spawn(async move {
                kabinet::db::retrying(|| async {
                    let mut tx = kabinet::db::begin_write(&db).await?;
                    let m = Movement {
                        amount: Kopecks::new(10_000),
                        kind: EntryKind::Order,
                        key: &format!("debit-{i}"),
                        reference: "race",
                    };
                    let r = balance::debit(&mut tx, &id, m, now).await?;
                    tx.commit().await?;
                    Ok::<_, sqlx::Error>(r.is_ok())
                })
                .await
                .unwrap()
            })
        })
        .collect();
    let ok = futures::future::join_all(tasks)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().unwrap())
        .count();
    assert_eq!(ok, 50, "exactly what 5 000 ₽ covers");
    assert_eq!(balance_of(&app, &id).await, 0);
    // 100 credits under one key: one movement.
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let (db, id) = (app.state.db.clone(), id.clone());
            tokio::spawn(async move {
                kabinet::db::retrying(|| async {
                    let mut tx = kabinet::db::begin_write(&db).await?;
                    let m = Movement {
                        amount: Kopecks::new(7_700),
                        kind: EntryKind::Refund,
                        key: "refund-once",
                        reference: "race",
                    };
                    let moved = balance::credit(&mut tx, &id, m, now).await?;
                    tx.commit().await?;
                    Ok::<_, sqlx::Error>(moved)
                })
                .await
                .unwrap()
            })
        })
        .collect();
    let moved = futures::future::join_all(tasks)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().unwrap())
        .count();
    assert_eq!(moved, 1);
    assert_eq!(balance_of(&app, &id).await, 7_700);
    // Another customer's history holds none of it.
    let (other, _) = app.sign_in(&new_phone()).await;
    let other = customer_id(&app, &other).await;
    assert!(
        balance::history(&app.state.db, &other, None, 100)
            .await
            .unwrap()
            .0
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_balance_equals_its_ledger_after_activations_and_checkouts_race() {
    let app = demo().await;
    let (p, _) = product(&app, 1_000).await;
    let point = moscow_point(&app).await;
    let issued = kabinet::certificates::issue(
        &app.state.db,
        &app.state.keys.certificates,
        Kopecks::roubles(1_000),
        100,
        app.state.clock.now_ms(),
    )
    .await
    .unwrap();
    // 20 customers with a cart each; each activates 5 certificates while checking out its
    // cart 5 times (5 keys, one cart) with the balance and a card, all 200 requests at once.
    let mut who = Vec::new();
    for _ in 0..20 {
        let (token, _) = app.sign_in(&new_phone()).await;
        let id = customer_id(&app, &token).await;
        put(&app, &token, &p, 1).await;
        who.push((token, id));
    }
    let mut body = by_card(&point);
    body["use_balance"] = json!(true);
    let mut requests = Vec::new();
    let (app_ref, body_ref) = (&app, &body);
    for (i, (token, _)) in who.iter().enumerate() {
        for j in 0..5 {
            let (app, body) = (app_ref, body_ref);
            let code = issued[i * 5 + j].number.display();
            requests.push(futures::future::Either::Left(async move {
                app.api(
                    Method::POST,
                    "/gift-certificates/activate",
                    Some(token),
                    Some(json!({ "code": code })),
                )
                .await
            }));
            requests.push(futures::future::Either::Right(async move {
                order(app, token, &format!("k{j}"), body).await
            }));
        }
    }
    let answers = all_at_once(requests).await;
    no_server_errors(&answers);
    for (i, (_, id)) in who.iter().enumerate() {
        let mine = &answers[i * 10..i * 10 + 10];
        let activations: Vec<&Resp> = mine.iter().step_by(2).collect();
        assert!(
            activations.iter().all(|r| r.status.as_u16() == 200),
            "every certificate credits"
        );
        let placed: Vec<Value> = mine
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|r| r.status.as_u16() == 201)
            .map(|r| r.json())
            .collect();
        assert_eq!(placed.len(), 1, "one cart, one order");
        let paid = placed[0]["payment"]["balance"].as_i64().unwrap();
        assert_eq!(balance_of(&app, id).await, 500_000 - paid);
    }
}
