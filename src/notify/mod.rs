//! Outgoing messages. Handlers only *queue* (one insert), so answering takes the same time for
//! known and unknown contacts (SECURITY 12–13); a worker delivers through the transports and
//! deletes each row once sent, so no code stays at rest (SECURITY 3).
//!
//! The dev outbox (PRODUCT §3) is a tap at queue time: every message is logged to the console
//! and kept in memory for `GET /api/v1/dev/outbox`, never in the database. (Its endpoint lives with the HTTP plumbing: `web::dev_outbox`.)

pub mod dev;
pub mod store;
pub mod transports;

use crate::clock::Clock;
use crate::db::{Db, new_id};
use crate::domain::identity::Channel;
use crate::keys::{open, seal};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::Notify;
use transports::Transports;

/// A message ready to queue. `code` and `link` are copies for the dev outbox only.
#[derive(Debug, Clone)]
pub struct Message {
    pub channel: Channel,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub code: Option<String>,
    pub link: Option<String>,
}

#[derive(Clone)]
pub struct Notifier {
    db: Db,
    /// Queued bodies are sealed with this key (they may carry a code until delivered), so
    /// no code is readable in the database files — WAL and free pages included.
    key: [u8; 32],
    clock: Arc<dyn Clock>,
    dev: Option<Arc<dev::DevOutbox>>,
    wake: Arc<Notify>,
    events: tokio::sync::broadcast::Sender<Delivery>,
    peers: Arc<Peers>,
}

/// The other nodes' workers (PostgreSQL): told of what this node queues, heard when they queue.
#[derive(Default)]
struct Peers {
    /// An announcer runs ([`Notifier::announce_to_peers`]): kicks ask it to tell the others.
    announcing: std::sync::atomic::AtomicBool,
    /// The change listener is connected: the peers' news arrives, so polling can be slow.
    listening: std::sync::atomic::AtomicBool,
    wanted: Notify,
}

/// The channel nodes announce queued messages on; the payload is the sender's own id.
pub const PEERS_CHANNEL: &str = "kabinet_outbox";
/// Announcements to peers at most this often: a burst of queued messages is one notice.
const ANNOUNCE_EVERY: Duration = Duration::from_millis(100);
/// How often the worker looks for due messages (retries, and anything queued unheard of)…
const POLL: Duration = Duration::from_secs(1);
/// …and while the peers' announcements are heard (a retry may then wait this long).
const POLL_LISTENING: Duration = Duration::from_secs(5);

/// What happened to one queued message; observable by tests and metrics.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub channel: Channel,
    pub to: String,
    /// `None` when sent; the error otherwise (the message is retried or, at last, dropped).
    pub error: Option<String>,
}

const MAX_ATTEMPTS: i64 = 8;
const CLAIM_MS: i64 = 60_000;

impl Notifier {
    pub fn new(
        db: Db,
        key: [u8; 32],
        clock: Arc<dyn Clock>,
        dev: Option<Arc<dev::DevOutbox>>,
    ) -> Self {
        Self {
            db,
            key,
            clock,
            dev,
            wake: Arc::new(Notify::new()),
            events: tokio::sync::broadcast::channel(1024).0,
            peers: Arc::default(),
        }
    }

    /// Delivery outcomes from now on.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Delivery> {
        self.events.subscribe()
    }

    pub fn dev_outbox(&self) -> Option<&Arc<dev::DevOutbox>> {
        self.dev.as_ref()
    }

    /// Queues inside the caller's transaction, so a message exists only if its cause does.
    pub async fn enqueue(
        &self,
        tx: &mut crate::db::Conn,
        msg: &Message,
    ) -> Result<(), sqlx::Error> {
        let now = self.clock.now_ms();
        store::insert(
            tx,
            &new_id(),
            msg.channel.as_str(),
            &msg.to,
            &msg.subject,
            &seal(&self.key, &msg.text),
            now,
        )
        .await?;
        if let Some(dev) = &self.dev {
            dev.record(msg, now);
        }
        Ok(())
    }

    /// Queues one message in a transaction of its own.
    pub async fn send_now(&self, msg: &Message) -> Result<(), sqlx::Error> {
        let (me, msg) = (self.clone(), msg.clone());
        crate::db::detached(async move {
            let mut tx = crate::db::begin_write(&me.db).await?;
            me.enqueue(&mut tx, &msg).await?;
            tx.commit().await?;
            me.kick();
            Ok(())
        })
        .await
    }

    /// Tells the worker there is something to send (call after the transaction commits), and
    /// the other nodes' workers through the announcer when one runs.
    pub fn kick(&self) {
        self.wake.notify_one();
        if self.peers.announcing.load(Ordering::Relaxed) {
            self.peers.wanted.notify_one();
        }
    }

    /// Tells the other nodes (`NOTIFY` on [`PEERS_CHANNEL`] with payload `me`) that this one
    /// queued messages, for as long as the task runs: at most once per [`ANNOUNCE_EVERY`], so
    /// however many are queued meanwhile cost one notice.
    pub async fn announce_to_peers(self, me: String) {
        self.peers.announcing.store(true, Ordering::Relaxed);
        loop {
            self.peers.wanted.notified().await;
            if let Err(e) = crate::db::notify(&self.db, PEERS_CHANNEL, &me).await {
                tracing::warn!(error = %e, "queued messages not announced to the other nodes");
            }
            tokio::time::sleep(ANNOUNCE_EVERY).await;
        }
    }

    /// Whether the other nodes' announcements are being heard (the listener is connected).
    pub fn hears_peers(&self) -> bool {
        self.peers.listening.load(Ordering::Relaxed)
    }

    /// What the change listener heard on [`PEERS_CHANNEL`] (`me`: this node's own payload,
    /// ignored): another node queued messages, so this worker looks too — it may be idle while
    /// theirs is busy. While the listener is connected the worker polls less often.
    pub fn heard_from_peers(&self, notice: crate::db::changes::Notice<'_>, me: &str) {
        use crate::db::changes::Notice;
        match notice {
            Notice::Listening => {
                self.peers.listening.store(true, Ordering::Relaxed);
                // What was announced while the listener was away.
                self.wake.notify_one();
            }
            Notice::Lost => self.peers.listening.store(false, Ordering::Relaxed),
            Notice::Changed { payload, .. } if payload != me => self.wake.notify_one(),
            Notice::Changed { .. } => {}
        }
    }

    /// Delivers queued messages until `stop` fires. Several nodes may run this at once:
    /// a row is claimed by a conditional update before it is sent.
    pub async fn run_worker(
        self,
        transports: Transports,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        loop {
            match self.deliver_due(&transports).await {
                // A full batch: more may be waiting. Otherwise what was queued meanwhile has
                // kicked the worker (the wake-up is kept until it waits), and a claim that
                // finds nothing would still be a write.
                Ok(n) if n >= store::BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox pass failed"),
            }
            let poll = if self.peers.listening.load(Ordering::Relaxed) {
                POLL_LISTENING
            } else {
                POLL
            };
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// One pass: claim due rows (one statement), send each, then delete the sent and the
    /// given-up ones together (one statement; sooner when sending takes long) and reschedule
    /// the others. Returns how many were handled.
    pub async fn deliver_due(&self, transports: &Transports) -> Result<usize, sqlx::Error> {
        let now = self.clock.now_ms();
        let rows = {
            let mut w = crate::db::writer(&self.db).await?;
            let rows = store::claim_due(&mut w, now, now + CLAIM_MS).await?;
            w.commit().await?;
            rows
        };
        let handled = rows.len();
        // Rows to delete and their announcements, made once the rows are gone.
        let mut done: Vec<String> = Vec::new();
        let mut announce: Vec<Delivery> = Vec::new();
        let mut since = std::time::Instant::now();
        for row in rows {
            let store::Queued {
                id,
                channel,
                recipient: to,
                subject,
                body,
                attempts,
            } = row;
            // A row with a channel this version does not know is broken: said loudly and
            // dropped, never sent by a guessed channel.
            let Some(channel) = Channel::parse(&channel) else {
                tracing::error!(id = %id, channel = %channel, "queued message has an unknown channel; dropped");
                crate::telemetry::message("unknown", "dropped");
                done.push(id);
                continue;
            };
            let result = match open(&self.key, &body) {
                Some(body) => transports.send(channel, &to, &subject, &body).await,
                // Sealed under another secret (it changed): it can never be sent.
                None => Err(anyhow::anyhow!("queued message cannot be opened")),
            };
            match &result {
                Ok(()) => {
                    crate::telemetry::message(channel.as_str(), "sent");
                    done.push(id)
                }
                Err(e) if attempts + 1 >= MAX_ATTEMPTS => {
                    tracing::error!(error = %e, channel = channel.as_str(), "message dropped after retries");
                    crate::telemetry::message(channel.as_str(), "dropped");
                    done.push(id);
                }
                Err(e) => {
                    crate::telemetry::message(channel.as_str(), "retry");
                    tracing::warn!(error = %e, channel = channel.as_str(), attempt = attempts + 1, "send failed, will retry");
                    let backoff = 2_000 * (1_i64 << attempts.clamp(0, 10));
                    let rescheduled =
                        store::reschedule(&self.db, &id, now + backoff, &e.to_string()).await;
                    if let Err(db) = rescheduled {
                        // What was sent is still deleted.
                        self.finish(&mut done, &mut announce).await?;
                        return Err(db);
                    }
                }
            }
            announce.push(Delivery {
                channel,
                to,
                error: result.err().map(|e| format!("{e:#}")),
            });
            // Slow transports: what was sent does not wait for the rest of the batch.
            if since.elapsed() > FLUSH_AFTER {
                self.finish(&mut done, &mut announce).await?;
                since = std::time::Instant::now();
            }
        }
        self.finish(&mut done, &mut announce).await?;
        Ok(handled)
    }

    /// Deletes the rows that are done, then announces the outcomes (after the rows are gone or
    /// rescheduled, so observers see the final state).
    async fn finish(
        &self,
        done: &mut Vec<String>,
        announce: &mut Vec<Delivery>,
    ) -> Result<(), sqlx::Error> {
        let mut w = crate::db::writer(&self.db).await?;
        store::delete_all(&mut w, done).await?;
        w.commit().await?;
        done.clear();
        for d in announce.drain(..) {
            let _ = self.events.send(d);
        }
        Ok(())
    }
}

/// How long sent messages of a pass may wait for their common delete.
const FLUSH_AFTER: Duration = Duration::from_millis(200);

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn another_nodes_news_wakes_the_worker_and_its_own_does_not() {
        use crate::db::changes::Notice;
        // Never used: what is heard only moves flags and wake-ups.
        sqlx::any::install_default_drivers();
        let db = sqlx::any::AnyPoolOptions::new()
            .connect_lazy("sqlite::memory:")
            .unwrap();
        let n = Notifier::new(db, [1; 32], Arc::new(crate::clock::SystemClock), None);
        let woken = || async {
            tokio::time::timeout(Duration::from_millis(20), n.wake.notified())
                .await
                .is_ok()
        };
        assert!(!n.hears_peers());
        n.heard_from_peers(Notice::Listening, "me");
        assert!(n.hears_peers());
        assert!(
            woken().await,
            "what was missed before listening is looked for"
        );
        let own = Notice::Changed {
            channel: PEERS_CHANNEL,
            payload: "me",
        };
        n.heard_from_peers(own, "me");
        assert!(!woken().await, "its own announcement");
        let theirs = Notice::Changed {
            channel: PEERS_CHANNEL,
            payload: "other",
        };
        n.heard_from_peers(theirs, "me");
        assert!(woken().await, "another node queued messages");
        n.heard_from_peers(Notice::Lost, "me");
        assert!(!n.hears_peers(), "back to polling every second");
        // Kicks ask the announcer only once one runs.
        n.kick();
        assert!(woken().await);
        let asked = tokio::time::timeout(Duration::from_millis(20), n.peers.wanted.notified());
        assert!(asked.await.is_err());
        n.peers.announcing.store(true, Ordering::Relaxed);
        n.kick();
        let asked = tokio::time::timeout(Duration::from_millis(20), n.peers.wanted.notified());
        assert!(asked.await.is_ok());
    }

    #[test]
    fn a_sealed_body_opens_only_with_its_key() {
        let key = [7u8; 32];
        let sealed = seal(&key, "Код 123456");
        assert!(!sealed.contains("123456"));
        assert_ne!(sealed, seal(&key, "Код 123456"), "a fresh nonce each time");
        assert_eq!(open(&key, &sealed).as_deref(), Some("Код 123456"));
        assert_eq!(open(&[8u8; 32], &sealed), None);
        assert_eq!(open(&key, "not base64!"), None);
    }
}
