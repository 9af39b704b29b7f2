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
}

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

    /// Tells the worker there is something to send (call after the transaction commits).
    pub fn kick(&self) {
        self.wake.notify_one();
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
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
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
                done.push(id);
                continue;
            };
            let result = match open(&self.key, &body) {
                Some(body) => transports.send(channel, &to, &subject, &body).await,
                // Sealed under another secret (it changed): it can never be sent.
                None => Err(anyhow::anyhow!("queued message cannot be opened")),
            };
            match &result {
                Ok(()) => done.push(id),
                Err(e) if attempts + 1 >= MAX_ATTEMPTS => {
                    tracing::error!(error = %e, channel = channel.as_str(), "message dropped after retries");
                    done.push(id);
                }
                Err(e) => {
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
