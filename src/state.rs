//! What every request and job shares: the database, the configuration, the clock, derived keys,
//! the message queue, the password hasher, the pickup-network index and a few constants of the
//! running node. It holds only floor-level services, so every capability may take it without
//! importing the assembly (`app`) that builds it.

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::notify::Notifier;
use std::ops::Deref;
use std::sync::Arc;

pub struct Inner {
    pub db: Db,
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    /// Keys derived from the server secret, one per purpose (SECURITY 3, 34).
    pub keys: crate::keys::Keys,
    pub notifier: Notifier,
    /// Argon2id with a bounded pool (SECURITY 15).
    pub hasher: crate::password::Hasher,
    /// Host of the base URL, for the WebOTP line of SMS texts.
    pub host: String,
    /// The configured public URL, without a trailing slash.
    pub base_url: String,
    pub cookie_name: &'static str,
    /// The staff console's session cookie (never the customers').
    pub staff_cookie_name: &'static str,
    pub openapi_json: String,
    /// The shop's time zone: pages and messages show times in it.
    pub zone: jiff::tz::TimeZone,
    /// The acquirer payments go to (the sandbox unless another provider is configured).
    pub payments: Arc<dyn crate::payments::PaymentProvider>,
    /// The fiscal operator that registers 54-ФЗ receipts (the sandbox unless another is
    /// configured).
    pub fiscal: Arc<dyn crate::fiscal::FiscalOperator>,
    /// Pickup points and lockers in an R-tree for nearest search (reloaded on change).
    pub points: crate::points::PointIndex,
    /// Read-only SQLite connections used on the calling thread for the hottest bounded reads
    /// (the session of a request, the API's order and purchase pages); `None` on PostgreSQL
    /// and in-memory SQLite.
    pub readers: Option<Arc<crate::db::readers::SqliteReaders>>,
    /// Set when the node was told to stop: `/readyz` answers 503 so that the load balancer
    /// sends it nothing new while it finishes (see [`crate::config::Config::drain`]).
    pub draining: std::sync::atomic::AtomicBool,
    /// Which node this is, `host:port` (lease holders say it, with the process id).
    pub node: String,
}

impl Inner {
    /// This process, `host:port#pid`: how lease rows and notices between nodes name it.
    pub fn process(&self) -> String {
        format!("{}#{}", self.node, std::process::id())
    }
}

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
