//! The code flows' SQL: the flows (`auth_flows`) and the contacts whose code entry is locked
//! (`contact_locks`). Every reservation is one conditional statement.

use super::FlowRow;
use crate::db::Db;
use crate::domain::identity::{Channel, Purpose};
use sqlx::{Any, Executor};

pub async fn flow_by_id(db: &Db, id: &str) -> Result<Option<FlowRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, purpose, channel, contact, code_hash, created_at, expires_at, attempts, consumed_at, voided, \
         customer_id, payload FROM auth_flows WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// A flow as code entry reads it: the row and until when code entry for its contact is locked
/// (if it ever was), in one statement.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FlowAndLock {
    #[sqlx(flatten)]
    pub flow: FlowRow,
    pub locked_until: Option<i64>,
}

pub async fn flow_and_lock(db: &Db, id: &str) -> Result<Option<FlowAndLock>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.id, f.purpose, f.channel, f.contact, f.code_hash, f.created_at, f.expires_at, \
         f.attempts, f.consumed_at, f.voided, f.customer_id, f.payload, l.locked_until \
         FROM auth_flows f LEFT JOIN contact_locks l ON l.contact = f.contact WHERE f.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// When the most recent SMS code of (contact, purpose) created after `since` and not yet
/// confirmed was sent, if there is one.
pub async fn last_open_sms_at(
    db: &Db,
    contact: &str,
    purpose: Purpose,
    since: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MAX(created_at) FROM auth_flows WHERE contact = $1 AND purpose = $2 \
         AND channel = 'sms' AND consumed_at IS NULL AND created_at > $3",
    )
    .bind(contact)
    .bind(purpose.as_str())
    .bind(since)
    .fetch_one(db)
    .await
}

/// Voids every open (unconfirmed, not voided) flow of (contact, purpose).
pub async fn void_open_flows(
    conn: &mut sqlx::AnyConnection,
    contact: &str,
    purpose: Purpose,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE auth_flows SET voided = 1 WHERE contact = $1 AND purpose = $2 AND voided = 0 AND consumed_at IS NULL",
    )
    .bind(contact)
    .bind(purpose.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A new flow row.
pub struct NewFlow<'a> {
    pub id: &'a str,
    pub purpose: Purpose,
    pub channel: Channel,
    pub contact: &'a str,
    pub code_hash: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
    pub ip: &'a str,
    pub customer_id: Option<&'a str>,
    pub payload: Option<&'a str>,
}

#[tracing::instrument(skip_all)]
pub async fn insert_flow(
    conn: &mut sqlx::AnyConnection,
    f: &NewFlow<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO auth_flows (id, purpose, channel, contact, code_hash, created_at, expires_at, ip, \
         customer_id, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(f.id)
    .bind(f.purpose.as_str())
    .bind(f.channel.as_str())
    .bind(f.contact)
    .bind(f.code_hash)
    .bind(f.created_at)
    .bind(f.expires_at)
    .bind(f.ip)
    .bind(f.customer_id)
    .bind(f.payload)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Reserves one comparison against the flow's code: counts it only while the flow is open
/// (unconfirmed, not voided, unexpired at `now`) and has had fewer than `max` (one conditional
/// update). The attempts so far, this one included, when reserved.
pub async fn take_attempt<'e, E: Executor<'e, Database = Any>>(
    db: E,
    flow_id: &str,
    max: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE auth_flows SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2 \
         AND consumed_at IS NULL AND voided = 0 AND expires_at > $3 RETURNING attempts",
    )
    .bind(flow_id)
    .bind(max)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Marks the flow confirmed at `now` if it is still open. True when this call did it.
pub async fn consume_flow<'e, E: Executor<'e, Database = Any>>(
    db: E,
    flow_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE auth_flows SET consumed_at = $1 WHERE id = $2 AND consumed_at IS NULL AND voided = 0",
    )
    .bind(now)
    .bind(flow_id)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Voids the flow if it is still open. True when this call did it.
pub async fn void_flow(db: &Db, flow_id: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE auth_flows SET voided = 1 WHERE id = $1 AND voided = 0 AND consumed_at IS NULL",
    )
    .bind(flow_id)
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// Until when code entry for the contact is locked, if it ever was.
pub async fn locked_until(db: &Db, contact: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT locked_until FROM contact_locks WHERE contact = $1")
        .bind(contact)
        .fetch_optional(db)
        .await
}

/// Locks code entry for the contact until `until`, unless a lock is still running at `now`
/// (one conditional upsert: a running lock is never extended).
pub async fn lock_contact<'e, E: Executor<'e, Database = Any>>(
    db: E,
    contact: &str,
    until: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO contact_locks (contact, locked_until) VALUES ($1, $2) \
         ON CONFLICT (contact) DO UPDATE SET locked_until = excluded.locked_until \
         WHERE contact_locks.locked_until <= $3",
    )
    .bind(contact)
    .bind(until)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}
