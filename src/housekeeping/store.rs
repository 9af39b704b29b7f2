//! The periodic job's SQL: the lease rows that choose the node doing the job, and the retention
//! sweeps (rows past their time in the tables of auth, sessions, recovery, limits, carts and the
//! security log).

use crate::db::Db;
use crate::db::autocommit;

/// Makes sure the lease row `name` exists (held by no one, lapsed, when new).
pub async fn ensure_lease(db: &Db, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO leases (name, holder, until) VALUES ($1, '', 0) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// Lets the lease `name` lapse now if `holder` has it (a node stopping cleanly).
pub async fn release_lease(db: &Db, name: &str, holder: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE leases SET until = 0 WHERE name = $1 AND holder = $2")
        .bind(name)
        .bind(holder)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

/// Gives the lease `name` to `holder` until `until` if it lapsed before `now` or `holder`
/// already has it: one conditional statement, so of several nodes exactly one gets it. Returns
/// whether `holder` did.
pub async fn take_lease(
    db: &Db,
    name: &str,
    holder: &str,
    until: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let taken = sqlx::query(
        "UPDATE leases SET holder = $1, until = $2 WHERE name = $3 AND (until < $4 OR holder = $1)",
    )
    .bind(holder)
    .bind(until)
    .bind(name)
    .bind(now)
    .execute(autocommit(db))
    .await?
    .rows_affected();
    Ok(taken == 1)
}

/// Rows that expire by a time column, each compared with a cut-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiring {
    /// Code flows by `expires_at`.
    AuthFlows,
    /// Captchas by `expires_at`.
    Captchas,
    /// Sessions by `expires_at`.
    SessionsExpired,
    /// Sessions by `last_seen_at` (idle ones).
    SessionsIdle,
    /// Recovery tokens by `expires_at`.
    RecoveryTokens,
    /// Contact changes by `expires_at`.
    ContactChanges,
    /// Rate gates by `until`.
    RateGates,
    /// Login failures by `last_at`.
    LoginFailures,
    /// Contact locks by `locked_until`.
    ContactLocks,
    /// The security log by `at`.
    SecurityEvents,
    /// Staff sessions by `expires_at`.
    StaffSessionsExpired,
    /// Staff sessions by `last_seen_at` (idle ones).
    StaffSessionsIdle,
    /// Staff enrolment links by `expires_at`.
    StaffEnrolments,
}

impl Expiring {
    /// (table, key column, condition with $1 = the cut-off)
    fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Expiring::AuthFlows => ("auth_flows", "id", "expires_at < $1"),
            Expiring::Captchas => ("captchas", "id", "expires_at < $1"),
            Expiring::SessionsExpired => ("sessions", "id", "expires_at < $1"),
            Expiring::SessionsIdle => ("sessions", "id", "last_seen_at < $1"),
            Expiring::RecoveryTokens => ("recovery_tokens", "id", "expires_at < $1"),
            Expiring::ContactChanges => ("contact_changes", "id", "expires_at < $1"),
            Expiring::RateGates => ("rate_gates", "key", "until < $1"),
            Expiring::LoginFailures => ("login_failures", "login", "last_at < $1"),
            Expiring::ContactLocks => ("contact_locks", "contact", "locked_until < $1"),
            Expiring::SecurityEvents => ("security_events", "id", "at < $1"),
            Expiring::StaffSessionsExpired => ("staff_sessions", "id", "expires_at < $1"),
            Expiring::StaffSessionsIdle => ("staff_sessions", "id", "last_seen_at < $1"),
            Expiring::StaffEnrolments => ("staff_enrolments", "token_hash", "expires_at < $1"),
        }
    }
}

/// Deletes up to `batch` rows of `what` older than `cutoff`; returns how many went.
pub async fn delete_expired(
    db: &Db,
    what: Expiring,
    cutoff: i64,
    batch: i64,
) -> Result<u64, sqlx::Error> {
    let (table, key, cond) = what.parts();
    let sql = format!(
        "DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {table} WHERE {cond} LIMIT {batch})"
    );
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(cutoff)
        .execute(autocommit(db))
        .await?
        .rows_affected())
}

/// Deletes the lines of up to a thousand guest carts (owners that are no customer) none of
/// whose lines was added since `cutoff` (a cart goes whole); returns how many lines went.
pub async fn delete_stale_guest_carts(db: &Db, cutoff: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM cart_lines WHERE owner IN (SELECT owner FROM cart_lines \
         WHERE owner NOT IN (SELECT id FROM customers) GROUP BY owner HAVING MAX(added_at) < $1 LIMIT 1000)",
    )
    .bind(cutoff)
    .execute(autocommit(db))
    .await?
    .rows_affected())
}

/// Deletes the rate counters of windows that ended before `now`; returns how many went.
pub async fn delete_ended_rate_counters(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM rate_counters WHERE expires_at < $1")
            .bind(now)
            .execute(autocommit(db))
            .await?
            .rows_affected(),
    )
}
