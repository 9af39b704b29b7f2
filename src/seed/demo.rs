//! The demo data of a first start in development (PRODUCT §3: an empty database is filled
//! with demo data): the catalogue, the pickup network, and the demo customer with a history
//! worth showing — orders received, on their way, waiting at a pickup point and cancelled,
//! favourites, a saved card, a courier address, and the points its received orders earned (a
//! tier above the base one) with a welcome gift about to expire, and 5 000 ₽ on the balance from
//! an activated gift certificate; one more certificate (README) waits unused. Each step says on
//! the console what it is writing, and the last line says how to sign in as the demo customer.
//!
//! Every step runs only on empty tables (the customer's history only while the customer has
//! none), so later starts write nothing and say nothing.

use crate::config::Config;
use crate::db::{Db, new_id};
use crate::delivery::Kind;
use crate::keys::Keys;
use crate::orders::Delivery;
use std::time::Instant;

/// The demo customer's phone (PRODUCT: «Игорь Валерьянович» at +7 999 000-00-01).
pub const DEMO_PHONE: &str = "+79990000001";
/// The card the demo customer saved: the sandbox's Mir card that is approved (passes Luhn).
pub const DEMO_CARD: &str = "2200 0000 0000 0004";
/// The demo customer's home, for courier orders (the address book's default).
const HOME: &str = "г. Москва, ул. Профсоюзная, д. 43, корп. 2, кв. 118";

/// The demo customer's welcome points, granted 340 days ago: they expire in 25 days.
const DEMO_WELCOME_POINTS: i64 = 300;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Fills what is empty, with a console line per step; quiet when nothing is to be written.
pub async fn run(db: &Db, config: &Config, keys: &Keys, now: i64) -> Result<(), sqlx::Error> {
    let started = Instant::now();
    let count =
        |sql: &'static str| async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(db).await };
    let mut wrote = false;
    if count("SELECT COUNT(*) FROM products").await? == 0 {
        tracing::info!(
            "Demo data 1/3: catalogue, {} products…",
            crate::catalog::demo::PRODUCTS
        );
        crate::catalog::demo::seed(db, now).await?;
        wrote = true;
    }
    let points = config.demo_pickup_points;
    if points > 0 && count("SELECT COUNT(*) FROM pickup_points").await? == 0 {
        tracing::info!("Demo data 2/3: {points} pickup points and parcel lockers…");
        let step = Instant::now();
        crate::delivery::demo::seed(db, points).await?;
        tracing::debug!(
            elapsed_ms = step.elapsed().as_millis() as u64,
            "demo pickup network ready"
        );
        wrote = true;
    }
    crate::account::seed_demo(db, now).await?;
    if let Some(customer) = customer_without_history(db).await? {
        tracing::info!("Demo data 3/3: the demo customer's orders, favourites and saved card…");
        history(db, &customer, now).await?;
        wrote = true;
    }
    // Gift certificates: the unused one of README, and 5 000 ₽ the demo customer activated
    // (each once: the certificate by its hash, the credit by its idempotency key).
    let demo_customer = demo_customer(db).await?;
    if crate::certificates::seed_demo(db, &keys.certificates, demo_customer.as_deref(), now).await?
    {
        tracing::info!(
            "Demo gift certificate: {} or «{}» ({}, unused)",
            crate::certificates::DEMO_NUMBER,
            crate::certificates::DEMO_CODE_WORD,
            crate::domain::money::rubles(crate::certificates::DEMO_VALUE.get())
        );
        wrote = true;
    }
    if wrote {
        // A one-off command (`kabinet seed`) binds port 0: no address to show then.
        let base = Some(config.base_url())
            .filter(|b| !b.ends_with(":0"))
            .unwrap_or_default();
        let code = if config.dev_outbox_on() {
            format!(
                "the code is printed here and at {base}/api/v1/dev/outbox?to=%2B{}",
                &DEMO_PHONE[1..]
            )
        } else {
            "the code comes by SMS".to_owned()
        };
        tracing::info!(
            "Demo data ready in {:.1} s. Sign in as the demo customer at {base}/login with the phone \
             +7 999 000-00-01; {code}",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// The demo customer, if they exist.
async fn demo_customer(db: &Db) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM customers WHERE phone = $1")
        .bind(DEMO_PHONE)
        .fetch_optional(db)
        .await
}

/// The demo customer, if they exist and have no orders, favourites or cards yet.
async fn customer_without_history(db: &Db) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT c.id FROM customers c WHERE c.phone = $1 \
         AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) \
         AND NOT EXISTS (SELECT 1 FROM favorites f WHERE f.customer_id = c.id) \
         AND NOT EXISTS (SELECT 1 FROM saved_cards s WHERE s.customer_id = c.id) \
         AND EXISTS (SELECT 1 FROM products)",
    )
    .bind(DEMO_PHONE)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Product {
    id: String,
    title: String,
    price: i64,
    seller_id: String,
    seller_name: String,
    category_id: String,
    stock: i64,
}

/// One order of the history: what it holds, how it travels, and its timeline as
/// (status, time after placing).
struct Story {
    /// How long ago it was placed.
    ago: i64,
    /// (title prefix, quantity)
    lines: &'static [(&'static str, i64)],
    method: &'static str,
    timeline: &'static [(&'static str, i64)],
}

/// The orders, oldest first. Each timeline follows the steps `orders::advance` allows:
/// paid → assembling → shipped → ready for pickup (not by courier) → received, or cancelled
/// before shipping.
const STORIES: &[Story] = &[
    Story {
        ago: 62 * DAY,
        lines: &[("Стиральная машина", 1)],
        method: "courier",
        timeline: &[
            ("paid", MINUTE),
            ("assembling", 3 * HOUR),
            ("shipped", DAY),
            ("received", 3 * DAY),
        ],
    },
    Story {
        ago: 23 * DAY,
        lines: &[("Смартфон", 1), ("Наушники", 1)],
        method: "pickup_point",
        timeline: &[
            ("paid", 2 * MINUTE),
            ("assembling", 2 * HOUR),
            ("shipped", 20 * HOUR),
            ("ready_for_pickup", 2 * DAY + 5 * HOUR),
            ("received", 3 * DAY + 2 * HOUR),
        ],
    },
    Story {
        ago: 12 * DAY,
        lines: &[("Гантели", 1)],
        method: "pickup_point",
        timeline: &[("paid", MINUTE), ("cancelled", 40 * MINUTE)],
    },
    Story {
        ago: 4 * DAY,
        lines: &[("Ёлочные игрушки", 2), ("Конструктор", 1)],
        method: "parcel_locker",
        timeline: &[
            ("paid", MINUTE),
            ("assembling", 4 * HOUR),
            ("shipped", DAY),
            ("ready_for_pickup", 3 * DAY),
        ],
    },
    Story {
        ago: 2 * DAY,
        lines: &[("Кроссовки", 1), ("Футболка", 2)],
        method: "pickup_point",
        timeline: &[
            ("paid", MINUTE),
            ("assembling", 2 * HOUR),
            ("shipped", 22 * HOUR),
        ],
    },
    Story {
        ago: 5 * HOUR,
        lines: &[("Чайник", 1)],
        method: "courier",
        timeline: &[("paid", MINUTE), ("assembling", 2 * HOUR)],
    },
];

/// Products the customer saved to «Избранное»: (title prefix, how long ago).
const FAVOURITES: &[(&str, i64)] = &[
    ("Велосипед", 40 * DAY),
    ("Ноутбук", 18 * DAY),
    ("Куртка зимняя", 9 * DAY),
    ("Плед", 3 * DAY),
    ("Коляска прогулочная", 20 * HOUR),
];

/// Writes the demo customer's history in one transaction.
///
/// The goods come from the second half of the catalogue by id (the first pages stay as they
/// are for whoever browses them first), each product in one place only. Amounts add up like a
/// checkout's (line = price × quantity, total = goods + `orders::delivery_cost`); the stock of
/// every order not cancelled is taken. The orders carry no payment attempts: they were paid
/// before this database existed, like the orders of `kabinet seed`.
async fn history(db: &Db, customer: &str, now: i64) -> Result<(), sqlx::Error> {
    let all: Vec<Product> = sqlx::query_as(
        "SELECT p.id, p.title, p.price, p.seller_id, s.name AS seller_name, p.category_id, p.stock \
         FROM products p JOIN sellers s ON s.id = p.seller_id ORDER BY p.id",
    )
    .fetch_all(db)
    .await?;
    let mut pool: Vec<Product> = all
        .iter()
        .skip(all.len() / 2)
        .filter(|p| p.stock >= 3)
        .cloned()
        .collect();
    let mut take = |prefix: &str| {
        let i = pool.iter().position(|p| p.title.starts_with(prefix))?;
        Some(pool.remove(i))
    };
    let point = |kind: &'static str| async move {
        // Near the customer's home if the network has a point there, else anywhere in Moscow,
        // else anywhere; lockers with the big cells first.
        for filter in [
            "city = 'Москва' AND address LIKE '%Профсоюзная%'",
            "city = 'Москва'",
            "1 = 1",
        ] {
            let sql = format!(
                "SELECT id, address FROM pickup_points WHERE kind = $1 AND {filter} \
                 ORDER BY max_side_mm DESC, id LIMIT 1"
            );
            let found: Option<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(kind)
                .fetch_optional(db)
                .await?;
            if found.is_some() {
                return Ok::<_, sqlx::Error>(found);
            }
        }
        Ok(None)
    };
    let pickup = point("pickup_point").await?;
    let locker = point("parcel_locker").await?;
    let (name, phone): (String, String) = sqlx::query_as(
        "SELECT TRIM(last_name || ' ' || first_name || ' ' || patronymic), phone FROM customers WHERE id = $1",
    )
    .bind(customer)
    .fetch_one(db)
    .await?;
    let year =
        time::OffsetDateTime::from_unix_timestamp(now / 1000).map_or(2026, |t| t.year()) as u32;
    let card = crate::payments::check_card(DEMO_CARD, 8, year + 3, "123", (year as i32, 1))
        .expect("the demo card is a valid sandbox card");
    let first_order = now - STORIES[0].ago;

    let mut tx = crate::db::begin_write(db).await?;
    sqlx::query(
        "INSERT INTO saved_cards (id, customer_id, token, brand, last4, exp_month, exp_year, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(customer)
    .bind(crate::payments::card_token())
    .bind(card.brand.as_str())
    .bind(&card.last4)
    .bind(i64::from(card.exp_month))
    .bind(i64::from(card.exp_year))
    .bind(first_order)
    .execute(&mut tx)
    .await?;
    sqlx::query(
        "INSERT INTO addresses (id, customer_id, address, is_default, created_at) VALUES ($1, $2, $3, 1, $4)",
    )
    .bind(new_id())
    .bind(customer)
    .bind(HOME)
    .bind(first_order)
    .execute(&mut tx)
    .await?;
    // Points: a welcome gift from almost a year ago (so some expire soon), then what each
    // received order earned at the tier the customer had when it arrived.
    crate::loyalty::grant(
        &mut tx,
        customer,
        "demo-welcome",
        DEMO_WELCOME_POINTS,
        now - 340 * DAY,
    )
    .await?;
    if let Some((id, _)) = &pickup {
        sqlx::query("UPDATE customers SET pickup_point_id = $1 WHERE id = $2")
            .bind(id)
            .bind(customer)
            .execute(&mut tx)
            .await?;
    }
    for (n, story) in STORIES.iter().enumerate() {
        let lines: Vec<(Product, i64)> = story
            .lines
            .iter()
            .filter_map(|(prefix, q)| take(prefix).map(|p| (p, *q)))
            .collect();
        if lines.is_empty() {
            continue;
        }
        // A point the network lacks: the courier brings it home instead.
        let (method, point) = match story.method {
            "pickup_point" => ("pickup_point", pickup.as_ref()),
            "parcel_locker" => ("parcel_locker", locker.as_ref()),
            _ => ("courier", None),
        };
        let (method, delivery) = match point {
            Some((id, _)) => (
                method,
                Delivery::Point {
                    id: id.clone(),
                    kind: Kind::parse(method).unwrap_or(Kind::PickupPoint),
                },
            ),
            None => (
                "courier",
                Delivery::Courier {
                    address: HOME.to_owned(),
                },
            ),
        };
        let address = point.map_or(HOME, |(_, a)| a.as_str());
        let goods: i64 = lines.iter().map(|(p, q)| p.price * q).sum();
        let delivery_cost = crate::orders::delivery_cost(&delivery, goods);
        let placed = now - story.ago;
        // A courier has no pickup step (a story meant for a point the network lacks).
        let timeline: Vec<(&str, i64)> = story
            .timeline
            .iter()
            .copied()
            .filter(|(s, _)| method != "courier" || *s != "ready_for_pickup")
            .collect();
        let (status, last) = timeline.last().copied().unwrap_or(("paid", 0));
        let received = (status == "received").then_some(placed + last);
        let order_id = new_id();
        let number: i64 = sqlx::query_scalar(
            "UPDATE counters SET value = value + 1 WHERE name = 'order_number' RETURNING value",
        )
        .fetch_one(&mut tx)
        .await?;
        sqlx::query(
            "INSERT INTO orders (id, number, customer_id, idempotency_key, status, placed_at, received_at, goods_total, \
             delivery_cost, total, delivery_method, pickup_point_id, delivery_address, payment_method, card_brand, \
             card_last4, pay_deadline, recipient_name, recipient_phone) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'card', $14, $15, $16, $17, $18)",
        )
        .bind(&order_id)
        .bind(number.to_string())
        .bind(customer)
        .bind(format!("demo-{}", n + 1))
        .bind(status)
        .bind(placed)
        .bind(received)
        .bind(goods)
        .bind(delivery_cost)
        .bind(goods + delivery_cost)
        .bind(method)
        .bind(point.map(|(id, _)| id.as_str()))
        .bind(address)
        .bind(card.brand.as_str())
        .bind(&card.last4)
        .bind(placed + crate::orders::PAY_WITHIN_MS)
        .bind(&name)
        .bind(&phone)
        .execute(&mut tx)
        .await?;
        sqlx::query(
            "INSERT INTO order_tenders (order_id, kind, account, amount, status, created_at, updated_at) \
             VALUES ($1, 'card', $2, $3, $4, $5, $5)",
        )
        .bind(&order_id)
        .bind(format!("{}:{}", card.brand.as_str(), card.last4))
        .bind(goods + delivery_cost)
        .bind(if status == "cancelled" { "released" } else { "held" })
        .bind(placed)
        .execute(&mut tx)
        .await?;
        for (p, q) in &lines {
            sqlx::query(
                "INSERT INTO order_lines (order_id, product_id, title, seller_id, seller_name, category_id, price, \
                 quantity, line_total, search_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&order_id)
            .bind(&p.id)
            .bind(&p.title)
            .bind(&p.seller_id)
            .bind(&p.seller_name)
            .bind(&p.category_id)
            .bind(p.price)
            .bind(q)
            .bind(p.price * q)
            .bind(crate::catalog::normalize(&format!("{} {}", p.title, p.seller_name)))
            .execute(&mut tx)
            .await?;
            if status != "cancelled" {
                sqlx::query("UPDATE products SET stock = stock - $1 WHERE id = $2 AND stock >= $1")
                    .bind(q)
                    .bind(&p.id)
                    .execute(&mut tx)
                    .await?;
            }
        }
        if let (Some(at), Some(number)) = (
            received,
            crate::domain::order::OrderNumber::parse(&number.to_string()),
        ) {
            crate::loyalty::earn(
                &mut tx,
                customer,
                &number,
                crate::domain::money::Kopecks::new(goods),
                at,
            )
            .await?;
        }
        // Its 54-ФЗ receipts, as settling and cancelling write them (the start-up reconciler
        // has the sandbox operator register them).
        if let Some((_, paid)) = timeline.iter().find(|(s, _)| *s == "paid") {
            let mut items: Vec<crate::fiscal::Item> = lines
                .iter()
                .map(|(p, q)| crate::fiscal::Item::new(&p.title, &p.seller_name, *q, p.price))
                .collect();
            if delivery_cost > 0 {
                items.push(crate::fiscal::Item::new("Доставка", "", 1, delivery_cost));
            }
            let tenders = vec![crate::fiscal::TenderSum {
                kind: "card".into(),
                amount: goods + delivery_cost,
            }];
            crate::fiscal::record_payment(&mut tx, &order_id, items, tenders, placed + paid)
                .await?;
            if status == "cancelled" {
                crate::fiscal::record_refund(&mut tx, &order_id, placed + last).await?;
            }
        }
        let events = std::iter::once(("awaiting_payment", 0)).chain(timeline);
        for (status, after) in events {
            sqlx::query("INSERT INTO order_events (order_id, status, at) VALUES ($1, $2, $3)")
                .bind(&order_id)
                .bind(status)
                .bind(placed + after)
                .execute(&mut tx)
                .await?;
        }
    }
    for (prefix, ago) in FAVOURITES {
        if let Some(p) = take(prefix) {
            sqlx::query(
                "INSERT INTO favorites (customer_id, product_id, added_at) VALUES ($1, $2, $3)",
            )
            .bind(customer)
            .bind(&p.id)
            .bind(now - ago)
            .execute(&mut tx)
            .await?;
        }
    }
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::OrderStatus;

    #[test]
    fn every_story_moves_only_the_way_orders_may() {
        let step = |s: &str| OrderStatus::parse(s).expect("a status");
        for story in STORIES {
            let mut at = OrderStatus::AwaitingPayment;
            let mut time = 0;
            for (status, after) in story.timeline {
                assert!(*after > time, "the timeline goes forward");
                time = *after;
                if *status == "cancelled" {
                    // Only before shipping.
                    assert!(at.is_cancellable());
                } else {
                    assert!(step(status) > at, "{status} after {at}");
                }
                if *status == "ready_for_pickup" {
                    assert_ne!(story.method, "courier", "a courier has no pickup step");
                }
                at = step(status);
            }
            assert!(story.ago > time, "the last step is in the past");
        }
        let last: std::collections::HashSet<&str> = STORIES
            .iter()
            .filter_map(|s| s.timeline.last().map(|(status, _)| *status))
            .collect();
        assert!(last.len() >= 4, "{last:?}");
    }

    #[test]
    fn the_demo_card_is_a_valid_sandbox_card_that_is_approved() {
        use crate::payments::{Outcome, SANDBOX_CARDS, check_card, sandbox_charge};
        assert!(SANDBOX_CARDS.contains(&(DEMO_CARD, Outcome::Approved)));
        let card = check_card(DEMO_CARD, 8, 2030, "123", (2026, 1)).unwrap();
        assert_eq!(sandbox_charge(&card.last4), Outcome::Approved);
    }
}
