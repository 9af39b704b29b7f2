//! The co-branded card's SQL: applications and their decisions.

use crate::db::Conn;
use crate::db::Db;
use crate::db::autocommit;

/// An application as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: String,
    pub customer_id: String,
    pub status: String,
    pub full_name: String,
    pub birth_date: String,
    pub city: String,
    pub phone: String,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

/// Stores a submitted application unless the customer has a live one (submitted or approved):
/// the unique index decides when two race. Returns whether it was stored.
pub async fn insert_application(db: &Db, a: &ApplicationRow) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO cobrand_applications (id, customer_id, status, full_name, birth_date, city, \
         phone, created_at) VALUES ($1, $2, 'submitted', $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(&a.id)
    .bind(&a.customer_id)
    .bind(&a.full_name)
    .bind(&a.birth_date)
    .bind(&a.city)
    .bind(&a.phone)
    .bind(a.created_at)
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

const COLUMNS: &str =
    "id, customer_id, status, full_name, birth_date, city, phone, created_at, decided_at";

/// The customer's latest application.
pub async fn latest(db: &Db, customer: &str) -> Result<Option<ApplicationRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM cobrand_applications WHERE customer_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT 1"
    )))
    .bind(customer)
    .fetch_optional(db)
    .await
}

/// One application by id (any customer's: for the deciding side only).
pub async fn by_id(db: &Db, id: &str) -> Result<Option<ApplicationRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM cobrand_applications WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Applications in `status`, oldest first (the queue the staff decides), at most `limit`.
pub async fn in_status(
    db: &Db,
    status: &str,
    limit: i64,
) -> Result<Vec<ApplicationRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM cobrand_applications WHERE status = $1 \
         ORDER BY created_at, id LIMIT $2"
    )))
    .bind(status)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Decides a submitted application (once: one conditional statement). Returns the customer and
/// the phone on the application when this call decided it.
pub async fn decide(
    tx: &mut Conn,
    id: &str,
    status: &str,
    now: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE cobrand_applications SET status = $2, decided_at = $3 \
         WHERE id = $1 AND status = 'submitted' RETURNING customer_id, phone",
    )
    .bind(id)
    .bind(status)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await
}

/// How many applications the customer has (for tests of what is at rest).
pub async fn count_of(db: &Db, customer: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM cobrand_applications WHERE customer_id = $1")
        .bind(customer)
        .fetch_one(db)
        .await
}
