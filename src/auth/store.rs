//! Sign-in's SQL: sessions (`sessions`), failed password sign-ins (`login_failures`) and
//! captchas (`captchas`). The code flows keep theirs in `codes/store.rs`; customers are changed
//! through `crate::customers::store`.

use crate::customers::CustomerRow;
use crate::db::Db;
use crate::db::autocommit;

/// A new session row.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub customer_id: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub ip: &'a str,
    pub user_agent: &'a str,
    pub method: &'a str,
}

#[tracing::instrument(skip_all)]
pub async fn insert_session<'e, E>(db: E, s: &NewSession<'_>) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO sessions (id, token_hash, customer_id, created_at, authenticated_at, last_seen_at, \
         expires_at, ip, user_agent, method) VALUES ($1, $2, $3, $4, $4, $4, $5, $6, $7, $8)",
    )
    .bind(s.id)
    .bind(s.token_hash)
    .bind(s.customer_id)
    .bind(s.now)
    .bind(s.expires_at)
    .bind(s.ip)
    .bind(s.user_agent)
    .bind(s.method)
    .execute(db)
    .await?;
    Ok(())
}

/// What [`crate::auth::lookup`] checks of a session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub session_id: String,
    pub authenticated_at: i64,
    pub session_seen_at: i64,
    pub expires_at: i64,
}

const SESSION_BY_TOKEN_HASH: &str = "SELECT s.id AS session_id, s.authenticated_at, s.last_seen_at AS session_seen_at, s.expires_at, \
    c.id, c.first_name, c.last_name, c.patronymic, c.address_as, c.phone, c.email, c.email_verified, \
    c.last_seen_at, c.contact_hold_until, c.password_hash FROM sessions s JOIN customers c ON c.id = s.customer_id WHERE s.token_hash = $1";

/// [`session_by_token_hash`] on one of the SQLite readers ([`crate::db::readers`]): the same
/// statement (SQLite numbers `$1` as the first parameter), decoded by rusqlite.
pub fn session_by_token_hash_sqlite(
    conn: &rusqlite::Connection,
    token_hash: &str,
) -> rusqlite::Result<Option<(SessionRow, CustomerRow)>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached(SESSION_BY_TOKEN_HASH)?
        .query_row([token_hash], |r| {
            Ok((
                SessionRow {
                    session_id: r.get(0)?,
                    authenticated_at: r.get(1)?,
                    session_seen_at: r.get(2)?,
                    expires_at: r.get(3)?,
                },
                CustomerRow {
                    id: r.get(4)?,
                    first_name: r.get(5)?,
                    last_name: r.get(6)?,
                    patronymic: r.get(7)?,
                    address_as: r.get(8)?,
                    phone: r.get(9)?,
                    email: r.get(10)?,
                    email_verified: r.get(11)?,
                    last_seen_at: r.get(12)?,
                    contact_hold_until: r.get(13)?,
                    password_hash: r.get(14)?,
                },
            ))
        })
        .optional()
}

/// PostgreSQL: the triggers behind [`crate::auth::lookup`]'s cache. When a session is deleted,
/// or a customer changed or deleted, `NOTIFY kabinet_auth, '<customer id>'` goes out as the
/// transaction commits. Installed at every start (idempotent; one node at a time).
pub async fn install_change_triggers(db: &Db) -> Result<(), sqlx::Error> {
    use sqlx::Executor;
    let mut tx = db.begin().await?;
    tx.execute(
        "SELECT 1 FROM (SELECT pg_advisory_xact_lock(7218400113)) l; \
         CREATE OR REPLACE FUNCTION kabinet_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$ \
         BEGIN \
           IF TG_TABLE_NAME = 'sessions' THEN PERFORM pg_notify('kabinet_auth', OLD.customer_id); \
           ELSE PERFORM pg_notify('kabinet_auth', OLD.id); END IF; \
           RETURN NULL; \
         END $fn$; \
         CREATE OR REPLACE TRIGGER kabinet_session_ended AFTER DELETE ON sessions \
           FOR EACH ROW EXECUTE FUNCTION kabinet_auth_changed(); \
         CREATE OR REPLACE TRIGGER kabinet_customer_changed AFTER UPDATE OR DELETE ON customers \
           FOR EACH ROW EXECUTE FUNCTION kabinet_auth_changed();",
    )
    .await?;
    tx.commit().await
}

/// The session with this token hash and its customer, read together (one query on every
/// signed-in request). The customer's columns are those of `customers::store::by_id`.
#[tracing::instrument(skip_all)]
pub async fn session_by_token_hash(
    db: &Db,
    token_hash: &str,
) -> Result<Option<(SessionRow, CustomerRow)>, sqlx::Error> {
    use sqlx::FromRow;
    let row: Option<sqlx::any::AnyRow> = sqlx::query(SESSION_BY_TOKEN_HASH)
        .bind(token_hash)
        .fetch_optional(db)
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some((
        SessionRow::from_row(&row)?,
        CustomerRow::from_row(&row)?,
    )))
}

pub async fn delete_session(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Records that the session was used at `now`.
pub async fn touch_session(db: &Db, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// A session as listed: (id, created at, last seen at, ip, user agent, method).
pub type SessionListRow = (String, i64, i64, String, String, String);

/// The customer's sessions, most recently used first.
pub async fn sessions_of(db: &Db, customer_id: &str) -> Result<Vec<SessionListRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, created_at, last_seen_at, ip, user_agent, method FROM sessions \
         WHERE customer_id = $1 ORDER BY last_seen_at DESC, id",
    )
    .bind(customer_id)
    .fetch_all(db)
    .await
}

/// Deletes the session `id` if it is the customer's; how many rows went (0 or 1).
pub async fn delete_own_session(db: &Db, id: &str, customer_id: &str) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE id = $1 AND customer_id = $2")
            .bind(id)
            .bind(customer_id)
            .execute(autocommit(db))
            .await?
            .rows_affected(),
    )
}

/// Deletes every session of the customer except `keep` (`""` keeps none); how many went.
pub async fn delete_sessions_except(
    db: &Db,
    customer_id: &str,
    keep: &str,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE customer_id = $1 AND id <> $2")
            .bind(customer_id)
            .bind(keep)
            .execute(autocommit(db))
            .await?
            .rows_affected(),
    )
}

/// Deletes every session of the customer (their tokens stop working at once).
pub async fn delete_sessions_of(db: &Db, customer_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE customer_id = $1")
        .bind(customer_id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Counts a password try of `login` if it is under `cap` failures, or if its last failure is
/// at or before `fade` (it then starts again at 1): one conditional upsert. True when counted;
/// false when the login is at the cap (nothing changed).
pub async fn count_password_try(
    db: &Db,
    login: &str,
    now: i64,
    fade: i64,
    cap: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar::<_, i64>(
        "INSERT INTO login_failures (login, failures, last_at) VALUES ($1, 1, $2) \
         ON CONFLICT (login) DO UPDATE SET \
         failures = CASE WHEN login_failures.last_at <= $3 THEN 1 ELSE login_failures.failures + 1 END, \
         last_at = $2 \
         WHERE login_failures.last_at <= $3 OR login_failures.failures < $4 RETURNING failures",
    )
    .bind(login)
    .bind(now)
    .bind(fade)
    .bind(cap)
    .fetch_optional(crate::db::autocommit(db))
    .await?
    .is_some())
}

/// Gives back a try counted by [`count_password_try`], never below zero.
pub async fn uncount_password_try(db: &Db, login: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE login_failures SET failures = failures - 1 WHERE login = $1 AND failures > 0",
    )
    .bind(login)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// One more failure of `login` at `now`, past the cap (no condition).
pub async fn add_password_failure(db: &Db, login: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE login_failures SET failures = failures + 1, last_at = $2 WHERE login = $1")
        .bind(login)
        .bind(now)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Forgets the failures of `login`.
pub async fn clear_password_failures<'e, E>(db: E, login: &str) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("DELETE FROM login_failures WHERE login = $1")
        .bind(login)
        .execute(db)
        .await?;
    Ok(())
}

/// The failures of `login` and the time of the last one, if any are kept.
pub async fn password_failures(db: &Db, login: &str) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT failures, last_at FROM login_failures WHERE login = $1")
        .bind(login)
        .fetch_optional(db)
        .await
}

pub async fn insert_captcha(
    db: &Db,
    id: &str,
    answer_hash: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO captchas (id, answer_hash, expires_at) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(answer_hash)
        .bind(expires_at)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Marks the captcha used if it is unused and unexpired at `now` (one conditional update);
/// its answer hash when it was.
pub async fn use_captcha(db: &Db, id: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE captchas SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1 RETURNING answer_hash",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(crate::db::autocommit(db))
    .await
}
