//! The periodic job (SECURITY 36): every 30 s one node — whichever holds the lease row —
//! finishes half-way payments, cancels unpaid orders past their deadline, moves demo orders
//! along, expires points a year old, and deletes what has served its time, in batches. Every node reloads its pickup-point
//! index when the network changed (that is per node, not under the lease).

pub mod store;

use crate::error::AppResult;
use crate::limits::{DAY_MS, HOUR_MS};
use crate::state::AppState;
use std::time::Duration;
use store::Expiring;

/// A demo order's time at each step (`KABINET_DEMO_DELIVERY=1`).
const DEMO_DELIVERY_STEP_MS: i64 = 60_000;
/// How long a lease lasts, in periods of the job: a holder that missed a tick keeps it, and a
/// node that died lets another take over at most this long after its last tick.
const LEASE_PERIODS: i64 = 3;
/// Rows deleted per statement, so a big backlog never holds a long write lock.
const BATCH: i64 = 1_000;

pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    // `host:port#pid`: which node and process holds the lease (operators read `leases`).
    let holder = state.process();
    let period = Duration::from_secs(state.config.housekeeping_secs);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = stop.changed() => {
                // Stopping: another node takes the job over at its next tick, not a lease later.
                if let Err(e) = store::release_lease(&state.db, "housekeeping", &holder).await {
                    tracing::warn!(error = %e, "housekeeping lease not released");
                }
                crate::telemetry::lease("housekeeping", false);
                return;
            }
        }
        let held = take_lease(&state, "housekeeping", &holder).await;
        crate::telemetry::lease("housekeeping", matches!(held, Ok(true)));
        match held {
            Ok(true) => {
                if let Err(e) = tick(&state).await {
                    tracing::warn!(code = e.code, "housekeeping failed");
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(code = e.code, "housekeeping lease failed"),
        }
        state.points.keep_current(&state.db).await;
    }
}

/// Takes (or renews) the lease `name` for `holder`: one conditional statement, so of several
/// nodes exactly one holds it until it lapses.
pub async fn take_lease(state: &AppState, name: &str, holder: &str) -> AppResult<bool> {
    let now = state.clock.now_ms();
    store::ensure_lease(&state.db, name).await?;
    let lease_ms = LEASE_PERIODS * 1_000 * state.config.housekeeping_secs as i64;
    Ok(store::take_lease(&state.db, name, holder, now + lease_ms, now).await?)
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
    match crate::returns::finish_card_refunds(state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(refunded = n, "return refunds finished"),
        Err(e) => tracing::warn!(code = e.code, "return refunds failed"),
    }
    match crate::loyalty::expire(&state.db, state.clock.now_ms()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(lots = n, "points expired"),
        Err(e) => tracing::warn!(error = %e, "points expiry failed"),
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
    // (what, rows older than this go)
    // Staff sessions end after 30 idle minutes (the console's rule, `staff::IDLE_MS`).
    let idle_staff = now - 30 * 60_000;
    let jobs: [(Expiring, i64); 13] = [
        // Used and expired code flows (a sign-up's payload holds an Argon2 hash).
        (Expiring::AuthFlows, now - HOUR_MS),
        (Expiring::Captchas, now),
        (Expiring::SessionsExpired, now),
        (Expiring::SessionsIdle, idle_session),
        (Expiring::RecoveryTokens, now),
        (Expiring::ContactChanges, now),
        (Expiring::RateGates, now),
        (Expiring::LoginFailures, now - HOUR_MS),
        (Expiring::ContactLocks, now),
        (Expiring::SecurityEvents, log),
        (Expiring::StaffSessionsExpired, now),
        (Expiring::StaffSessionsIdle, idle_staff),
        (Expiring::StaffEnrolments, now),
    ];
    let mut removed = 0;
    for (what, cutoff) in jobs {
        loop {
            let n = store::delete_expired(&state.db, what, cutoff, BATCH).await?;
            removed += n;
            if n < BATCH as u64 {
                break;
            }
        }
    }
    // Guest carts none of whose lines was touched for the configured days (a cart goes whole).
    loop {
        let n = store::delete_stale_guest_carts(&state.db, guest_cart).await?;
        removed += n;
        if n == 0 {
            break;
        }
    }
    // Counters of windows that have ended (several rows per key: no single-column key).
    removed += store::delete_ended_rate_counters(&state.db, now).await?;
    Ok(removed)
}
