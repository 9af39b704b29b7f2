//! `kabinet seed --customers N --orders M`: fills a database fast for benchmarks. Customer
//! number 0 (phone +79000000000) always gets 200 orders (the B2 customer); the other orders
//! spread over the rest. Rows go in as multi-row inserts inside large transactions.

use crate::db::{Db, new_id};
use std::time::Instant;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The phone of seeded customer `i`.
pub fn phone(i: u64) -> String {
    format!("+7900{i:07}")
}

const NAMES: &[&str] = &[
    "Анна",
    "Иван",
    "Мария",
    "Сергей",
    "Ольга",
    "Дмитрий",
    "Елена",
    "Алексей",
];

/// Rows waiting for one multi-row INSERT.
struct Batch {
    head: &'static str,
    cols: usize,
    rows: usize,
    values: Vec<Value>,
}

enum Value {
    Text(String),
    Int(i64),
}

impl Batch {
    fn new(head: &'static str, cols: usize) -> Self {
        Self {
            head,
            cols,
            rows: 0,
            values: Vec::new(),
        }
    }
    fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.cols);
        self.values.extend(row);
        self.rows += 1;
    }
    async fn flush(
        &mut self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    ) -> Result<u64, sqlx::Error> {
        if self.rows == 0 {
            return Ok(0);
        }
        let mut sql = String::from(self.head);
        for r in 0..self.rows {
            sql.push_str(if r == 0 { " (" } else { ", (" });
            for c in 0..self.cols {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${}", r * self.cols + c + 1));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for v in self.values.drain(..) {
            q = match v {
                Value::Text(s) => q.bind(s),
                Value::Int(i) => q.bind(i),
            };
        }
        q.execute(&mut **tx).await?;
        let n = self.rows as u64;
        self.rows = 0;
        Ok(n)
    }
}

/// Seeds `customers` customers and `orders` orders; returns (rows written, seconds).
pub async fn run(db: &Db, customers: u64, orders: u64, now: i64) -> anyhow::Result<(u64, f64)> {
    anyhow::ensure!(customers >= 1, "at least one customer");
    let products: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT p.id, p.title, p.seller_id, s.name, p.category_id, p.price FROM products p JOIN sellers s ON s.id = p.seller_id",
    )
    .fetch_all(db)
    .await?;
    anyhow::ensure!(
        !products.is_empty(),
        "the catalogue is empty: start once with demo data first"
    );
    let start_number: i64 =
        sqlx::query_scalar("SELECT value FROM counters WHERE name = 'order_number'")
            .fetch_one(db)
            .await?;
    let started = Instant::now();
    let mut rng = Lcg(42);
    let mut rows = 0u64;
    const BATCH: usize = 400;
    let mut tx = db.begin().await?;
    let mut customer_ids = Vec::with_capacity(customers as usize);
    let mut batch = Batch::new(
        "INSERT INTO customers (id, first_name, phone, created_at, last_seen_at) VALUES",
        5,
    );
    for i in 0..customers {
        let id = new_id();
        batch.push(vec![
            Value::Text(id.clone()),
            Value::Text(NAMES[(i % NAMES.len() as u64) as usize].to_owned()),
            Value::Text(phone(i)),
            Value::Int(now),
            Value::Int(now),
        ]);
        customer_ids.push(id);
        if batch.rows == BATCH {
            rows += batch.flush(&mut tx).await?;
        }
    }
    rows += batch.flush(&mut tx).await?;
    tx.commit().await?;

    let mut o_batch = Batch::new(
        "INSERT INTO orders (id, number, customer_id, idempotency_key, status, placed_at, received_at, goods_total, \
         delivery_cost, total, delivery_method, delivery_address, payment_method, card_brand, card_last4, pay_deadline) VALUES",
        16,
    );
    let mut l_batch = Batch::new(
        "INSERT INTO order_lines (order_id, product_id, title, seller_id, seller_name, category_id, price, quantity, \
         line_total, search_text) VALUES",
        10,
    );
    let mut e_batch = Batch::new("INSERT INTO order_events (order_id, status, at) VALUES", 3);
    let mut tx = db.begin().await?;
    for n in 0..orders {
        let customer = if n < 200 || customers == 1 {
            0
        } else {
            1 + rng.below(customers - 1)
        };
        let id = new_id();
        let placed = now - (rng.below(365 * 86_400) as i64) * 1000;
        let line_count = 1 + rng.below(3) as usize;
        let mut goods = 0;
        let mut used: Vec<usize> = Vec::new();
        for _ in 0..line_count {
            let k = rng.below(products.len() as u64) as usize;
            if used.contains(&k) {
                continue;
            }
            used.push(k);
            let (pid, title, seller, seller_name, category, price) = &products[k];
            let q = 1 + rng.below(2) as i64;
            goods += price * q;
            l_batch.push(vec![
                Value::Text(id.clone()),
                Value::Text(pid.clone()),
                Value::Text(title.clone()),
                Value::Text(seller.clone()),
                Value::Text(seller_name.clone()),
                Value::Text(category.clone()),
                Value::Int(*price),
                Value::Int(q),
                Value::Int(price * q),
                Value::Text(crate::catalog::normalize(&format!("{title} {seller_name}"))),
            ]);
        }
        o_batch.push(vec![
            Value::Text(id.clone()),
            Value::Text((start_number + 1 + n as i64).to_string()),
            Value::Text(customer_ids[customer as usize].clone()),
            Value::Text(format!("seed-{n}")),
            Value::Text("received".to_owned()),
            Value::Int(placed),
            Value::Int(placed + 3 * 86_400_000),
            Value::Int(goods),
            Value::Int(0),
            Value::Int(goods),
            Value::Text("pickup_point".to_owned()),
            Value::Text("г. Москва, ул. Ленина, д. 1".to_owned()),
            Value::Text("card".to_owned()),
            Value::Text("mir".to_owned()),
            Value::Text("0004".to_owned()),
            Value::Int(placed + 1_800_000),
        ]);
        for (status, at) in [("paid", placed), ("received", placed + 3 * 86_400_000)] {
            e_batch.push(vec![
                Value::Text(id.clone()),
                Value::Text(status.to_owned()),
                Value::Int(at),
            ]);
        }
        if o_batch.rows >= BATCH / 2 {
            rows += o_batch.flush(&mut tx).await?;
            rows += l_batch.flush(&mut tx).await?;
            rows += e_batch.flush(&mut tx).await?;
        }
        if n % 50_000 == 49_999 {
            tx.commit().await?;
            tx = db.begin().await?;
        }
    }
    rows += o_batch.flush(&mut tx).await?;
    rows += l_batch.flush(&mut tx).await?;
    rows += e_batch.flush(&mut tx).await?;
    sqlx::query("UPDATE counters SET value = $1 WHERE name = 'order_number'")
        .bind(start_number + orders as i64)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((rows, started.elapsed().as_secs_f64()))
}
