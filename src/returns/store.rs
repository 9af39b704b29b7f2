//! The returns' SQL: the requests, what each order line has reserved for returns, and what
//! each order's card payment has given back.

use crate::db::Conn;
use crate::db::Db;
use crate::db::autocommit;

/// `SELECT <every column> FROM returns <rest>` as one literal.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT id, customer_id, order_id, order_number, product_id, title, price, quantity, \
             amount, reason, comment, refund_to, status, reject_reason, points_back, points_taken, \
             money_back, card_reference, card_due, decided_by, created_at, decided_at, refunded_at \
             FROM returns ",
            $rest
        )
    };
}

/// A return as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReturnRow {
    pub id: String,
    pub customer_id: String,
    pub order_id: String,
    pub order_number: String,
    pub product_id: String,
    pub title: String,
    pub price: i64,
    pub quantity: i64,
    pub amount: i64,
    pub reason: String,
    pub comment: String,
    pub refund_to: String,
    pub status: String,
    pub reject_reason: Option<String>,
    pub points_back: i64,
    pub points_taken: i64,
    pub money_back: i64,
    pub card_reference: Option<String>,
    pub card_due: i64,
    pub decided_by: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
    pub refunded_at: Option<i64>,
}

/// A new request.
pub struct NewReturn<'a> {
    pub id: &'a str,
    pub customer_id: &'a str,
    pub order_id: &'a str,
    pub order_number: &'a str,
    pub product_id: &'a str,
    pub title: &'a str,
    pub price: i64,
    pub quantity: i64,
    pub reason: &'a str,
    pub comment: &'a str,
    pub refund_to: &'a str,
    pub now: i64,
}

/// Reserves `quantity` of an order line for a return if what is reserved already leaves that
/// much of `bought`: one conditional statement (the row is made first when it is missing).
pub async fn reserve_line(
    tx: &mut Conn,
    order_id: &str,
    product_id: &str,
    quantity: i64,
    bought: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO return_lines (order_id, product_id, reserved) VALUES ($1, $2, 0) \
         ON CONFLICT (order_id, product_id) DO NOTHING",
    )
    .bind(order_id)
    .bind(product_id)
    .execute(&mut *tx)
    .await?;
    Ok(sqlx::query(
        "UPDATE return_lines SET reserved = reserved + $3 \
         WHERE order_id = $1 AND product_id = $2 AND reserved + $3 <= $4",
    )
    .bind(order_id)
    .bind(product_id)
    .bind(quantity)
    .bind(bought)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// Gives a rejected return's quantity back to its line.
pub async fn release_line(
    tx: &mut Conn,
    order_id: &str,
    product_id: &str,
    quantity: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE return_lines SET reserved = reserved - $3 \
         WHERE order_id = $1 AND product_id = $2 AND reserved >= $3",
    )
    .bind(order_id)
    .bind(product_id)
    .bind(quantity)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// How much of each line of an order is reserved: (product id, quantity).
pub async fn reserved_lines(db: &Db, order_id: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT product_id, reserved FROM return_lines WHERE order_id = $1")
        .bind(order_id)
        .fetch_all(db)
        .await
}

/// Reserves `amount` kopecks of the order's card payment for a refund if what returns have
/// refunded already leaves that much of `card_part`: one conditional statement.
pub async fn reserve_card(
    tx: &mut Conn,
    order_id: &str,
    amount: i64,
    card_part: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO return_orders (order_id, card_refunded) VALUES ($1, 0) \
         ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(order_id)
    .execute(&mut *tx)
    .await?;
    Ok(sqlx::query(
        "UPDATE return_orders SET card_refunded = card_refunded + $2 \
         WHERE order_id = $1 AND card_refunded + $2 <= $3",
    )
    .bind(order_id)
    .bind(amount)
    .bind(card_part)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// Kopecks of the order's card payment returns have refunded (or are refunding).
pub async fn card_refunded(db: &Db, order_id: &str) -> Result<i64, sqlx::Error> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT card_refunded FROM return_orders WHERE order_id = $1")
            .bind(order_id)
            .fetch_optional(db)
            .await?
            .unwrap_or(0),
    )
}

pub async fn insert(tx: &mut Conn, r: &NewReturn<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO returns (id, customer_id, order_id, order_number, product_id, title, price, \
         quantity, amount, reason, comment, refund_to, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'requested', $13)",
    )
    .bind(r.id)
    .bind(r.customer_id)
    .bind(r.order_id)
    .bind(r.order_number)
    .bind(r.product_id)
    .bind(r.title)
    .bind(r.price)
    .bind(r.quantity)
    .bind(r.price * r.quantity)
    .bind(r.reason)
    .bind(r.comment)
    .bind(r.refund_to)
    .bind(r.now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What an order's returns ask back in all, in kopecks (rejected ones not counted).
pub async fn asked_back(tx: &mut Conn, order_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM returns \
         WHERE order_id = $1 AND status <> 'rejected'",
    )
    .bind(order_id)
    .fetch_one(&mut *tx)
    .await
}

pub async fn by_id(db: &Db, id: &str) -> Result<Option<ReturnRow>, sqlx::Error> {
    const SQL: &str = select!("WHERE id = $1");
    sqlx::query_as(SQL).bind(id).fetch_optional(db).await
}

/// What a decision to refund writes, with the status it leaves.
pub struct Refund<'a> {
    pub id: &'a str,
    /// `refunded` (balance) or `approved` (the card's refund waits for the acquirer).
    pub to: &'a str,
    pub points_back: i64,
    pub money_back: i64,
    pub card_reference: Option<&'a str>,
    pub by: &'a str,
    pub now: i64,
}

/// Decides a requested return for a refund: one conditional statement, so of many racing
/// decisions one wins. True when this call decided it.
pub async fn approve(tx: &mut Conn, r: &Refund<'_>) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE returns SET status = $2, points_back = $3, money_back = $4, \
         card_reference = $5, card_due = CASE WHEN $5 IS NULL THEN 0 ELSE 1 END, decided_by = $6, \
         decided_at = $7, refunded_at = CASE WHEN $2 = 'refunded' THEN $7 ELSE NULL END, \
         card_claim_until = $8 WHERE id = $1 AND status = 'requested'",
    )
    .bind(r.id)
    .bind(r.to)
    .bind(r.points_back)
    .bind(r.money_back)
    .bind(r.card_reference)
    .bind(r.by)
    .bind(r.now)
    .bind(r.now + CARD_CLAIM_MS)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// Records the earned points an approval took back.
pub async fn set_points_taken(tx: &mut Conn, id: &str, points: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE returns SET points_taken = $2 WHERE id = $1")
        .bind(id)
        .bind(points)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Rejects a requested return: one conditional statement. True when this call did it.
pub async fn reject(
    tx: &mut Conn,
    id: &str,
    reason: &str,
    by: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE returns SET status = 'rejected', reject_reason = $2, decided_by = $3, decided_at = $4 \
         WHERE id = $1 AND status = 'requested'",
    )
    .bind(id)
    .bind(reason)
    .bind(by)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// The acquirer confirmed a card refund: `approved` → `refunded`, once.
pub async fn card_refunded_done(db: &Db, id: &str, now: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE returns SET card_due = 0, status = 'refunded', refunded_at = $2 \
         WHERE id = $1 AND card_due = 1",
    )
    .bind(id)
    .bind(now)
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

/// How long a claim on a card refund lasts: the approval's own call to the acquirer, or the
/// job's, must finish within it; after it the job may take the refund over.
pub const CARD_CLAIM_MS: i64 = 5 * 60_000;

/// Card refunds the acquirer has not confirmed yet and nobody holds: (id, reference, kopecks).
pub async fn card_due(db: &Db, now: i64) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, card_reference, money_back FROM returns \
         WHERE card_due = 1 AND card_reference IS NOT NULL AND card_claim_until < $1 \
         ORDER BY decided_at LIMIT 1000",
    )
    .bind(now)
    .fetch_all(db)
    .await
}

/// Claims a due card refund whose previous claim lapsed: one conditional statement, so of the
/// nodes and passes racing for it one asks the acquirer. True when this call claimed it.
pub async fn claim_card_refund(db: &Db, id: &str, now: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE returns SET card_claim_until = $2 \
         WHERE id = $1 AND card_due = 1 AND card_claim_until < $3",
    )
    .bind(id)
    .bind(now + CARD_CLAIM_MS)
    .bind(now)
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

/// A page of the customer's returns, newest first, before (`created_at`, `id`).
pub async fn mine(
    db: &Db,
    customer: &str,
    before: (i64, &str),
    limit: i64,
) -> Result<Vec<ReturnRow>, sqlx::Error> {
    const SQL: &str = select!(
        "WHERE customer_id = $1 AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
         ORDER BY created_at DESC, id DESC LIMIT $4"
    );
    sqlx::query_as(SQL)
        .bind(customer)
        .bind(before.0)
        .bind(before.1)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// The customer's returns of one order (for the order's return form).
pub async fn of_order(
    db: &Db,
    customer: &str,
    order_id: &str,
) -> Result<Vec<ReturnRow>, sqlx::Error> {
    const SQL: &str = select!("WHERE customer_id = $1 AND order_id = $2 ORDER BY created_at, id");
    sqlx::query_as(SQL)
        .bind(customer)
        .bind(order_id)
        .fetch_all(db)
        .await
}

/// A page of every customer's returns (staff), newest first, optionally in one status.
pub async fn page(
    db: &Db,
    status: Option<&str>,
    before: (i64, &str),
    limit: i64,
) -> Result<Vec<ReturnRow>, sqlx::Error> {
    const ANY: &str = select!(
        "WHERE (created_at < $1 OR (created_at = $1 AND id < $2)) \
         ORDER BY created_at DESC, id DESC LIMIT $3"
    );
    const ONE: &str = select!(
        "WHERE status = $4 AND (created_at < $1 OR (created_at = $1 AND id < $2)) \
         ORDER BY created_at DESC, id DESC LIMIT $3"
    );
    let q = sqlx::query_as(if status.is_some() { ONE } else { ANY })
        .bind(before.0)
        .bind(before.1)
        .bind(limit);
    match status {
        Some(s) => q.bind(s).fetch_all(db).await,
        None => q.fetch_all(db).await,
    }
}
