//! The limits' SQL: the counters (`rate_counters`) and the gates (`rate_gates`). Every write is
//! one conditional statement; windows, caps and what a refusal means are the rules in
//! [`crate::limits`].

use crate::db::Db;
use sqlx::{Any, Executor};

/// Adds one to the counter of `key` in the window that starts at `window_start` (creating it,
/// to expire at `expires_at`) only while it is below `cap`: one conditional upsert.
/// `Some(n)`: counted, the counter is now `n`; `None`: it is at the cap, nothing changed.
pub async fn increment_below<'e, E>(
    db: E,
    key: &str,
    window_start: i64,
    expires_at: i64,
    cap: i64,
) -> Result<Option<i64>, sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query_scalar(
        "INSERT INTO rate_counters (key, window_start, n, expires_at) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (key, window_start) DO UPDATE SET n = rate_counters.n + 1 \
         WHERE rate_counters.n < $4 RETURNING n",
    )
    .bind(key)
    .bind(window_start)
    .bind(expires_at)
    .bind(cap)
    .fetch_optional(db)
    .await
}

/// Takes one from the counter of `key` in the window that starts at `window_start`, never
/// below zero.
pub async fn decrement<'e, E>(db: E, key: &str, window_start: i64) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "UPDATE rate_counters SET n = n - 1 WHERE key = $1 AND window_start = $2 AND n > 0",
    )
    .bind(key)
    .bind(window_start)
    .execute(db)
    .await?;
    Ok(())
}

/// The counter of `key` in the window that starts at `window_start`, if it exists.
pub async fn counter(db: &Db, key: &str, window_start: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT n FROM rate_counters WHERE key = $1 AND window_start = $2")
        .bind(key)
        .bind(window_start)
        .fetch_optional(db)
        .await
}

/// Closes the gate of `key` until `until` if it is open at `now` (or was never closed): one
/// conditional upsert. True when it was open, i.e. the caller passed.
pub async fn close_gate_if_open(
    conn: &mut sqlx::AnyConnection,
    key: &str,
    now: i64,
    until: i64,
) -> Result<bool, sqlx::Error> {
    let passed: Option<i64> = sqlx::query_scalar(
        "INSERT INTO rate_gates (key, until) VALUES ($1, $3) ON CONFLICT (key) DO UPDATE \
         SET until = $3 WHERE rate_gates.until <= $2 RETURNING until",
    )
    .bind(key)
    .bind(now)
    .bind(until)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(passed.is_some())
}

/// Until when the gate of `key` is closed, if it has a row.
pub async fn gate<'e, E>(db: E, key: &str) -> Result<Option<i64>, sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query_scalar("SELECT until FROM rate_gates WHERE key = $1")
        .bind(key)
        .fetch_optional(db)
        .await
}

/// Opens the gate of `key` (its row, when there is one, says "open since 0").
pub async fn open_gate<'e, E>(db: E, key: &str) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query("UPDATE rate_gates SET until = 0 WHERE key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}
