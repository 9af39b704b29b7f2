//! Recovery's SQL: the links sent by «Забыли пароль?» (`recovery_tokens`) and the support
//! cases (`recovery_cases`).

use crate::db::{Db, new_id};

/// Stores a recovery link of the customer, valid until `expires_at`.
#[tracing::instrument(skip_all)]
pub async fn insert_token(
    db: &Db,
    token_hash: &str,
    customer_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO recovery_tokens (id, token_hash, customer_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(token_hash)
    .bind(customer_id)
    .bind(now)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The account of the link with this hash, if it is unused and unexpired at `now`.
#[tracing::instrument(skip_all)]
pub async fn token_customer(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT customer_id FROM recovery_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Uses up the link with this hash if it is unused (one conditional update). True when this
/// call did it.
#[tracing::instrument(skip_all)]
pub async fn use_token(db: &Db, token_hash: &str, now: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE recovery_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(token_hash)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Uses up every open link of the customer (they stop working at once).
pub async fn void_tokens_of(db: &Db, customer_id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE recovery_tokens SET used_at = $2 WHERE customer_id = $1 AND used_at IS NULL",
    )
    .bind(customer_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// A support case as opened (status `new`).
pub struct NewCase<'a> {
    pub id: &'a str,
    pub full_name: &'a str,
    pub old_email: &'a str,
    pub new_contact: &'a str,
    pub order_number: Option<&'a str>,
    pub delivery_address: Option<&'a str>,
    pub card_last4: Option<&'a str>,
    pub comment: &'a str,
    pub ip: &'a str,
    pub created_at: i64,
    pub matched_customer_id: Option<&'a str>,
}

pub async fn insert_case(db: &Db, c: &NewCase<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO recovery_cases (id, full_name, old_email, new_contact, order_number, delivery_address, \
         card_last4, comment, ip, created_at, status, matched_customer_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'new', $11)",
    )
    .bind(c.id)
    .bind(c.full_name)
    .bind(c.old_email)
    .bind(c.new_contact)
    .bind(c.order_number)
    .bind(c.delivery_address)
    .bind(c.card_last4)
    .bind(c.comment)
    .bind(c.ip)
    .bind(c.created_at)
    .bind(c.matched_customer_id)
    .execute(db)
    .await?;
    Ok(())
}
