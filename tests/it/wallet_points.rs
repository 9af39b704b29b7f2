//! Status points («Баллы и бонусы») and the co-branded card («Карта Kabinet»), PRODUCT W1, W6,
//! §2 and §5: accrual by tier at each boundary, the 25 % cap, FIFO spending, expiry with the
//! injected clock, take-back and give-back, a hundred simultaneous spends (the floor functions
//! called directly, on whichever database the suite runs on), the card's city check and its
//! approval, what another customer can see, and the pages.

use crate::support::*;
use kabinet::clock::Clock;
use kabinet::db::begin_write;
use kabinet::domain::money::Kopecks;
use kabinet::domain::order::OrderNumber;
use kabinet::loyalty::{self, Books, Short, Tier};
use kabinet::rewards::{self, CobrandStatus, Decision};
use reqwest::Method;
use serde_json::{Value, json};

const DAY: i64 = 86_400_000;

fn num(s: &str) -> OrderNumber {
    OrderNumber::parse(s).expect("an order number")
}

/// A signed-in customer: (token, id).
async fn customer(app: &TestApp) -> (String, String) {
    let (token, id, _) = customer_with_phone(app).await;
    (token, id)
}

/// A signed-in customer and their phone (to sign in again after the clock moved on a year and
/// the session ended): (token, id, phone).
async fn customer_with_phone(app: &TestApp) -> (String, String, String) {
    let phone = new_phone();
    let (token, body) = app.sign_in(&phone).await;
    let id = body["customer"]["id"].as_str().unwrap().to_owned();
    (token, id, phone)
}

/// The points `GET /loyalty` shows.
async fn points(app: &TestApp, token: &str) -> i64 {
    app.get("/loyalty", Some(token)).await.expect(200).json()["points"]
        .as_i64()
        .unwrap()
}

async fn earn(app: &TestApp, c: &str, order: &str, goods: i64, at: i64) -> i64 {
    let mut tx = begin_write(&app.state.db).await.unwrap();
    let n = loyalty::earn(&mut tx, c, &num(order), Kopecks::new(goods), at)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    n
}

async fn grant(app: &TestApp, c: &str, key: &str, points: i64, at: i64) {
    let mut tx = begin_write(&app.state.db).await.unwrap();
    assert!(loyalty::grant(&mut tx, c, key, points, at).await.unwrap());
    tx.commit().await.unwrap();
}

/// Spends in a transaction of its own: committed when spent, rolled back when short.
async fn spend(app: &TestApp, c: &str, order: &str, points: i64, at: i64) -> Result<(), Short> {
    let mut tx = begin_write(&app.state.db).await.unwrap();
    let r = loyalty::spend(&mut tx, c, &num(order), points, at)
        .await
        .unwrap();
    if r.is_ok() {
        tx.commit().await.unwrap();
    } else {
        tx.rollback().await.unwrap();
    }
    r
}

async fn take_back(app: &TestApp, c: &str, order: &str, at: i64) -> i64 {
    let mut tx = begin_write(&app.state.db).await.unwrap();
    let n = loyalty::take_back(&mut tx, c, &num(order), at)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    n
}

async fn give_back(app: &TestApp, c: &str, order: &str, at: i64) -> i64 {
    let mut tx = begin_write(&app.state.db).await.unwrap();
    let n = loyalty::give_back(&mut tx, c, &num(order), at)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    n
}

/// Balance, ledger and lots agree; returns the balance.
#[track_caller]
fn agree(b: Books) -> i64 {
    assert!(
        b.balance == b.ledger && b.ledger == b.lots,
        "the books disagree: {b:?}"
    );
    b.balance
}

async fn books(app: &TestApp, c: &str) -> i64 {
    agree(loyalty::books(&app.state.db, c).await.unwrap())
}

async fn history(app: &TestApp, token: &str) -> Vec<Value> {
    app.get("/loyalty/history?limit=100", Some(token))
        .await
        .expect(200)
        .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// (kind, points, order_number) of each history item, newest first.
fn lines(items: &[Value]) -> Vec<(String, i64, String)> {
    items
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_owned(),
                i["points"].as_i64().unwrap(),
                i["order_number"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn received_orders_earn_by_the_tier_at_each_boundary() {
    let app = spawn_app().await;
    let (token, c, phone) = customer_with_phone(&app).await;
    let t = app.clock.now_ms() - 30 * DAY;
    let standing = || app.get("/loyalty", Some(&token));

    let l = standing().await.expect(200).json();
    assert_eq!(l["tier"], "base");
    assert_eq!(l["tier_name"], "Базовый");
    assert_eq!(l["points"], 0);
    assert_eq!(
        l["next_tier"],
        json!({"tier": "silver", "spend_needed": 1_500_000})
    );

    // (order, goods in kopecks, points it earns, the tier after it, kopecks to the next tier)
    // Each order earns at the tier the customer had before it arrived, rounded down.
    let steps: &[(&str, i64, i64, &str, Option<i64>)] = &[
        ("101", 1_499_999, 149, "base", Some(1)), // 14 999,99 ₽ at 1 %
        ("102", 1, 0, "silver", Some(3_500_000)), // the kopeck that makes 15 000 ₽
        ("103", 1_000_000, 300, "silver", Some(2_500_000)), // 10 000 ₽ at 3 %
        ("104", 2_499_999, 749, "silver", Some(1)), // 74 999,97 → 749
        ("105", 1, 0, "gold", Some(10_000_000)),  // 50 000 ₽
        ("106", 1_000_000, 500, "gold", Some(9_000_000)), // 5 %
        ("107", 8_999_999, 4_499, "gold", Some(1)),
        ("108", 1, 0, "platinum", None),           // 150 000 ₽
        ("109", 1_000_000, 700, "platinum", None), // 7 %
    ];
    let mut total = 0;
    for (i, (order, goods, points, tier, needed)) in steps.iter().enumerate() {
        let got = earn(&app, &c, order, *goods, t + i as i64 * 60_000).await;
        assert_eq!(got, *points, "order {order}");
        total += points;
        let l = standing().await.expect(200).json();
        assert_eq!(l["tier"], *tier, "after order {order}");
        assert_eq!(l["points"], total);
        match needed {
            Some(n) => assert_eq!(l["next_tier"]["spend_needed"], *n, "after {order}"),
            None => assert!(l["next_tier"].is_null()),
        }
    }
    let l = standing().await.expect(200).json();
    assert_eq!(l["accrual_percent"], 7);
    assert_eq!(l["tier_name"], "Платиновый");
    assert_eq!(l["tier_reason"], "purchases");
    assert_eq!(l["spent_12m"], 16_000_000);
    // The same order again earns nothing.
    assert_eq!(earn(&app, &c, "109", 1_000_000, t + DAY).await, 0);
    assert_eq!(books(&app, &c).await, total);
    let h = lines(&history(&app, &token).await);
    assert_eq!(
        h.len(),
        6,
        "orders that earned nothing write no line: {h:?}"
    );
    assert_eq!(h[0], ("earned".into(), 700, "109".into()));

    // A year after the orders arrived their goods no longer count, and their points expired.
    app.advance(366 * 86_400 - 30 * 86_400 + 86_400);
    let (token, _) = app.sign_in(&phone).await;
    let l = app.get("/loyalty", Some(&token)).await.expect(200).json();
    assert_eq!(l["tier"], "base");
    assert_eq!(l["spent_12m"], 0);
    assert_eq!(l["points"], 0);
    assert_eq!(
        loyalty::tier(&app.state.db, &c, app.clock.now_ms())
            .await
            .unwrap(),
        Tier::Base
    );
}

#[tokio::test]
async fn points_pay_at_most_a_quarter_of_the_goods() {
    // N points need 4 × N roubles of goods: one kopeck less is a point less.
    for n in [1_i64, 25, 250, 10_000] {
        let exact = n * 400;
        assert_eq!(loyalty::max_for(Kopecks::new(exact)), n);
        assert_eq!(loyalty::max_for(Kopecks::new(exact - 1)), n - 1);
        assert_eq!(loyalty::max_for(Kopecks::new(exact + 399)), n);
        assert_eq!(loyalty::max_for(Kopecks::new(exact + 400)), n + 1);
    }
    assert_eq!(loyalty::max_for(Kopecks::ZERO), 0);
    // The reason, in pieces a page says in the customer's language.
    let share = loyalty::cap(Kopecks::roubles(4_000), 5_000);
    assert_eq!(share.points, 1_000);
    let text = kabinet::i18n::Locale::Ru.ta(share.key, &share.args);
    assert!(
        text.contains("25 %") && text.contains("1000 баллов"),
        "{text}"
    );
    let balance = loyalty::cap(Kopecks::roubles(4_000), 21);
    assert_eq!(balance.points, 21);
    let text = kabinet::i18n::Locale::Ru.ta(balance.key, &balance.args);
    assert_eq!(
        text,
        "Можно списать все ваши баллы: 21 балл — это меньше 25 % стоимости товаров."
    );
    let text = kabinet::i18n::Locale::En.ta(balance.key, &balance.args);
    assert_eq!(
        text,
        "You can spend all your points: 21 points — less than 25 % of the goods."
    );
}

#[tokio::test]
async fn spending_takes_the_points_expiring_first_first() {
    let app = spawn_app().await;
    let (token, c) = customer(&app).await;
    let t = app.clock.now_ms() - 10 * DAY;
    grant(&app, &c, "a", 100, t).await;
    grant(&app, &c, "b", 200, t + DAY).await;
    grant(&app, &c, "c", 300, t + 2 * DAY).await;
    let at = |ms: i64| kabinet::clock::rfc3339(loyalty::year_after(ms));

    spend(&app, &c, "301", 250, t + 3 * DAY).await.unwrap();
    let l = app.get("/loyalty", Some(&token)).await.expect(200).json();
    assert_eq!(l["points"], 350);
    assert_eq!(
        l["expiring"],
        json!([{"points": 50, "at": at(t + DAY)}, {"points": 300, "at": at(t + 2 * DAY)}]),
        "the first lot is gone, the second is half spent"
    );
    // More than there is: refused with what there is, nothing spent.
    assert_eq!(
        spend(&app, &c, "302", 351, t + 3 * DAY).await,
        Err(Short { available: 350 })
    );
    assert_eq!(books(&app, &c).await, 350);
    // The same order again spends nothing more.
    spend(&app, &c, "301", 250, t + 3 * DAY).await.unwrap();
    assert_eq!(books(&app, &c).await, 350);
    spend(&app, &c, "303", 60, t + 4 * DAY).await.unwrap();
    let l = app.get("/loyalty", Some(&token)).await.expect(200).json();
    assert_eq!(
        l["expiring"],
        json!([{"points": 290, "at": at(t + 2 * DAY)}])
    );
    assert_eq!(
        lines(&history(&app, &token).await)[..2],
        [
            ("spent".into(), -60, "303".into()),
            ("spent".into(), -250, "301".into())
        ]
    );
    assert_eq!(books(&app, &c).await, 290);
}

#[tokio::test]
async fn points_expire_a_year_after_they_were_earned() {
    let app = spawn_app().await;
    let (_, c, phone) = customer_with_phone(&app).await;
    let t0 = app.clock.now_ms();
    grant(&app, &c, "welcome", 100, t0).await;
    assert_eq!(earn(&app, &c, "401", 1_000_000, t0 + 30 * DAY).await, 100);

    // One second before the year is up nothing expires.
    app.advance(365 * 86_400 - 1);
    let (token, _) = app.sign_in(&phone).await;
    kabinet::housekeeping::tick(&app.state).await.unwrap();
    assert_eq!(points(&app, &token).await, 200);
    assert_eq!(books(&app, &c).await, 200);

    // At the year they are no longer there to spend, even before the sweep writes it down.
    app.advance(1);
    assert_eq!(points(&app, &token).await, 100);
    assert_eq!(
        spend(&app, &c, "402", 150, app.clock.now_ms()).await,
        Err(Short { available: 100 })
    );
    assert_eq!(
        loyalty::expire(&app.state.db, app.clock.now_ms())
            .await
            .unwrap(),
        1
    );
    assert_eq!(books(&app, &c).await, 100);
    let h = lines(&history(&app, &token).await);
    assert_eq!(h[0], ("expired".into(), -100, String::new()));
    // The sweep is idempotent: nothing more to expire.
    kabinet::housekeeping::tick(&app.state).await.unwrap();
    assert_eq!(history(&app, &token).await.len(), 3);

    // Thirty days later the order's points go too, by the housekeeping step.
    app.advance(30 * 86_400);
    let (token, _) = app.sign_in(&phone).await;
    kabinet::housekeeping::tick(&app.state).await.unwrap();
    assert_eq!(points(&app, &token).await, 0);
    assert_eq!(books(&app, &c).await, 0);
    assert_eq!(
        lines(&history(&app, &token).await)[0],
        ("expired".into(), -100, "401".into())
    );
}

#[tokio::test]
async fn a_cancelled_order_takes_back_what_it_earned_and_gives_back_what_it_spent() {
    let app = spawn_app().await;
    let (token, c) = customer(&app).await;
    let t = app.clock.now_ms() - 20 * DAY;
    grant(&app, &c, "g", 300, t).await;
    // 100 000 ₽ at the base 1 %.
    assert_eq!(earn(&app, &c, "501", 10_000_000, t + DAY).await, 1_000);
    // Order 601 pays 600: the gift's 300 (it expires first), then 300 of order 501's.
    spend(&app, &c, "601", 600, t + 2 * DAY).await.unwrap();
    assert_eq!(books(&app, &c).await, 700);

    // Order 501 is returned: what is left of its points (700) goes, never below zero.
    assert_eq!(take_back(&app, &c, "501", t + 3 * DAY).await, 700);
    assert_eq!(books(&app, &c).await, 0);
    let l = app.get("/loyalty", Some(&token)).await.expect(200).json();
    assert_eq!(
        (l["tier"].as_str(), l["spent_12m"].as_i64()),
        (Some("base"), Some(0)),
        "a returned order's goods stop counting"
    );
    assert_eq!(take_back(&app, &c, "501", t + 3 * DAY).await, 0, "once");

    // Order 601 is cancelled: its 600 come back to their lots — the gift's 300 to spend again,
    // and the 300 of order 501 are taken back with it.
    assert_eq!(give_back(&app, &c, "601", t + 4 * DAY).await, 600);
    assert_eq!(books(&app, &c).await, 300);
    assert_eq!(give_back(&app, &c, "601", t + 4 * DAY).await, 0, "once");
    assert_eq!(books(&app, &c).await, 300);
    assert_eq!(
        lines(&history(&app, &token).await),
        [
            ("returned".into(), -300, "601".into()),
            ("returned".into(), 600, "601".into()),
            ("returned".into(), -700, "501".into()),
            ("spent".into(), -600, "601".into()),
            ("earned".into(), 1_000, "501".into()),
            ("granted".into(), 300, String::new()),
        ]
    );
    // Orders that earned or spent nothing take and give nothing.
    assert_eq!(take_back(&app, &c, "999", t + 5 * DAY).await, 0);
    assert_eq!(give_back(&app, &c, "999", t + 5 * DAY).await, 0);

    // Points given back to a lot past its expiry keep that expiry: they expire again at once.
    grant(&app, &c, "h", 100, t + 5 * DAY).await;
    spend(&app, &c, "602", 400, t + 6 * DAY).await.unwrap();
    assert_eq!(books(&app, &c).await, 0);
    let late = loyalty::year_after(t + 5 * DAY) + 1;
    assert_eq!(give_back(&app, &c, "602", late).await, 400);
    assert_eq!(books(&app, &c).await, 0);
    let h = lines(&history(&app, &token).await);
    assert_eq!(h[0].0, "expired");
    assert_eq!(h[1], ("expired".into(), -300, String::new()));
    assert_eq!(h[2], ("returned".into(), 400, "602".into()));
}

#[tokio::test]
async fn a_hundred_simultaneous_spends_never_overspend() {
    let app = spawn_app().await;
    let (_, c) = customer(&app).await;
    let now = app.clock.now_ms();
    for i in 0..5 {
        grant(&app, &c, &format!("lot-{i}"), 200, now - (5 - i) * DAY).await;
    }
    let run = |order: String, points: i64| {
        let db = app.state.db.clone();
        let c = c.clone();
        tokio::spawn(async move {
            let mut tx = begin_write(&db).await?;
            let r = loyalty::spend(&mut tx, &c, &num(&order), points, now).await?;
            if r.is_ok() {
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            Ok::<_, sqlx::Error>(r)
        })
    };
    // A hundred orders, each wanting 37 of the 1 000 points: 27 fit (999).
    let tasks: Vec<_> = (0..100)
        .map(|i| run(format!("{}", 7_000 + i), 37))
        .collect();
    let mut spent = 0;
    let mut short = 0;
    for t in tasks {
        match t.await.unwrap().unwrap() {
            Ok(()) => spent += 1,
            Err(Short { available }) => {
                assert!(available < 37, "refused with {available} left");
                short += 1;
            }
        }
    }
    assert_eq!((spent, short), (27, 73));
    assert_eq!(books(&app, &c).await, 1);

    // One order spending a hundred times at once spends once.
    grant(&app, &c, "more", 100, now).await;
    let tasks: Vec<_> = (0..100).map(|_| run("8000".into(), 10)).collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), Ok(()));
    }
    assert_eq!(books(&app, &c).await, 91);
}

#[tokio::test]
async fn a_hundred_simultaneous_accruals_of_one_order_earn_once() {
    let app = spawn_app().await;
    let (_, c) = customer(&app).await;
    let now = app.clock.now_ms();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let db = app.state.db.clone();
            let c = c.clone();
            tokio::spawn(async move {
                let mut tx = begin_write(&db).await?;
                let n =
                    loyalty::earn(&mut tx, &c, &num("9000"), Kopecks::roubles(10_000), now).await?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(n)
            })
        })
        .collect();
    let mut earned = Vec::new();
    for t in tasks {
        earned.push(t.await.unwrap().unwrap());
    }
    earned.sort();
    assert_eq!(earned[99], 100);
    assert_eq!(earned[98], 0);
    assert_eq!(books(&app, &c).await, 100);
}

fn application(city: &str) -> Value {
    json!({"full_name": "Иванова Мария Сергеевна", "birth_date": "1990-05-17",
           "city": city, "phone": "8 (916) 555-12-34"})
}

async fn apply(app: &TestApp, token: &str, body: Value) -> Resp {
    app.api(
        Method::POST,
        "/cobrand-card/applications",
        Some(token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn the_card_is_refused_where_it_is_not_delivered_and_nothing_is_stored() {
    let app = spawn_app().await;
    let (token, c) = customer(&app).await;
    let card = app
        .get("/cobrand-card", Some(&token))
        .await
        .expect(200)
        .json();
    assert_eq!(card["status"], "none");
    assert!(card.get("application_id").is_none());
    let cities = card["cities"].as_array().unwrap();
    assert!(cities.contains(&json!("Москва")) && cities.contains(&json!("Новосибирск")));

    let r = apply(&app, &token, application("Магадан"))
        .await
        .expect(409);
    assert_eq!(r.code(), "card_not_available_in_region");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("не доставляем")
    );
    // The city comes first: the rest of a form from such a city is not even looked at.
    let mut bad = application("Магадан");
    bad["full_name"] = json!("x");
    bad["birth_date"] = json!("never");
    assert_eq!(
        apply(&app, &token, bad).await.expect(409).code(),
        "card_not_available_in_region"
    );
    // Everything else is checked.
    for (field, value, code) in [
        ("city", " ", "city_required"),
        ("full_name", "Мария", "invalid_full_name"),
        ("full_name", "Иванова Мария <b>", "invalid_full_name"),
        ("birth_date", "1990-02-30", "invalid_birth_date"),
        // The test clock says 5 January 2026: one day short of 18.
        ("birth_date", "2008-01-06", "applicant_under_18"),
        ("phone", "12345", "invalid_phone"),
        ("phone", "+1 650 253 0000", "phone_not_supported"),
    ] {
        let mut b = application("Москва");
        b[field] = json!(value);
        let r = apply(&app, &token, b).await.expect(400);
        assert_eq!(r.code(), code, "{field} = {value}");
    }
    let stored = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM cobrand_applications WHERE customer_id = $1",
    )
    .bind(&c)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(stored, 0, "nothing stored");
    assert_eq!(
        app.get("/cobrand-card", Some(&token)).await.json()["status"],
        "none"
    );
    // The day of the 18th birthday is enough; the city as people type it.
    let mut b = application("  г. санкт петербург ");
    b["birth_date"] = json!("2008-01-05");
    let r = apply(&app, &token, b).await.expect(201).json();
    assert_eq!(r["status"], "submitted");
    let card = app.get("/cobrand-card", Some(&token)).await.json();
    assert_eq!(card["city"], "Санкт-Петербург");
}

#[tokio::test]
async fn an_approved_card_makes_the_customer_platinum_at_once() {
    let app = spawn_app().await;
    let (token, _) = customer(&app).await;
    let r = apply(&app, &token, application("москва"))
        .await
        .expect(201)
        .json();
    let id = r["id"].as_str().unwrap().to_owned();
    assert_eq!(r["status"], "submitted");
    let card = app.get("/cobrand-card", Some(&token)).await.json();
    assert_eq!(
        (card["status"].as_str(), card["application_id"].as_str()),
        (Some("submitted"), Some(id.as_str()))
    );
    assert_eq!(
        apply(&app, &token, application("Москва"))
            .await
            .expect(409)
            .code(),
        "cobrand_application_exists"
    );
    assert_eq!(
        app.get("/loyalty", Some(&token)).await.json()["tier"],
        "base"
    );

    // What `kabinet cobrand decide ID approve` runs.
    assert_eq!(
        rewards::decide(&app.state, &id, Decision::Approve)
            .await
            .unwrap(),
        CobrandStatus::Approved
    );
    let l = app.get("/loyalty", Some(&token)).await.expect(200).json();
    assert_eq!(l["tier"], "platinum");
    assert_eq!(l["accrual_percent"], 7);
    assert_eq!(l["tier_reason"], "cobrand_card");
    assert!(l["next_tier"].is_null());
    assert_eq!(
        app.get("/cobrand-card", Some(&token)).await.json()["status"],
        "approved"
    );
    let sms = app.outbox("+79165551234").await;
    assert!(
        sms.last().unwrap()["text"]
            .as_str()
            .unwrap()
            .contains("одобрена")
    );
    // Decided once; unknown ids are not found.
    assert_eq!(
        rewards::decide(&app.state, &id, Decision::Reject)
            .await
            .unwrap_err()
            .code,
        "cobrand_application_decided"
    );
    for unknown in [kabinet::db::new_id(), "x".to_owned()] {
        assert_eq!(
            rewards::decide(&app.state, &unknown, Decision::Approve)
                .await
                .unwrap_err()
                .code,
            "cobrand_application_not_found"
        );
    }
    assert_eq!(
        apply(&app, &token, application("Москва"))
            .await
            .expect(409)
            .code(),
        "cobrand_application_exists",
        "an approved card is live"
    );

    // Another customer is refused, politely, and may apply again.
    let (token2, _) = customer(&app).await;
    let mut b = application("Казань");
    b["phone"] = json!("+7 916 555-00-77");
    let id2 = apply(&app, &token2, b.clone()).await.expect(201).json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        rewards::decide(&app.state, &id2, Decision::Reject)
            .await
            .unwrap(),
        CobrandStatus::Rejected
    );
    assert_eq!(
        app.get("/cobrand-card", Some(&token2)).await.json()["status"],
        "rejected"
    );
    assert_eq!(
        app.get("/loyalty", Some(&token2)).await.json()["tier"],
        "base"
    );
    let sms = app.outbox("+79165550077").await;
    assert!(
        sms.last().unwrap()["text"]
            .as_str()
            .unwrap()
            .starts_with("К сожалению")
    );
    apply(&app, &token2, b).await.expect(201);
    assert_eq!(
        app.get("/cobrand-card", Some(&token2)).await.json()["status"],
        "submitted"
    );
}

#[tokio::test]
async fn a_hundred_simultaneous_applications_store_one() {
    let app = spawn_app().await;
    let (token, c) = customer(&app).await;
    let answers = all_at_once(
        (0..100)
            .map(|_| apply(&app, &token, application("Москва")))
            .collect(),
    )
    .await;
    no_server_errors(&answers);
    assert_eq!(count(&answers, 201, None), 1);
    assert_eq!(count(&answers, 409, Some("cobrand_application_exists")), 99);
    let stored = sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM cobrand_applications WHERE customer_id = $1",
    )
    .bind(&c)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn another_customers_points_and_card_stay_invisible() {
    let app = spawn_app().await;
    let (token_a, a) = customer(&app).await;
    let (token_b, _) = customer(&app).await;
    let t = app.clock.now_ms() - DAY;
    earn(&app, &a, "424242", 2_000_000, t).await;
    grant(&app, &a, "gift", 50, t).await;
    spend(&app, &a, "434343", 10, t + 1).await.unwrap();
    apply(&app, &token_a, application("Москва"))
        .await
        .expect(201);
    let a_history = app
        .get("/loyalty/history?limit=2", Some(&token_a))
        .await
        .json();
    let a_cursor = a_history["next_cursor"].as_str().unwrap().to_owned();

    let l = app.get("/loyalty", Some(&token_b)).await.expect(200).json();
    assert_eq!(
        (l["points"].as_i64(), l["spent_12m"].as_i64()),
        (Some(0), Some(0))
    );
    assert!(l["expiring"].as_array().unwrap().is_empty());
    let h = app
        .get("/loyalty/history", Some(&token_b))
        .await
        .expect(200)
        .json();
    assert_eq!(h, json!({"items": [], "next_cursor": null}));
    // Another customer's cursor still shows only one's own (nothing).
    let h = app
        .get(
            &format!("/loyalty/history?cursor={a_cursor}"),
            Some(&token_b),
        )
        .await
        .expect(200)
        .json();
    assert!(h["items"].as_array().unwrap().is_empty());
    assert_eq!(
        app.get("/cobrand-card", Some(&token_b)).await.json()["status"],
        "none"
    );
    let page = app.page("/account/points", Some(&token_b)).await;
    assert!(!page.contains("424242") && !page.contains("434343"));
    // A's own history pages through with the cursor.
    let rest = app
        .get(
            &format!("/loyalty/history?limit=2&cursor={a_cursor}"),
            Some(&token_a),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["next_cursor"].is_null());
    assert_eq!(
        app.get("/loyalty/history?cursor=bogus", Some(&token_a))
            .await
            .expect(400)
            .code(),
        "invalid_cursor"
    );
    assert_eq!(
        app.get("/loyalty/history?limit=0", Some(&token_a))
            .await
            .expect(400)
            .code(),
        "invalid_limit"
    );
    // Nobody signed in: 401 everywhere.
    for path in ["/loyalty", "/loyalty/history", "/cobrand-card"] {
        app.get(path, Some("")).await.expect(401);
    }
    apply(&app, "", application("Москва")).await.expect(401);
}

#[tokio::test]
async fn the_points_and_card_pages_work_without_javascript() {
    let app = spawn_app().await;
    let phone = new_phone();
    sign_in_by_pages(&app, "/account", &phone, &phone).await;
    let me = app.get("/me", None).await.expect(200).json();
    let c = me["id"].as_str().unwrap().to_owned();
    let t = app.clock.now_ms() - 20 * DAY;
    grant(&app, &c, "welcome", 300, t - 330 * DAY).await;
    earn(&app, &c, "777001", 2_000_000, t).await; // 20 000 ₽: silver afterwards

    let page = get_page(&app, "/account/points").await.expect(200).text;
    for needle in [
        "<h1>Баллы и бонусы</h1>",
        "Серебряный",
        "Ещё 30\u{a0}000\u{a0}₽ до «Золотого»",
        "<progress id=\"tier-progress\" max=\"3500000\" value=\"500000\"",
        "500 баллов",
        "сгорят",
        "Начислены за заказ",
        "href=\"/orders/777001\"",
        "Подарок от магазина",
        "href=\"/account/cobrand-card\"",
    ] {
        assert!(page.contains(needle), "{needle} on the points page");
    }
    let en = app
        .send(
            Method::GET,
            &format!("{}/account/points", app.base),
            None,
            None,
            &[("accept-language", "en")],
        )
        .await
        .expect(200)
        .text;
    assert!(
        en.contains("Points and bonuses") && en.contains("30\u{a0}000\u{a0}₽ more to Gold"),
        "{en}"
    );

    // The card: the city first.
    let card = get_page(&app, "/account/cobrand-card")
        .await
        .expect(200)
        .text;
    assert!(
        card.contains("<h1>Карта Kabinet</h1>")
            && card.contains("В каком городе вы получите карту?")
    );
    assert!(
        !card.contains("data-testid=\"application-form\""),
        "no form before the city"
    );
    let no = get_page(
        &app,
        &format!("/account/cobrand-card?city={}", urlencode("Магадан")),
    )
    .await
    .expect(200)
    .text;
    assert!(no.contains("пока не доставляем") && no.contains("Новосибирск"));
    assert!(!no.contains("data-testid=\"application-form\""));
    let yes = get_page(
        &app,
        &format!("/account/cobrand-card?city={}", urlencode("москва")),
    )
    .await
    .expect(200)
    .text;
    assert!(
        yes.contains("Доставляем карту в город Москва")
            && yes.contains("data-testid=\"application-form\"")
    );
    assert!(
        yes.contains(&kabinet::auth::format_phone(&phone)),
        "the phone is filled in"
    );
    let csrf = csrf_of(&yes);
    // A mistake comes back with what was typed.
    let r = post_form(
        &app,
        "/account/cobrand-card",
        &[
            ("csrf", &csrf),
            ("city", "Москва"),
            ("full_name", "Петров Пётр"),
            ("birth_date", "2010-01-01"),
            ("phone", &phone),
        ],
    )
    .await
    .expect(400);
    assert!(r.text.contains("с 18 лет") && r.text.contains("value=\"Петров Пётр\""));
    let r = post_form(
        &app,
        "/account/cobrand-card",
        &[
            ("csrf", &csrf),
            ("city", "Москва"),
            ("full_name", "Петров Пётр"),
            ("birth_date", "1985-03-08"),
            ("phone", &phone),
        ],
    )
    .await
    .expect(303);
    assert_eq!(
        r.header("location").as_deref(),
        Some("/account/cobrand-card?done=submitted")
    );
    let card = get_page(&app, "/account/cobrand-card?done=submitted")
        .await
        .expect(200)
        .text;
    assert!(card.contains("Заявка отправлена") && card.contains("data-status=\"submitted\""));
    assert!(
        !card.contains("В каком городе"),
        "no second application while one is live"
    );

    let id = app.get("/cobrand-card", None).await.json()["application_id"]
        .as_str()
        .unwrap()
        .to_owned();
    rewards::decide(&app.state, &id, Decision::Approve)
        .await
        .unwrap();
    let page = get_page(&app, "/account/points").await.expect(200).text;
    assert!(
        page.contains("Платиновый")
            && page.contains("за одобренную карту Kabinet")
            && page.contains("Это высший статус")
    );
    let card = get_page(&app, "/account/cobrand-card")
        .await
        .expect(200)
        .text;
    assert!(card.contains("Карта одобрена"));

    // Guests are sent to sign in.
    let guest = client();
    let r = guest
        .get(format!("{}/account/points", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=%2Faccount%2Fpoints");
}

#[tokio::test]
async fn a_rejected_application_is_told_politely_on_the_page() {
    let app = spawn_app().await;
    let (token, _) = customer(&app).await;
    let id = apply(&app, &token, application("Омск"))
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    rewards::decide(&app.state, &id, Decision::Reject)
        .await
        .unwrap();
    let page = app.page("/account/cobrand-card", Some(&token)).await;
    assert!(
        page.contains("К сожалению, банк не смог одобрить карту")
            && page.contains("Ваш статус и баллы остаются прежними")
    );
    assert!(
        page.contains("В каком городе вы получите карту?"),
        "may apply again"
    );
}

#[tokio::test]
async fn the_demo_customer_has_a_tier_above_base_and_points_expiring_soon() {
    let app = spawn_app_with(|c| c.demo = Some(true)).await;
    let (token, body) = app.sign_in(kabinet::seed::demo::DEMO_PHONE).await;
    let c = body["customer"]["id"].as_str().unwrap();
    let l = app.get("/loyalty", Some(&token)).await.expect(200).json();
    assert_ne!(l["tier"], "base", "{l}");
    assert!(l["points"].as_i64().unwrap() > 300, "{l}");
    let soonest = l["expiring"][0]["at"].as_str().unwrap();
    let at = soonest.parse::<jiff::Timestamp>().unwrap().as_millisecond();
    let left = at - app.clock.now_ms();
    assert!(left > 0 && left < 31 * DAY, "{soonest}");
    assert_eq!(l["expiring"][0]["points"], 300);
    let h = lines(&history(&app, &token).await);
    assert_eq!(
        h.iter()
            .filter(|(k, _, n)| k == "earned" && !n.is_empty())
            .count(),
        2,
        "{h:?}"
    );
    books(&app, c).await;
    let page = app.page("/account/points", Some(&token)).await;
    assert!(page.contains("Начислены за заказ") && page.contains("Подарок от магазина"));
}
