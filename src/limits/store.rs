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

/// [`increment_below`] for several counters in one statement: each `(key, window_start,
/// expires_at, cap)` is counted only while below its own cap. Returns, in the order given,
/// each counter's new value, `None` for one at its cap (unchanged). The others ARE counted:
/// a caller that refuses because one is at its cap rolls its transaction back.
pub async fn increment_each_below(
    conn: &mut crate::db::Conn,
    counters: &[(&str, i64, i64, i64)],
) -> Result<Vec<Option<i64>>, sqlx::Error> {
    if counters.is_empty() {
        return Ok(Vec::new());
    }
    // Placeholders only: every value is bound.
    let values: Vec<String> = (0..counters.len())
        .map(|i| format!("(${}, ${}, 1, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
        .collect();
    let base = 3 * counters.len();
    let caps: Vec<String> = (0..counters.len())
        .map(|i| format!("WHEN ${} THEN ${}", 3 * i + 1, base + i + 1))
        .collect();
    let sql = format!(
        "INSERT INTO rate_counters (key, window_start, n, expires_at) VALUES {} \
         ON CONFLICT (key, window_start) DO UPDATE SET n = rate_counters.n + 1 \
         WHERE rate_counters.n < CASE rate_counters.key {} END RETURNING key, n",
        values.join(", "),
        caps.join(" ")
    );
    let mut q = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql));
    for &(key, window_start, expires_at, _) in counters {
        q = q.bind(key).bind(window_start).bind(expires_at);
    }
    for &(_, _, _, cap) in counters {
        q = q.bind(cap);
    }
    let counted = q.fetch_all(&mut *conn).await?;
    Ok(counters
        .iter()
        .map(|&(key, ..)| counted.iter().find(|(k, _)| k == key).map(|&(_, n)| n))
        .collect())
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
    conn: &mut crate::db::Conn,
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
