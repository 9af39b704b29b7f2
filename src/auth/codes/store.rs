//! The code flows' SQL: the flows (`auth_flows`) and the contacts whose code entry is locked
//! (`contact_locks`). Every reservation is one conditional statement.

use super::FlowRow;
use crate::customers::CustomerRow;
use crate::db::Db;
use crate::db::autocommit;
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

/// A flow as code entry reads it, in one statement: the row, until when code entry for its
/// contact is locked (if it ever was), and the customer who has the contact now, if any
/// (`c_*`; all `None` when there is none).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FlowEntry {
    #[sqlx(flatten)]
    pub flow: FlowRow,
    pub locked_until: Option<i64>,
    pub c_id: Option<String>,
    pub c_first_name: Option<String>,
    pub c_last_name: Option<String>,
    pub c_patronymic: Option<String>,
    pub c_address_as: Option<String>,
    pub c_phone: Option<String>,
    pub c_email: Option<String>,
    pub c_email_verified: Option<i64>,
    pub c_last_seen_at: Option<i64>,
    pub c_contact_hold_until: Option<i64>,
    pub c_password_hash: Option<String>,
}

impl FlowEntry {
    /// The customer who had the flow's contact when it was read.
    pub fn customer(&self) -> Option<CustomerRow> {
        Some(CustomerRow {
            id: self.c_id.clone()?,
            first_name: self.c_first_name.clone().unwrap_or_default(),
            last_name: self.c_last_name.clone().unwrap_or_default(),
            patronymic: self.c_patronymic.clone().unwrap_or_default(),
            address_as: self.c_address_as.clone().unwrap_or_default(),
            phone: self.c_phone.clone(),
            email: self.c_email.clone(),
            email_verified: self.c_email_verified.unwrap_or(0),
            last_seen_at: self.c_last_seen_at.unwrap_or(0),
            contact_hold_until: self.c_contact_hold_until.unwrap_or(0),
            password_hash: self.c_password_hash.clone(),
        })
    }
}

pub async fn flow_entry(db: &Db, id: &str) -> Result<Option<FlowEntry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.id, f.purpose, f.channel, f.contact, f.code_hash, f.created_at, f.expires_at, \
         f.attempts, f.consumed_at, f.voided, f.customer_id, f.payload, l.locked_until, \
         c.id AS c_id, c.first_name AS c_first_name, c.last_name AS c_last_name, \
         c.patronymic AS c_patronymic, c.address_as AS c_address_as, c.phone AS c_phone, \
         c.email AS c_email, c.email_verified AS c_email_verified, \
         c.last_seen_at AS c_last_seen_at, c.contact_hold_until AS c_contact_hold_until, \
         c.password_hash AS c_password_hash \
         FROM auth_flows f LEFT JOIN contact_locks l ON l.contact = f.contact \
         LEFT JOIN customers c ON c.id = CASE WHEN f.channel = 'email' \
         THEN (SELECT e.id FROM customers e WHERE e.email = f.contact) \
         ELSE (SELECT p.id FROM customers p WHERE p.phone = f.contact) END \
         WHERE f.id = $1",
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
    conn: &mut crate::db::Conn,
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
pub async fn insert_flow(conn: &mut crate::db::Conn, f: &NewFlow<'_>) -> Result<(), sqlx::Error> {
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
    .execute(autocommit(db))
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
