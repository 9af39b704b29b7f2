//! Finding the session of a request without a database round trip (issue 14): every signed-in
//! request needs it, and through sqlx it cost several times what the rest of `GET /me` does.
//!
//! - **SQLite** (one node): read-only rusqlite connections read the committed session row on the
//!   calling thread ([`crate::db::readers`]). Nothing is cached, so a sign-out is seen by the very
//!   next request.
//! - **PostgreSQL** (several nodes): a bounded in-process cache of resolved sessions. Triggers on
//!   `sessions` (delete) and `customers` (update, delete) send `NOTIFY kabinet_auth, '<customer
//!   id>'` when the change commits; every node listens ([`crate::db::changes`]) and forgets that
//!   customer's entries, so a session ended on any node, by any job or command, is refused on
//!   every node (SECURITY 21). A notice comes a moment after its commit, so before answering
//!   from memory a request waits for a fence ([`crate::db::changes::Fence`]): by then every
//!   change committed before the request arrived has been heard — a sign-out answered a moment
//!   ago, here or on another node, is refused. Requests arriving together share one fence.
//!   While the listener is down the cache is not used, and it is emptied whenever the listener
//!   (re)connects. An entry is used for at most a minute, and only while its session is well
//!   inside both expiries; otherwise the database decides.

use super::store::{self, SessionRow};
use crate::customers::{Authenticated, CustomerRow};
use crate::db::changes::{Fence, Notice};
use crate::db::readers::SqliteReaders;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Only touch `last_seen_at` once a minute: a read must not become a write every time.
pub const TOUCH_EVERY_MS: i64 = 60_000;

/// The channel the triggers notify on.
pub const CHANNEL: &str = "kabinet_auth";

/// How long a request waits for its fence before asking the database instead.
const FENCE_WAIT: Duration = Duration::from_secs(2);

/// Sessions kept per node (an entry is a few hundred bytes).
const CACHE_ENTRIES: u64 = 100_000;

/// How a node finds sessions; one per application, given to requests as an extension.
pub struct SessionLookup {
    how: How,
}

enum How {
    /// Every lookup is a query (an in-memory SQLite database, or a router built without one).
    Database,
    Sqlite(Arc<SqliteReaders>),
    Cached(Cached),
}

struct Cached {
    fence: Arc<Fence>,
    entries: moka::sync::Cache<[u8; 32], Arc<(SessionRow, CustomerRow)>>,
    /// The listener is connected: entries are forgotten when they change.
    live: AtomicBool,
    /// The same, for whoever waits for it (tests, before they look at the cache).
    went_live: tokio::sync::watch::Sender<bool>,
    /// Moves on every notice, so a lookup that raced a change does not cache what it read.
    generation: AtomicU64,
}

/// The lookup used when a request carries none: straight to the database.
pub static DIRECT: SessionLookup = SessionLookup { how: How::Database };

impl SessionLookup {
    #[cfg(test)]
    fn for_url(url: &str) -> Self {
        Self::new(url, SqliteReaders::for_url(url).map(Arc::new))
    }

    /// The fastest safe lookup for this database (see the module docs), reading SQLite
    /// through `readers` (the application's, shared with other reads).
    pub fn new(url: &str, readers: Option<Arc<SqliteReaders>>) -> Self {
        let how = if crate::db::is_sqlite(url) {
            readers.map_or(How::Database, How::Sqlite)
        } else {
            How::Cached(Cached {
                fence: Arc::new(Fence::default()),
                entries: moka::sync::Cache::builder()
                    .max_capacity(CACHE_ENTRIES)
                    .time_to_live(Duration::from_secs(60))
                    .support_invalidation_closures()
                    .build(),
                live: AtomicBool::new(false),
                went_live: tokio::sync::watch::Sender::new(false),
                generation: AtomicU64::new(0),
            })
        };
        Self { how }
    }

    /// Whether this lookup keeps sessions in memory and so must follow the change notices.
    pub fn needs_notices(&self) -> bool {
        matches!(self.how, How::Cached(_))
    }

    /// The tasks that keep the cache exact (PostgreSQL): the change listener and the fence
    /// sender; `None` when there is no cache. Abort them to stop.
    pub fn follow(
        self: &Arc<Self>,
        url: &str,
        db: &crate::db::Db,
    ) -> Option<[tokio::task::JoinHandle<()>; 2]> {
        let How::Cached(c) = &self.how else {
            return None;
        };
        let me = self.clone();
        let channels = vec![CHANNEL.to_owned(), c.fence.channel().to_owned()];
        let listener = tokio::spawn(crate::db::changes::listen(
            url.to_owned(),
            channels,
            move |notice| me.notice(notice),
        ));
        let fence = c.fence.clone();
        let db = db.clone();
        let sender = tokio::spawn(async move { fence.send(db).await });
        Some([listener, sender])
    }

    /// What the change listener heard ([`crate::db::changes::listen`] on [`CHANNEL`]).
    pub fn notice(&self, notice: Notice<'_>) {
        let How::Cached(c) = &self.how else { return };
        if let Notice::Changed { channel, payload } = notice
            && channel != CHANNEL
        {
            c.fence.heard(payload);
            return;
        }
        c.generation.fetch_add(1, Ordering::SeqCst);
        match notice {
            Notice::Listening => {
                c.entries.invalidate_all();
                c.live.store(true, Ordering::SeqCst);
                c.went_live.send_replace(true);
            }
            Notice::Lost => {
                c.live.store(false, Ordering::SeqCst);
                c.went_live.send_replace(false);
                c.entries.invalidate_all();
                c.fence.release();
            }
            Notice::Changed { payload, .. } => {
                let id = payload.to_owned();
                if c.entries
                    .invalidate_entries_if(move |_, e| e.1.id == id)
                    .is_err()
                {
                    c.entries.invalidate_all();
                }
            }
        }
    }

    /// Returns once the cache is in use (at once when there is none).
    pub async fn in_use(&self) {
        if let How::Cached(c) = &self.how {
            let _ = c.went_live.subscribe().wait_for(|live| *live).await;
        }
    }

    /// Whether the next request with `token` may be answered from memory (never without a
    /// cache).
    pub fn remembers(&self, token: &str) -> bool {
        match &self.how {
            How::Cached(c) => {
                c.live.load(Ordering::SeqCst)
                    && c.entries
                        .contains_key(&cache_key(&super::token_hash(token)))
            }
            _ => false,
        }
    }

    /// Resolves a token to its session and customer, enforcing both expiries.
    #[tracing::instrument(skip_all)]
    pub async fn resolve(&self, state: &AppState, token: &str) -> AppResult<Option<Authenticated>> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        let hash = super::token_hash(token);
        let now = state.clock.now_ms();
        let idle_ms = state.config.limits.session_idle_days * 86_400_000;
        // Used as is only while both expiries and the next touch are ahead.
        let settled = |s: &SessionRow| {
            now < s.expires_at
                && now < s.session_seen_at + idle_ms
                && now - s.session_seen_at <= TOUCH_EVERY_MS
        };
        let mut fill = None;
        let found = match &self.how {
            How::Database => store::session_by_token_hash(&state.db, &hash).await?,
            How::Sqlite(readers) => readers
                .read(|conn| store::session_by_token_hash_sqlite(conn, &hash))
                .map_err(|e| AppError::internal(format!("session lookup: {e}")))?,
            How::Cached(c) => {
                let key = cache_key(&hash);
                let live = c.live.load(Ordering::SeqCst);
                // The fence only when there is something to answer from memory.
                if live
                    && c.entries.contains_key(&key)
                    && c.fence.wait(FENCE_WAIT).await
                    && c.live.load(Ordering::SeqCst)
                    && let Some(e) = c.entries.get(&key)
                    && settled(&e.0)
                {
                    return Ok(Some(authenticated(&e)));
                }
                let generation = c.generation.load(Ordering::SeqCst);
                if live {
                    fill = Some((c, key, generation));
                }
                store::session_by_token_hash(&state.db, &hash).await?
            }
        };
        let Some((mut s, customer)) = found else {
            return Ok(None);
        };
        if now >= s.expires_at || now >= s.session_seen_at + idle_ms {
            store::delete_session(&state.db, &s.session_id).await?;
            return Ok(None);
        }
        if now - s.session_seen_at > TOUCH_EVERY_MS {
            store::touch_session(&state.db, &s.session_id, now).await?;
            s.session_seen_at = now;
        }
        let entry = Arc::new((s, customer));
        if let Some((c, key, generation)) = fill
            && c.live.load(Ordering::SeqCst)
            && c.generation.load(Ordering::SeqCst) == generation
        {
            c.entries.insert(key, entry.clone());
            // A notice between the check and the insert may have been registered before the
            // entry existed: then the entry is not to be trusted.
            if c.generation.load(Ordering::SeqCst) != generation {
                c.entries.invalidate(&key);
            }
        }
        Ok(Some(authenticated(&entry)))
    }
}

fn cache_key(hex_hash: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    // A SHA-256 in hex always decodes; a failure would only make the key all zeroes, and the
    // entry under it is still checked against the database's answer for this hash.
    let _ = hex::decode_to_slice(hex_hash, &mut key);
    key
}

fn authenticated(e: &(SessionRow, CustomerRow)) -> Authenticated {
    Authenticated {
        session_id: e.0.session_id.clone(),
        authenticated_at: e.0.authenticated_at,
        customer: e.1.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_database_gets_its_lookup() {
        assert!(matches!(
            SessionLookup::for_url("sqlite://data/k.db").how,
            How::Sqlite(_)
        ));
        assert!(matches!(
            SessionLookup::for_url("sqlite::memory:").how,
            How::Database
        ));
        let pg = SessionLookup::for_url("postgres://u@h/db");
        assert!(pg.needs_notices());
    }

    #[test]
    fn the_cache_is_not_trusted_while_the_listener_is_down() {
        let pg = SessionLookup::for_url("postgres://u@h/db");
        let How::Cached(c) = &pg.how else {
            unreachable!()
        };
        assert!(!c.live.load(Ordering::SeqCst), "not live before LISTEN");
        pg.notice(Notice::Listening);
        assert!(c.live.load(Ordering::SeqCst));
        let g = c.generation.load(Ordering::SeqCst);
        pg.notice(Notice::Changed {
            channel: CHANNEL,
            payload: "someone",
        });
        assert!(
            c.generation.load(Ordering::SeqCst) > g,
            "a change moves the generation"
        );
        pg.notice(Notice::Lost);
        assert!(!c.live.load(Ordering::SeqCst));
    }
}
