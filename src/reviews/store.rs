//! The reviews' SQL. Every change of status is one conditional statement.

use super::Draft;
use crate::db::Db;
use crate::db::autocommit;

/// A review as stored, with its author's names (a read-only join: never their contacts).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReviewRow {
    pub id: String,
    pub customer_id: String,
    pub product_id: String,
    pub product_title: String,
    pub rating: i64,
    pub text: String,
    pub pros: String,
    pub cons: String,
    pub status: String,
    pub reject_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub decided_at: Option<i64>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

const SELECT: &str = "SELECT r.id, r.customer_id, r.product_id, r.product_title, r.rating, \
     r.text, r.pros, r.cons, r.status, r.reject_reason, r.created_at, r.updated_at, \
     r.decided_at, c.first_name, c.last_name FROM reviews r LEFT JOIN customers c ON c.id = r.customer_id";

pub struct NewReview<'a> {
    pub id: &'a str,
    pub customer_id: &'a str,
    pub product_id: &'a str,
    pub product_title: &'a str,
    pub rating: i64,
    pub text: &'a str,
    pub pros: &'a str,
    pub cons: &'a str,
    pub at: i64,
}

/// Stores a pending review unless the customer has one of this product (the unique index
/// decides when two race). Returns whether it was stored.
pub async fn insert(db: &Db, r: &NewReview<'_>) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO reviews (id, customer_id, product_id, product_title, rating, text, pros, \
         cons, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9) \
         ON CONFLICT DO NOTHING",
    )
    .bind(r.id)
    .bind(r.customer_id)
    .bind(r.product_id)
    .bind(r.product_title)
    .bind(r.rating)
    .bind(r.text)
    .bind(r.pros)
    .bind(r.cons)
    .bind(r.at)
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

/// Edits the customer's review unless it is published; it goes back to pending.
pub async fn edit(
    db: &Db,
    customer: &str,
    id: &str,
    d: &Draft,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE reviews SET rating = $3, text = $4, pros = $5, cons = $6, status = 'pending', \
         reject_reason = NULL, decided_at = NULL, updated_at = $7 \
         WHERE id = $1 AND customer_id = $2 AND status <> 'published'",
    )
    .bind(id)
    .bind(customer)
    .bind(d.rating)
    .bind(&d.text)
    .bind(&d.pros)
    .bind(&d.cons)
    .bind(now)
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

const MINE: &str = "SELECT r.id, r.customer_id, r.product_id, r.product_title, r.rating, \
     r.text, r.pros, r.cons, r.status, r.reject_reason, r.created_at, r.updated_at, \
     r.decided_at, c.first_name, c.last_name FROM reviews r LEFT JOIN customers c ON c.id = r.customer_id \
     WHERE r.customer_id = $1";

/// One of the customer's reviews.
pub async fn mine(db: &Db, customer: &str, id: &str) -> Result<Option<ReviewRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{MINE} AND r.id = $2")))
        .bind(customer)
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The customer's review of a product.
pub async fn of_customer_product(
    db: &Db,
    customer: &str,
    product: &str,
) -> Result<Option<ReviewRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{MINE} AND r.product_id = $2")))
        .bind(customer)
        .bind(product)
        .fetch_optional(db)
        .await
}

/// The customer's reviews, newest first, from `(created_at, id)` down.
pub async fn all_mine(
    db: &Db,
    customer: &str,
    (before, before_id): (i64, &str),
    limit: i64,
) -> Result<Vec<ReviewRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{MINE} AND (r.created_at < $2 OR (r.created_at = $2 AND r.id < $3)) \
         ORDER BY r.created_at DESC, r.id DESC LIMIT $4"
    )))
    .bind(customer)
    .bind(before)
    .bind(before_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Any review by id.
pub async fn by_id(db: &Db, id: &str) -> Result<Option<ReviewRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE r.id = $1")))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A product's published reviews, newest published first, from `(decided_at, id)` down.
pub async fn published(
    db: &Db,
    product: &str,
    (before, before_id): (i64, &str),
    limit: i64,
) -> Result<Vec<ReviewRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.product_id = $1 AND r.status = 'published' \
         AND (r.decided_at < $2 OR (r.decided_at = $2 AND r.id < $3)) \
         ORDER BY r.decided_at DESC, r.id DESC LIMIT $4"
    )))
    .bind(product)
    .bind(before)
    .bind(before_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// How many published reviews a product has and the sum of their ratings.
pub async fn rating_of(db: &Db, product: &str) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(rating), 0) AS BIGINT) FROM reviews \
         WHERE product_id = $1 AND status = 'published'",
    )
    .bind(product)
    .fetch_one(db)
    .await
}

/// Reviews in `status`, oldest change first, after `(updated_at, id)`.
pub async fn queue(
    db: &Db,
    status: &str,
    after: i64,
    after_id: &str,
    limit: i64,
) -> Result<Vec<ReviewRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.status = $1 AND (r.updated_at > $2 OR (r.updated_at = $2 AND r.id > $3)) \
         ORDER BY r.updated_at, r.id LIMIT $4"
    )))
    .bind(status)
    .bind(after)
    .bind(after_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Decides a pending review (once) — with `seen`, only if it is still the version the moderator
/// read (its `updated_at`), so an edit made meanwhile is never published unread. True when this
/// call decided it.
pub async fn decide(
    db: &Db,
    id: &str,
    status: &str,
    reason: Option<&str>,
    now: i64,
    seen: Option<i64>,
) -> Result<bool, sqlx::Error> {
    const ANY: &str = "UPDATE reviews SET status = $2, reject_reason = $3, decided_at = $4, \
         updated_at = $4 WHERE id = $1 AND status = 'pending'";
    const SEEN: &str = "UPDATE reviews SET status = $2, reject_reason = $3, decided_at = $4, \
         updated_at = $4 WHERE id = $1 AND status = 'pending' AND updated_at = $5";
    let q = sqlx::query(if seen.is_some() { SEEN } else { ANY })
        .bind(id)
        .bind(status)
        .bind(reason)
        .bind(now);
    let q = match seen {
        Some(v) => q.bind(v),
        None => q,
    };
    Ok(q.execute(autocommit(db)).await?.rows_affected() == 1)
}
