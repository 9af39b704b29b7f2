//! Change notices between nodes (PostgreSQL `LISTEN/NOTIFY`), and fences that make a cache kept
//! by them exact.
//!
//! A notice is sent by the database itself (a trigger) when the transaction that made the change
//! commits, so every node hears of every change, whichever node, job or command made it; and
//! notices reach a listener in the order their transactions committed. Notices sent while the
//! listening connection is down are lost: the handler hears `Lost` when it goes and `Listening`
//! once it is back, and must not trust what it kept in between.
//!
//! A notice still arrives a moment after the commit, so a node could answer a request from its
//! cache before hearing of a change that request already depends on (a sign-out answered on one
//! node, the next request on another). A [`Fence`] closes that gap: [`Fence::wait`] sends a
//! notice of its own and returns when the listener hears it — by then every change committed
//! before the call has been heard too. Requests arriving together share one fence, so under
//! load a fence costs a small part of a query per request.

use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// What the listener tells its handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice<'a> {
    /// `LISTEN` is in place: every change from now on will be heard.
    Listening,
    /// The connection is gone (or could not be made); notices may be missed until `Listening`.
    Lost,
    /// A notice on `channel` with the payload its sender gave.
    Changed { channel: &'a str, payload: &'a str },
}

/// Listens on `channels` of the PostgreSQL database at `url` for as long as the task runs
/// (abort it to stop), reconnecting after a failure (once a second).
pub async fn listen(url: String, channels: Vec<String>, mut on: impl FnMut(Notice<'_>) + Send) {
    loop {
        match sqlx::postgres::PgListener::connect(&url).await {
            Ok(mut listener) => match listener
                .listen_all(channels.iter().map(String::as_str))
                .await
            {
                Ok(()) => {
                    on(Notice::Listening);
                    while let Ok(Some(n)) = listener.try_recv().await {
                        on(Notice::Changed {
                            channel: n.channel(),
                            payload: n.payload(),
                        });
                    }
                    on(Notice::Lost);
                    tracing::warn!("change listener lost its connection; reconnecting");
                }
                Err(e) => {
                    on(Notice::Lost);
                    tracing::warn!(error = %e, "LISTEN failed");
                }
            },
            Err(e) => {
                on(Notice::Lost);
                tracing::warn!(error = %e, "change listener cannot connect");
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Fences out at once, at most. Now and then one fence takes tens of milliseconds to come back
/// where the rest take a fraction of one; with strictly one fence at a time every signed-in
/// request on the node waited behind it (B1's p99 36–65 ms at a p50 of 1.5 ms). Always four
/// at once removed that but cost a quarter of B1's throughput (fewer requests share a fence).
const FENCES_IN_FLIGHT: usize = 4;

/// How long the fence out may take before the next is sent beside it.
const SLOW_FENCE: Duration = Duration::from_millis(5);

/// See the module docs. One per node; its channel is the node's own.
pub struct Fence {
    channel: String,
    /// The fence requests join: `(open, last)` — the fence not sent yet, and the last number
    /// given out.
    numbers: Mutex<(Option<u64>, u64)>,
    wanted: Notify,
    heard: watch::Sender<u64>,
}

impl Default for Fence {
    fn default() -> Self {
        Self {
            channel: format!("kabinet_fence_{}", uuid::Uuid::new_v4().simple()),
            numbers: Mutex::new((None, 0)),
            wanted: Notify::new(),
            heard: watch::Sender::new(0),
        }
    }
}

impl Fence {
    /// The channel this node's fences go out on (the listener must listen on it too).
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// Waits until every change committed before this call has been heard; `false` when that
    /// did not happen within `limit` (the listener or the database is down or very slow).
    pub async fn wait(&self, limit: Duration) -> bool {
        let target = {
            let mut n = self.numbers.lock().unwrap_or_else(|e| e.into_inner());
            match n.0 {
                Some(open) => open,
                None => {
                    n.1 += 1;
                    n.0 = Some(n.1);
                    self.wanted.notify_one();
                    n.1
                }
            }
        };
        let mut heard = self.heard.subscribe();
        matches!(
            tokio::time::timeout(limit, heard.wait_for(|h| *h >= target)).await,
            Ok(Ok(_))
        )
    }

    /// The listener heard `payload` on [`Fence::channel`].
    pub fn heard(&self, payload: &str) {
        if let Ok(n) = payload.parse::<u64>() {
            self.heard.send_if_modified(|h| {
                let later = n > *h;
                if later {
                    *h = n;
                }
                later
            });
        }
    }

    /// The listener lost its connection: fences sent so far may never be heard, so everyone
    /// waiting is let go (and must see for themselves that the cache is not live).
    pub fn release(&self) {
        let last = self.numbers.lock().unwrap_or_else(|e| e.into_inner()).1;
        self.heard.send_modify(|h| *h = (*h).max(last));
    }

    /// Sends the fences requests ask for, for as long as the task runs: one at a time (while
    /// one is out, new requests join the next), unless the one out takes longer than
    /// [`SLOW_FENCE`] — then the next goes anyway, up to [`FENCES_IN_FLIGHT`] at once. Fences
    /// may then be heard out of order; hearing a later one is enough for the waiters of an
    /// earlier one (it was sent after they arrived), so `heard` keeps the highest.
    pub async fn send(&self, db: crate::db::Db) {
        let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(FENCES_IN_FLIGHT));
        loop {
            self.wanted.notified().await;
            // All the slots free means none is out; a slow one is not waited for.
            let all = FENCES_IN_FLIGHT as u32;
            let _ = tokio::time::timeout(SLOW_FENCE, slots.acquire_many(all)).await;
            let Ok(slot) = slots.clone().acquire_owned().await else {
                return;
            };
            let open = self
                .numbers
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .0
                .take();
            if let Some(n) = open {
                let (db, channel) = (db.clone(), self.channel.clone());
                tokio::spawn(async move {
                    if let Err(e) = crate::db::notify(&db, &channel, &n.to_string()).await {
                        tracing::warn!(error = %e, "fence not sent");
                    }
                    drop(slot);
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_wait_ends_only_when_a_fence_sent_after_it_is_heard() {
        let f = Fence::default();
        assert!(f.channel().starts_with("kabinet_fence_"));
        // Nobody hears anything: the wait times out.
        assert!(!f.wait(Duration::from_millis(20)).await);
        // Fence 1 was asked for and is still open; a second request joins it.
        assert_eq!(f.numbers.lock().unwrap().0, Some(1));
        let second = f.wait(Duration::from_secs(5));
        let hear = async {
            tokio::task::yield_now().await;
            f.heard("1");
        };
        let (ok, ()) = tokio::join!(second, hear);
        assert!(ok);
        // Once fence 1 is sent, a new request needs fence 2: hearing 1 again does not do.
        f.numbers.lock().unwrap().0.take();
        let third = f.wait(Duration::from_millis(50));
        let stale = async {
            tokio::task::yield_now().await;
            f.heard("1");
        };
        let (ok, ()) = tokio::join!(third, stale);
        assert!(!ok);
        // Fences sent side by side may be heard out of order: hearing a later one lets the
        // waiters of an earlier one go too (it was sent after they arrived).
        f.release();
        let before = f.numbers.lock().unwrap().1;
        let first = f.wait(Duration::from_secs(5));
        let later = async {
            tokio::task::yield_now().await;
            // Fence `before + 1` is out; a request arriving now needs `before + 2`.
            f.numbers.lock().unwrap().0.take();
            let second = f.wait(Duration::from_secs(5));
            let hear = async {
                tokio::task::yield_now().await;
                f.heard(&(before + 2).to_string());
            };
            tokio::join!(second, hear).0
        };
        let (first, second) = tokio::join!(first, later);
        assert!(first && second, "fence {} heard first", before + 2);
        // The listener lost its connection: fences given out so far count as heard.
        f.release();
        assert!(f.wait(Duration::from_millis(1)).await);
    }
}
