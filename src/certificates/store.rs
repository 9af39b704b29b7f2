//! Gift certificates' SQL: issuing (hashes only) and the one conditional update that activates.

use crate::db::Conn;
use crate::db::Db;

/// A certificate to store: its hashes, masked number, face value and validity.
pub struct NewCertificate<'a> {
    pub id: &'a str,
    pub number_hash: &'a str,
    pub word_hash: &'a str,
    pub masked: &'a str,
    pub value: i64,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Stores a certificate unless its number or code word is taken; returns whether it was stored.
pub async fn insert(tx: &mut Conn, c: &NewCertificate<'_>) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO gift_certificates (id, number_hash, word_hash, masked, value, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(c.id)
    .bind(c.number_hash)
    .bind(c.word_hash)
    .bind(c.masked)
    .bind(c.value)
    .bind(c.created_at)
    .bind(c.expires_at)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// Which hash a code is looked up by.
#[derive(Debug, Clone, Copy)]
pub enum By {
    Number,
    Word,
}

#[derive(Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: String,
    pub value: i64,
    pub masked: String,
}

/// Marks the certificate with this hash activated by `customer`, if it exists, is unused and
/// has not expired: one conditional statement, so of racing claims exactly one gets the row.
pub async fn claim(
    tx: &mut Conn,
    by: By,
    hash: &str,
    customer: &str,
    now: i64,
) -> Result<Option<Claimed>, sqlx::Error> {
    let sql = match by {
        By::Number => {
            "UPDATE gift_certificates SET activated_by = $1, activated_at = $2 \
             WHERE number_hash = $3 AND activated_at IS NULL AND expires_at > $2 \
             RETURNING id, value, masked"
        }
        By::Word => {
            "UPDATE gift_certificates SET activated_by = $1, activated_at = $2 \
             WHERE word_hash = $3 AND activated_at IS NULL AND expires_at > $2 \
             RETURNING id, value, masked"
        }
    };
    sqlx::query_as(sql)
        .bind(customer)
        .bind(now)
        .bind(hash)
        .fetch_optional(&mut *tx)
        .await
}

/// Marks a certificate (by id) activated by `customer` at `at` if it is unused (the demo's).
pub async fn claim_by_id(
    tx: &mut Conn,
    id: &str,
    customer: &str,
    at: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE gift_certificates SET activated_by = $1, activated_at = $2 \
         WHERE id = $3 AND activated_at IS NULL",
    )
    .bind(customer)
    .bind(at)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

#[derive(Debug, sqlx::FromRow)]
pub struct MineRow {
    pub masked: String,
    pub value: i64,
    pub activated_at: i64,
}

/// The certificates `customer` activated, newest first.
pub async fn activated_by(
    db: &Db,
    customer: &str,
    limit: i64,
) -> Result<Vec<MineRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT masked, value, activated_at FROM gift_certificates \
         WHERE activated_by = $1 AND activated_at IS NOT NULL \
         ORDER BY activated_at DESC, id DESC LIMIT $2",
    )
    .bind(customer)
    .bind(limit)
    .fetch_all(db)
    .await
}
