//! The outbox's SQL: queued messages (bodies sealed), claimed by a conditional update before
//! they are sent, deleted once sent or given up, rescheduled otherwise.

use crate::db::Db;
use crate::db::autocommit;

/// Queues a message (inside the caller's transaction), due at once.
pub async fn insert(
    tx: &mut crate::db::Conn,
    id: &str,
    channel: &str,
    recipient: &str,
    subject: &str,
    sealed_body: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO outbox (id, channel, recipient, subject, body, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(channel)
    .bind(recipient)
    .bind(subject)
    .bind(sealed_body)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A queued message as read for delivery (the body still sealed).
#[derive(Debug, Clone)]
pub struct Queued {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// How many messages one [`claim_due`] takes at most.
pub const BATCH: usize = 32;

/// Claims until `until` up to [`BATCH`] messages due at `now` and claimed by no one, the longest
/// waiting first, and returns them: one conditional statement (of several workers each row
/// goes to exactly one: a row claimed meanwhile fails `claimed_until < now` when rechecked).
pub async fn claim_due<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    now: i64,
    until: i64,
) -> Result<Vec<Queued>, sqlx::Error> {
    let mut rows: Vec<(String, String, String, String, String, i64, i64)> = sqlx::query_as(
        "UPDATE outbox SET claimed_until = $1 WHERE claimed_until < $2 AND id IN \
         (SELECT id FROM outbox WHERE next_attempt_at <= $2 AND claimed_until < $2 \
         ORDER BY next_attempt_at LIMIT $3) \
         RETURNING id, channel, recipient, subject, body, attempts, next_attempt_at",
    )
    .bind(until)
    .bind(now)
    .bind(BATCH as i64)
    .fetch_all(db)
    .await?;
    // RETURNING keeps no order.
    rows.sort_by(|a, b| (a.6, &a.0).cmp(&(b.6, &b.0)));
    Ok(rows
        .into_iter()
        .map(
            |(id, channel, recipient, subject, body, attempts, _)| Queued {
                id,
                channel,
                recipient,
                subject,
                body,
                attempts,
            },
        )
        .collect())
}

/// Removes a message (sent, or given up on).
pub async fn delete<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM outbox WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Removes several messages (sent, or given up on) in one statement.
pub async fn delete_all<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    ids: &[String],
) -> Result<(), sqlx::Error> {
    match ids {
        [] => return Ok(()),
        [id] => return delete(db, id).await,
        _ => {}
    }
    // Placeholders only: every id is bound.
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!("DELETE FROM outbox WHERE id IN ({})", marks.join(", "));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in ids {
        q = q.bind(id);
    }
    q.execute(db).await?;
    Ok(())
}

/// Counts a failed attempt, releases the claim and makes the message due again at
/// `next_attempt_at`.
pub async fn reschedule(
    db: &Db,
    id: &str,
    next_attempt_at: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, claimed_until = 0, last_error = $2 WHERE id = $3",
    )
    .bind(next_attempt_at)
    .bind(error)
    .bind(id)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// How many messages are queued and when the oldest was (`None` when none is).
pub async fn backlog(db: &Db) -> Result<(i64, Option<i64>), sqlx::Error> {
    sqlx::query_as("SELECT COUNT(*), MIN(created_at) FROM outbox")
        .fetch_one(db)
        .await
}
