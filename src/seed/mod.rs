//! `kabinet seed --customers N --orders M`: fills a database fast for benchmarks.
//!
//! The database generates the rows itself: each chunk is one `INSERT … SELECT` over a recursive
//! counter (portable between SQLite and PostgreSQL), so no row crosses the driver. Values come
//! from a deterministic hash of the row number, so two runs produce the same data. Customer
//! number 0 (phone +79000000000) always gets 200 orders (the B2 customer); the other orders
//! spread over the rest. Seeded ids are UUID-shaped (`00000001-…` customers, `00000002-…` orders).

pub mod demo;

use crate::db::{Db, autocommit};
use std::time::Instant;

/// The phone of seeded customer `i`.
pub fn phone(i: u64) -> String {
    format!("+7900{i:07}")
}

/// Rows per statement (and per transaction).
const CHUNK: u64 = 100_000;

/// `n` zero-padded to 12 digits after a UUID prefix (SQL expression).
fn uuid_expr(prefix: &str, n: &str) -> String {
    format!("'{prefix}-0000-7000-8000-' || substr(CAST(1000000000000 + {n} AS TEXT), 2)")
}

/// A counter `s(n)` over [$1, $2) and `o(n, x)`: the row number with its hash.
const COUNTER: &str = "WITH RECURSIVE s(n) AS (SELECT CAST($1 AS BIGINT) UNION ALL SELECT n + 1 FROM s WHERE n + 1 < $2), \
     o(n, x) AS (SELECT n, (n * 48271 + 11) % 2147483647 FROM s)";

/// Seeds `customers` customers and `orders` orders; returns (rows written, seconds).
pub async fn run(db: &Db, customers: u64, orders: u64, now: i64) -> anyhow::Result<(u64, f64)> {
    anyhow::ensure!(customers >= 1, "at least one customer");
    anyhow::ensure!(
        customers < 10_000_000,
        "at most 9 999 999 customers (phones +7900…)"
    );
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE phone = $1")
        .bind(phone(0))
        .fetch_one(db)
        .await?;
    anyhow::ensure!(taken == 0, "this database is already seeded");
    let products: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT p.id, p.title, p.seller_id, s.name, p.category_id, p.price FROM products p \
         JOIN sellers s ON s.id = p.seller_id ORDER BY p.id",
    )
    .fetch_all(db)
    .await?;
    anyhow::ensure!(
        products.len() >= 15,
        "the catalogue is too small: start once with demo data first"
    );
    let start_number: i64 =
        sqlx::query_scalar("SELECT value FROM counters WHERE name = 'order_number'")
            .fetch_one(db)
            .await?;
    let started = Instant::now();

    // Lookup tables the generating statements join: products by number, line indexes 0..3.
    for sql in [
        "DROP TABLE IF EXISTS seed_products",
        "DROP TABLE IF EXISTS seed_idx",
        "CREATE TABLE seed_products (k BIGINT PRIMARY KEY, id TEXT NOT NULL, title TEXT NOT NULL, \
         seller_id TEXT NOT NULL, seller_name TEXT NOT NULL, category_id TEXT NOT NULL, \
         price BIGINT NOT NULL, search_text TEXT NOT NULL)",
        "CREATE TABLE seed_idx (i BIGINT PRIMARY KEY)",
        "INSERT INTO seed_idx (i) VALUES (0), (1), (2)",
    ] {
        sqlx::query(sql).execute(autocommit(db)).await?;
    }
    let mut tx = crate::db::begin_write(db).await?;
    for (k, (id, title, seller, seller_name, category, price)) in products.iter().enumerate() {
        sqlx::query(
            "INSERT INTO seed_products (k, id, title, seller_id, seller_name, category_id, price, search_text) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(k as i64)
        .bind(id)
        .bind(title)
        .bind(seller)
        .bind(seller_name)
        .bind(category)
        .bind(price)
        .bind(crate::catalog::search_text(&format!("{title} {seller_name}")))
        .execute(&mut tx)
        .await?;
    }
    tx.commit().await?;
    let p = products.len() as i64;

    let customer_id = uuid_expr("00000001", "n");
    let insert_customers = format!(
        "INSERT INTO customers (id, first_name, phone, created_at, last_seen_at) {COUNTER} \
         SELECT {customer_id}, CASE n % 4 WHEN 0 THEN 'Анна' WHEN 1 THEN 'Иван' WHEN 2 THEN 'Мария' ELSE 'Сергей' END, \
         '+7900' || substr(CAST(10000000 + n AS TEXT), 2), CAST($3 AS BIGINT), CAST($3 AS BIGINT) FROM o"
    );
    // Per order n with hash x: customer, placed time, 1..3 lines (product k and quantity q of
    // line i), two events. Customer 0 takes orders 0..200.
    let order_id = uuid_expr("00000002", "n");
    let owner = uuid_expr(
        "00000001",
        "(CASE WHEN n < 200 OR $4 = 1 THEN 0 ELSE 1 + ((x * 48271) % 2147483647) % ($4 - 1) END)",
    );
    let placed = "(CAST($3 AS BIGINT) - ((x / 11) % 31536000) * 1000)";
    let k = format!("(o.x / 3 + i.i * 7) % {p}");
    let q = "(1 + (o.x / 7 + i.i) % 2)";
    let insert_orders = format!(
        "INSERT INTO orders (id, number, customer_id, idempotency_key, status, placed_at, received_at, goods_total, \
         delivery_cost, total, delivery_method, delivery_address, payment_method, card_brand, card_last4, pay_deadline) \
         {COUNTER}, t(n, x, goods) AS (SELECT n, x, (SELECT SUM(p.price * {q}) FROM seed_idx i \
         JOIN seed_products p ON p.k = {k} WHERE i.i <= o.x % 3) FROM o) \
         SELECT {order_id}, CAST(CAST($5 AS BIGINT) + 1 + n AS TEXT), {owner}, 'seed-' || CAST(n AS TEXT), 'received', \
         {placed}, {placed} + 259200000, goods, 0, goods, 'pickup_point', 'г. Москва, ул. Ленина, д. 1', 'card', \
         'mir', '0004', {placed} + 1800000 FROM t"
    );
    let search_v = crate::catalog::SEARCH_VERSION;
    let insert_lines = format!(
        "INSERT INTO order_lines (order_id, product_id, title, seller_id, seller_name, category_id, price, quantity, \
         line_total, search_text, search_v) {COUNTER} \
         SELECT {order_id}, p.id, p.title, p.seller_id, p.seller_name, p.category_id, p.price, {q}, p.price * {q}, \
         p.search_text, {search_v} FROM o JOIN seed_idx i ON i.i <= o.x % 3 JOIN seed_products p ON p.k = {k}"
    );
    let insert_events = format!(
        "INSERT INTO order_events (order_id, status, at) {COUNTER} \
         SELECT {order_id}, CASE i.i WHEN 0 THEN 'paid' ELSE 'received' END, {placed} + i.i * 259200000 \
         FROM o JOIN seed_idx i ON i.i < 2"
    );

    let mut rows = 0u64;
    for first in (0..customers).step_by(CHUNK as usize) {
        let end = (first + CHUNK).min(customers);
        rows += sqlx::query(sqlx::AssertSqlSafe(insert_customers.as_str()))
            .bind(first as i64)
            .bind(end as i64)
            .bind(now)
            .execute(autocommit(db))
            .await?
            .rows_affected();
    }
    for first in (0..orders).step_by(CHUNK as usize) {
        let end = (first + CHUNK).min(orders);
        let mut tx = crate::db::begin_write(db).await?;
        // Each statement binds only the parameters it uses ($1..$n): PostgreSQL refuses extras.
        for (sql, params) in [(&insert_orders, 5), (&insert_lines, 2), (&insert_events, 3)] {
            let args = [
                first as i64,
                end as i64,
                now,
                customers as i64,
                start_number,
            ];
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for a in &args[..params] {
                query = query.bind(*a);
            }
            rows += query.execute(&mut tx).await?.rows_affected();
        }
        tx.commit().await?;
    }
    sqlx::query("UPDATE counters SET value = $1 WHERE name = 'order_number'")
        .bind(start_number + orders as i64)
        .execute(autocommit(db))
        .await?;
    // Fresh statistics, so the planners see the new sizes at once (not after autovacuum).
    for sql in [
        "DROP TABLE seed_products",
        "DROP TABLE seed_idx",
        "ANALYZE customers",
        "ANALYZE orders",
        "ANALYZE order_lines",
        "ANALYZE order_events",
    ] {
        sqlx::query(sql).execute(autocommit(db)).await?;
    }
    Ok((rows, started.elapsed().as_secs_f64()))
}
