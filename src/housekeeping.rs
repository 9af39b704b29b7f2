//! The periodic job (SECURITY 36): every 30 s one node — whichever holds the lease row —
//! finishes half-way payments, cancels unpaid orders past their deadline, moves demo orders
//! along, and deletes what has served its time, in batches. Every node reloads its pickup-point
//! index when the network changed (that is per node, not under the lease).

use crate::error::AppResult;
use crate::limits::{DAY_MS, HOUR_MS};
use crate::state::AppState;
use std::time::Duration;

/// A demo order's time at each step (`KABINET_DEMO_DELIVERY=1`).
const DEMO_DELIVERY_STEP_MS: i64 = 60_000;
/// How long a lease lasts: a node that died lets another take over after this.
const LEASE_MS: i64 = 90_000;
/// Rows deleted per statement, so a big backlog never holds a long write lock.
const BATCH: i64 = 1_000;

pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let holder = crate::db::new_id();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(30)) => {}
            _ = stop.changed() => return,
        }
        match take_lease(&state, "housekeeping", &holder).await {
            Ok(true) => {
                if let Err(e) = tick(&state).await {
                    tracing::warn!(code = e.code, "housekeeping failed");
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(code = e.code, "housekeeping lease failed"),
        }
        match state.points.refresh(&state.db).await {
            Ok(false) => {}
            Ok(true) => tracing::info!(points = state.points.len(), "pickup points reloaded"),
            Err(e) => tracing::warn!(error = %e, "pickup-point reload failed"),
        }
    }
}

/// Takes (or renews) the lease `name` for `holder`: one conditional statement, so of several
/// nodes exactly one holds it until it lapses.
pub async fn take_lease(state: &AppState, name: &str, holder: &str) -> AppResult<bool> {
    let now = state.clock.now_ms();
    sqlx::query(
        "INSERT INTO leases (name, holder, until) VALUES ($1, '', 0) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .execute(&state.db)
    .await?;
    let taken = sqlx::query(
        "UPDATE leases SET holder = $1, until = $2 WHERE name = $3 AND (until < $4 OR holder = $1)",
    )
    .bind(holder)
    .bind(now + LEASE_MS)
    .bind(name)
    .bind(now)
    .execute(&state.db)
    .await?
    .rows_affected();
    Ok(taken == 1)
}

/// One pass of the job (the lease already held).
pub async fn tick(state: &AppState) -> AppResult<()> {
    match crate::orders::cancel_overdue(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(cancelled = n, "unpaid orders cancelled"),
        Err(e) => tracing::warn!(code = e.code, "unpaid-order sweep failed"),
    }
    if state.config.demo_delivery {
        match crate::orders::demo_delivery_tick(state, DEMO_DELIVERY_STEP_MS).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(moved = n, "demo delivery moved orders along"),
            Err(e) => tracing::warn!(code = e.code, "demo delivery failed"),
        }
    }
    let removed = sweep(state).await?;
    if removed > 0 {
        tracing::info!(rows = removed, "expired rows deleted");
    }
    Ok(())
}

/// Deletes what has served its time; returns how many rows went.
pub async fn sweep(state: &AppState) -> AppResult<u64> {
    let now = state.clock.now_ms();
    let c = &state.config;
    let idle_session = now - c.limits.session_idle_days * DAY_MS;
    let guest_cart = now - c.guest_cart_days * DAY_MS;
    let log = now - c.security_log_days * DAY_MS;
    // (table, key column, condition with $1 = the cut-off)
    let jobs: [(&str, &str, &str, i64); 10] = [
        // Used and expired code flows (a sign-up's payload holds an Argon2 hash).
        ("auth_flows", "id", "expires_at < $1", now - HOUR_MS),
        ("captchas", "id", "expires_at < $1", now),
        ("sessions", "id", "expires_at < $1", now),
        ("sessions", "id", "last_seen_at < $1", idle_session),
        ("recovery_tokens", "id", "expires_at < $1", now),
        ("contact_changes", "id", "expires_at < $1", now),
        ("rate_gates", "key", "until < $1", now),
        ("login_failures", "login", "last_at < $1", now - HOUR_MS),
        ("contact_locks", "contact", "locked_until < $1", now),
        ("security_events", "id", "at < $1", log),
    ];
    let mut removed = 0;
    for (table, key, cond, cutoff) in jobs {
        let sql = format!(
            "DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {table} WHERE {cond} LIMIT {BATCH})"
        );
        loop {
            let n = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(cutoff)
                .execute(&state.db)
                .await?
                .rows_affected();
            removed += n;
            if n < BATCH as u64 {
                break;
            }
        }
    }
    // Guest carts none of whose lines was touched for the configured days (a cart goes whole).
    loop {
        let n = sqlx::query(
            "DELETE FROM cart_lines WHERE owner IN (SELECT owner FROM cart_lines \
             WHERE owner NOT IN (SELECT id FROM customers) GROUP BY owner HAVING MAX(added_at) < $1 LIMIT 1000)",
        )
        .bind(guest_cart)
        .execute(&state.db)
        .await?
        .rows_affected();
        removed += n;
        if n == 0 {
            break;
        }
    }
    // Counters of windows that have ended (several rows per key: no single-column key).
    removed += sqlx::query("DELETE FROM rate_counters WHERE expires_at < $1")
        .bind(now)
        .execute(&state.db)
        .await?
        .rows_affected();
    Ok(removed)
}
