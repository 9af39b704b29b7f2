//! The staff console's SQL: members, enrolment links, sessions and the audit trail.

use crate::db::autocommit;
use crate::db::{Db, new_id};

/// A staff member as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub id: String,
    pub email: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub password_pending: Option<String>,
    pub totp_pending: Option<String>,
    pub enrolled_at: Option<i64>,
    pub disabled_at: Option<i64>,
    pub created_at: i64,
}

macro_rules! member {
    ($rest:literal) => {
        concat!(
            "SELECT id, email, role, password_hash, totp_secret, password_pending, totp_pending, ",
            "enrolled_at, ",
            "disabled_at, created_at FROM staff_members ",
            $rest
        )
    };
}

/// Adds a member; None when the email is taken.
pub async fn insert_member(
    db: &Db,
    id: &str,
    email: &str,
    role: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "INSERT INTO staff_members (id, email, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (email) DO NOTHING",
    )
    .bind(id)
    .bind(email)
    .bind(role)
    .bind(now)
    .execute(autocommit(db))
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn member_by_email(db: &Db, email: &str) -> Result<Option<MemberRow>, sqlx::Error> {
    sqlx::query_as(member!("WHERE email = $1"))
        .bind(email)
        .fetch_optional(db)
        .await
}

pub async fn member_by_id(db: &Db, id: &str) -> Result<Option<MemberRow>, sqlx::Error> {
    sqlx::query_as(member!("WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn members(db: &Db) -> Result<Vec<MemberRow>, sqlx::Error> {
    sqlx::query_as(member!("ORDER BY email"))
        .fetch_all(db)
        .await
}

pub async fn count_members(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM staff_members")
        .fetch_one(db)
        .await
}

pub async fn set_role(db: &Db, id: &str, role: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE staff_members SET role = $1 WHERE id = $2")
            .bind(role)
            .bind(id)
            .execute(autocommit(db))
            .await?
            .rows_affected()
            == 1,
    )
}

/// Disables a member and ends their sessions, in one transaction.
pub async fn disable(db: &Db, id: &str, now: i64) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let n = sqlx::query(
        "UPDATE staff_members SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(&mut tx)
    .await?
    .rows_affected();
    sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    sqlx::query("UPDATE staff_enrolments SET used_at = $1 WHERE staff_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(n == 1)
}

pub async fn insert_enrolment(
    db: &Db,
    token_hash: &str,
    staff_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    // One live link per member: a new one voids the older ones.
    sqlx::query("UPDATE staff_enrolments SET used_at = $1 WHERE staff_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(staff_id)
        .execute(&mut tx)
        .await?;
    sqlx::query(
        "INSERT INTO staff_enrolments (token_hash, staff_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(staff_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The member of an unused, unexpired enrolment link.
pub async fn enrolment_member(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT e.staff_id FROM staff_enrolments e JOIN staff_members m ON m.id = e.staff_id \
         WHERE e.token_hash = $1 AND e.used_at IS NULL AND e.expires_at > $2 \
         AND m.disabled_at IS NULL",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Keeps the chosen password and a new (sealed) TOTP secret waiting for its first code; the
/// member's current ones stay in force until then.
pub async fn set_pending(
    db: &Db,
    id: &str,
    password_hash: &str,
    totp_pending: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE staff_members SET password_pending = $1, totp_pending = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(totp_pending)
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Uses up the link and makes the pending password and secret the member's, in one
/// transaction — only the secret the code was checked against (`checked`); false when the link
/// was used or the pending secret replaced meanwhile.
pub async fn finish_enrolment(
    db: &Db,
    token_hash: &str,
    id: &str,
    checked: &str,
    step: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let used = sqlx::query(
        "UPDATE staff_enrolments SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(token_hash)
    .execute(&mut tx)
    .await?
    .rows_affected();
    if used != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    let made = sqlx::query(
        "UPDATE staff_members SET password_hash = password_pending, totp_secret = totp_pending, \
         password_pending = NULL, totp_pending = NULL, totp_last_step = $1, enrolled_at = $2 \
         WHERE id = $3 AND totp_pending = $4 AND password_pending IS NOT NULL",
    )
    .bind(step)
    .bind(now)
    .bind(id)
    .bind(checked)
    .execute(&mut tx)
    .await?
    .rows_affected();
    if made != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    // A member enrolled again starts with no sessions of the old secret.
    sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Takes a TOTP step for the member if it is later than the last one taken (one conditional
/// update: a code works once, even when two sign-ins race with it).
pub async fn take_totp_step(db: &Db, id: &str, step: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE staff_members SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
    )
    .bind(step)
    .bind(id)
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

pub struct NewSession<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub staff_id: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

pub async fn insert_session(db: &Db, s: &NewSession<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO staff_sessions (id, token_hash, staff_id, created_at, last_seen_at, expires_at, ip, user_agent) \
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
    )
    .bind(s.id)
    .bind(s.token_hash)
    .bind(s.staff_id)
    .bind(s.now)
    .bind(s.expires_at)
    .bind(s.ip)
    .bind(s.user_agent)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// A session row with its (enabled) member: (session id, last seen, expires, member).
#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub session_id: String,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub id: String,
    pub email: String,
    pub role: String,
}

pub async fn session_by_token_hash(
    db: &Db,
    token_hash: &str,
) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id AS session_id, s.last_seen_at, s.expires_at, m.id, m.email, m.role \
         FROM staff_sessions s JOIN staff_members m ON m.id = s.staff_id \
         WHERE s.token_hash = $1 AND m.disabled_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

pub async fn touch_session(db: &Db, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

pub async fn delete_session(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM staff_sessions WHERE id = $1")
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// One audit row (never updated nor deleted).
pub struct AuditRow<'a> {
    pub at: i64,
    pub staff_id: &'a str,
    pub staff_email: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

pub async fn insert_audit(db: &Db, r: &AuditRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO staff_audit (id, at, staff_id, staff_email, action, target, detail, ip, user_agent) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(r.at)
    .bind(r.staff_id)
    .bind(r.staff_email)
    .bind(r.action)
    .bind(r.target)
    .bind(r.detail)
    .bind(r.ip)
    .bind(r.user_agent)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// An audit row as read: (id, at, staff email, action, target, detail, ip).
pub type AuditLine = (String, i64, String, String, String, String, String);

/// Audit rows before the keyset position (at, id), newest first.
pub async fn audit_page(
    db: &Db,
    (at, id): (i64, &str),
    limit: i64,
) -> Result<Vec<AuditLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, at, staff_email, action, target, detail, ip FROM staff_audit \
         WHERE at < $1 OR (at = $1 AND id < $2) ORDER BY at DESC, id DESC LIMIT $3",
    )
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(db)
    .await
}
