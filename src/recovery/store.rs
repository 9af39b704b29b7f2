//! Recovery's SQL: the links sent by «Забыли пароль?» (`recovery_tokens`) and the support
//! cases (`recovery_cases`).

use crate::db::autocommit;
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
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// The account of the link with this hash and the contact a support case's link puts on it,
/// if the link is unused and unexpired at `now`.
#[tracing::instrument(skip_all)]
pub async fn token_customer(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT customer_id, new_contact FROM recovery_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
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
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

/// Gives back a link this request used at `used_at` (its contact could not be set after all).
#[tracing::instrument(skip_all)]
pub async fn unuse_token(db: &Db, token_hash: &str, used_at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE recovery_tokens SET used_at = NULL WHERE token_hash = $1 AND used_at = $2")
        .bind(token_hash)
        .bind(used_at)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Uses up every open link of the customer (they stop working at once).
pub async fn void_tokens_of(db: &Db, customer_id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE recovery_tokens SET used_at = $2 WHERE customer_id = $1 AND used_at IS NULL",
    )
    .bind(customer_id)
    .bind(now)
    .execute(autocommit(db))
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
    pub locale: &'a str,
}

pub async fn insert_case(db: &Db, c: &NewCase<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO recovery_cases (id, full_name, old_email, new_contact, order_number, delivery_address, \
         card_last4, comment, ip, created_at, status, matched_customer_id, locale) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'new', $11, $12)",
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
    .bind(c.locale)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// A support case as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: String,
    pub status: String,
    pub full_name: String,
    pub old_email: String,
    pub new_contact: String,
    pub order_number: Option<String>,
    pub delivery_address: Option<String>,
    pub card_last4: Option<String>,
    pub comment: String,
    pub created_at: i64,
    pub matched_customer_id: Option<String>,
    pub first_approver: Option<String>,
    pub first_approved_at: Option<i64>,
    pub second_approver: Option<String>,
    pub decided_at: Option<i64>,
    pub reject_reason: Option<String>,
    pub rejected_by: Option<String>,
    pub locale: Option<String>,
}

const CASE_COLUMNS: &str = "id, status, full_name, old_email, new_contact, order_number, delivery_address, \
     card_last4, comment, created_at, matched_customer_id, first_approver, first_approved_at, second_approver, \
     decided_at, reject_reason, rejected_by, locale";

/// One case.
pub async fn case(db: &Db, id: &str) -> Result<Option<CaseRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CASE_COLUMNS} FROM recovery_cases WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// A page of cases whose status is one of `statuses` (up to two; empty: all), newest first,
/// after the keyset `(created_at, id)`.
pub async fn cases(
    db: &Db,
    statuses: &[&str],
    (at, id): (i64, &str),
    limit: i64,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let all = statuses.is_empty();
    let first = statuses.first().copied().unwrap_or("");
    let second = statuses.get(1).copied().unwrap_or(first);
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CASE_COLUMNS} FROM recovery_cases \
         WHERE ($1 = 1 OR status = $2 OR status = $3) AND (created_at < $4 OR (created_at = $4 AND id < $5)) \
         ORDER BY created_at DESC, id DESC LIMIT $6"
    )))
    .bind(i64::from(all))
    .bind(first)
    .bind(second)
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The first approval: one conditional update from `new`, only for a case with an account.
/// True when this call made it.
pub async fn approve_first(
    db: &Db,
    id: &str,
    staff_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE recovery_cases SET status = 'awaiting_second', first_approver = $2, first_approved_at = $3 \
         WHERE id = $1 AND status = 'new' AND matched_customer_id IS NOT NULL",
    )
    .bind(id)
    .bind(staff_id)
    .bind(now)
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

/// The second approval, by another member: one conditional update from `awaiting_second`
/// inside the caller's transaction (which also writes the link). True when this call made it.
pub async fn approve_second(
    tx: &mut crate::db::Conn,
    id: &str,
    staff_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE recovery_cases SET status = 'approved', second_approver = $2, decided_at = $3 \
         WHERE id = $1 AND status = 'awaiting_second' AND first_approver <> $2",
    )
    .bind(id)
    .bind(staff_id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// Rejects an undecided case with a reason (one conditional update). True when this call did.
pub async fn reject(
    db: &Db,
    id: &str,
    staff_id: &str,
    reason: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE recovery_cases SET status = 'rejected', rejected_by = $2, reject_reason = $3, decided_at = $4 \
         WHERE id = $1 AND (status = 'new' OR status = 'awaiting_second')",
    )
    .bind(id)
    .bind(staff_id)
    .bind(reason)
    .bind(now)
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

/// Stores a support case's recovery link (in the caller's transaction): it recovers
/// `customer_id` and puts `new_contact` on the account.
#[tracing::instrument(skip_all)]
pub async fn insert_contact_token(
    tx: &mut crate::db::Conn,
    token_hash: &str,
    customer_id: &str,
    new_contact: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO recovery_tokens (id, token_hash, customer_id, created_at, expires_at, new_contact) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(token_hash)
    .bind(customer_id)
    .bind(now)
    .bind(expires_at)
    .bind(new_contact)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
