//! Limits that hold under concurrency and across nodes (SECURITY 8a).
//!
//! Every limit is *reserved* before the work it guards, by one conditional statement that
//! increments a counter only while it is under its cap and says whether it did. A hundred
//! simultaneous requests therefore find the exact cap, on SQLite and PostgreSQL alike, and on
//! any number of nodes sharing the database. Never "count rows, then insert".
//!
//! Two shapes:
//! - a **counter** per key and fixed window (an hour, a day): `reserve` → `Some(n)` (this is
//!   the n-th in the window) or `None` (the cap is reached); `release` gives one back (a
//!   reservation whose action turned out not to count, e.g. a correct code);
//! - a **gate** per key: the earliest time the next action may happen (resend cooldowns).
//!
//! Windows are fixed (an hour starts on the hour, a day at 00:00 UTC): a window's end is the
//! `Retry-After`.

pub mod store;

use crate::db::Db;
use sqlx::{Any, Executor};
use std::net::IpAddr;

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 86_400_000;

/// A counter's fixed window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: i64,
    pub len: i64,
}

impl Window {
    pub fn of(now: i64, len: i64) -> Self {
        Self {
            start: now.div_euclid(len) * len,
            len,
        }
    }
    pub fn end(self) -> i64 {
        self.start + self.len
    }
    /// Whole seconds until the window ends (at least 1).
    pub fn retry_after_secs(self, now: i64) -> i64 {
        ceil_secs(self.end() - now).max(1)
    }
}

pub fn ceil_secs(ms: i64) -> i64 {
    (ms + 999).div_euclid(1000)
}

/// Reserves one unit of `key` in the window of `len` ms around `now`, if fewer than `cap`
/// are taken. `Some(n)`: reserved, the n-th in the window; `None`: the cap is reached.
pub async fn reserve<'e, E>(
    db: E,
    key: &str,
    len: i64,
    cap: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    if cap <= 0 {
        return Ok(None);
    }
    let w = Window::of(now, len);
    store::increment_below(db, key, w.start, w.end(), cap).await
}

/// [`reserve`] for several `(key, len, cap)` at once, in one statement, inside the caller's
/// transaction. The answers are in the order given; when any is `None` (at its cap) the others
/// were counted all the same, so the caller that refuses must roll its transaction back.
/// Keys must differ.
pub async fn reserve_each(
    conn: &mut crate::db::Conn,
    counters: &[(&str, i64, i64)],
    now: i64,
) -> Result<Vec<Option<i64>>, sqlx::Error> {
    let open: Vec<(&str, i64, i64, i64)> = counters
        .iter()
        .filter(|&&(_, _, cap)| cap > 0)
        .map(|&(key, len, cap)| {
            let w = Window::of(now, len);
            (key, w.start, w.end(), cap)
        })
        .collect();
    let mut counted = store::increment_each_below(conn, &open).await?.into_iter();
    // A cap of 0 or less refuses without counting, as [`reserve`] does.
    Ok(counters
        .iter()
        .map(|&(_, _, cap)| {
            if cap > 0 {
                counted.next().flatten()
            } else {
                None
            }
        })
        .collect())
}

/// Gives back one unit reserved by [`reserve`] in the same window.
pub async fn release<'e, E>(db: E, key: &str, len: i64, now: i64) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    store::decrement(db, key, Window::of(now, len).start).await
}

/// How many units of `key` are taken in the current window (for display, never for deciding).
pub async fn taken(db: &Db, key: &str, len: i64, now: i64) -> Result<i64, sqlx::Error> {
    Ok(store::counter(db, key, Window::of(now, len).start)
        .await?
        .unwrap_or(0))
}

/// Passes the gate of `key` if it is open at `now`, closing it until `until`. `Ok(None)`:
/// passed; `Ok(Some(t))`: closed until `t`.
pub async fn pass_gate(
    conn: &mut crate::db::Conn,
    key: &str,
    now: i64,
    until: i64,
) -> Result<Option<i64>, sqlx::Error> {
    if store::close_gate_if_open(&mut *conn, key, now, until).await? {
        return Ok(None);
    }
    let closed = store::gate(&mut *conn, key).await?;
    Ok(Some(closed.unwrap_or(now)))
}

/// When the gate of `key` opens (0 when it is open or was never closed).
pub async fn gate_until(db: &Db, key: &str) -> Result<i64, sqlx::Error> {
    Ok(store::gate(db, key).await?.unwrap_or(0))
}

/// Opens the gate of `key` now (e.g. a used code: the next sign-in need not wait).
pub async fn open_gate<'e, E>(db: E, key: &str) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    store::open_gate(db, key).await
}

/// A client address as limits count it: IPv4 as is (an IPv4-mapped IPv6 address too), IPv6
/// by its /64 (one subscriber's network).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// [`address_key`] of an address as text (as the request's actor carries it); text that is
/// not an address is used as it is.
pub fn address_key_of(ip: &str) -> String {
    ip.parse::<IpAddr>()
        .map(address_key)
        .unwrap_or_else(|_| ip.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_fixed_and_retry_after_their_end() {
        let w = Window::of(3 * HOUR_MS + 1_500, HOUR_MS);
        assert_eq!(w.start, 3 * HOUR_MS);
        assert_eq!(w.end(), 4 * HOUR_MS);
        assert_eq!(w.retry_after_secs(4 * HOUR_MS - 1), 1);
        assert_eq!(w.retry_after_secs(3 * HOUR_MS), 3600);
    }

    #[test]
    fn ipv6_counts_by_its_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2a02:6b8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2a02:6b8:1:2:bbbb:cccc::9".parse().unwrap();
        let c: IpAddr = "2a02:6b8:1:3::1".parse().unwrap();
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        let mapped: IpAddr = "::ffff:10.1.2.3".parse().unwrap();
        assert_eq!(address_key(mapped), "10.1.2.3");
        assert_eq!(address_key_of("10.1.2.3"), "10.1.2.3");
    }
}
