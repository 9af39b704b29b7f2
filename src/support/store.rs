//! The support requests' SQL: requests and their messages. Every change of status is one
//! conditional statement.

use crate::db::Conn;
use crate::db::Db;
use crate::db::autocommit;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TicketRow {
    pub id: String,
    pub customer_id: String,
    pub subject: String,
    pub order_number: Option<String>,
    pub status: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, customer_id, subject, order_number, status, created_at, updated_at";

pub async fn insert_ticket(tx: &mut Conn, t: &TicketRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO support_tickets (id, customer_id, subject, order_number, status, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&t.id)
    .bind(&t.customer_id)
    .bind(&t.subject)
    .bind(&t.order_number)
    .bind(&t.status)
    .bind(t.created_at)
    .bind(t.updated_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn insert_message(
    tx: &mut Conn,
    id: &str,
    ticket: &str,
    author: &str,
    staff_id: Option<&str>,
    text: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO support_messages (id, ticket_id, author, staff_id, text, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(ticket)
    .bind(author)
    .bind(staff_id)
    .bind(text)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn ticket(db: &Db, id: &str) -> Result<Option<TicketRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM support_tickets WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The customer's requests, the latest change first, from `(updated_at, id)` down.
pub async fn of_customer(
    db: &Db,
    customer: &str,
    (before, before_id): (i64, &str),
    limit: i64,
) -> Result<Vec<TicketRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM support_tickets WHERE customer_id = $1 \
         AND (updated_at < $2 OR (updated_at = $2 AND id < $3)) \
         ORDER BY updated_at DESC, id DESC LIMIT $4"
    )))
    .bind(customer)
    .bind(before)
    .bind(before_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// A request's messages, oldest first: (id, author, text, at).
pub async fn messages(
    db: &Db,
    ticket: &str,
) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, author, text, at FROM support_messages WHERE ticket_id = $1 ORDER BY at, id",
    )
    .bind(ticket)
    .fetch_all(db)
    .await
}

/// Sets the status of a request that is not closed (the customer's own when given).
pub async fn set_status_open(
    tx: &mut Conn,
    id: &str,
    customer: Option<&str>,
    status: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE support_tickets SET status = $2, updated_at = $3 WHERE id = $1 \
         AND status <> 'closed' AND ($4 = '' OR customer_id = $4)",
    )
    .bind(id)
    .bind(status)
    .bind(now)
    .bind(customer.unwrap_or(""))
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// Closes a request that is not closed (the customer's own when given).
pub async fn close(
    db: &Db,
    id: &str,
    customer: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE support_tickets SET status = 'closed', updated_at = $2 WHERE id = $1 \
         AND status <> 'closed' AND ($3 = '' OR customer_id = $3)",
    )
    .bind(id)
    .bind(now)
    .bind(customer.unwrap_or(""))
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

/// Requests in `status` ('' = any), the longest waiting first, after `(updated_at, id)`.
pub async fn queue(
    db: &Db,
    status: &str,
    after: i64,
    after_id: &str,
    limit: i64,
) -> Result<Vec<TicketRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM support_tickets WHERE ($1 = '' OR status = $1) \
         AND (updated_at > $2 OR (updated_at = $2 AND id > $3)) ORDER BY updated_at, id LIMIT $4"
    )))
    .bind(status)
    .bind(after)
    .bind(after_id)
    .bind(limit)
    .fetch_all(db)
    .await
}
