//! «Мои данные»' SQL: finding every table that holds a customer's id (for the export), and the
//! erasure of a deleted account. Like `housekeeping`, erasure reaches into many capabilities'
//! tables on purpose: what 152-ФЗ makes the shop forget is decided in one place, one
//! transaction, where it can be read whole.

use crate::db::Conn;
use crate::db::Db;
use serde_json::{Map, Value};
use sqlx::{Column, Row};

/// Columns that name a customer by id: (column, what the export calls that relation).
pub const CUSTOMER_COLUMNS: [&str; 4] = [
    "customer_id",
    "owner",
    "matched_customer_id",
    "activated_by",
];

/// Column names never exported: secrets and their hashes, a saved card's provider token (it
/// can charge the card), a sign-in flow's payload (a registration's password hash), sealed
/// message bodies, staff members' ids.
fn secret(column: &str) -> bool {
    column.ends_with("_hash")
        || column.contains("secret")
        || matches!(
            column,
            "body"
                | "token"
                | "payload"
                // Who on the staff did what stays in the audit trail, not in a customer's file.
                | "staff_id"
                | "decided_by"
                | "first_approver"
                | "second_approver"
                | "rejected_by"
        )
}

/// (table, column) for every table with one of [`CUSTOMER_COLUMNS`], by name. Read from the
/// database's own catalogue, so a table added later is exported without anyone remembering.
pub async fn customer_tables(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    let sql = if crate::db::is_sqlite_pool(db) {
        "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND p.name IN ('customer_id', 'owner', 'matched_customer_id', 'activated_by') \
         ORDER BY m.name, p.name"
    } else {
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
         WHERE table_schema = current_schema() \
         AND column_name IN ('customer_id', 'owner', 'matched_customer_id', 'activated_by') \
         ORDER BY table_name, column_name"
    };
    sqlx::query_as(sql).fetch_all(db).await
}

/// Every row of `table` whose `column` is `id`, as JSON objects (secrets left out). `table` and
/// `column` come from [`customer_tables`], never from a request.
pub async fn rows_of(
    db: &Db,
    table: &str,
    column: &str,
    id: &str,
) -> Result<Vec<Value>, sqlx::Error> {
    let ident = |s: &str| format!("\"{}\"", s.replace('"', ""));
    let sql = format!(
        "SELECT * FROM {} WHERE {} = $1",
        ident(table),
        ident(column)
    );
    rows_by(db, &sql, id).await
}

/// Tables that hold rows about the customer without their id, reached through a parent that
/// has it: (name in the export, query with `$1` = the customer's id).
pub const CHILD_TABLES: [(&str, &str); 1] = [(
    "support_messages",
    "SELECT m.* FROM support_messages m JOIN support_tickets t ON t.id = m.ticket_id \
     WHERE t.customer_id = $1 ORDER BY m.at",
)];

/// The rows of one of our own queries (`$1` = `id`) as JSON objects, secrets left out.
pub async fn rows_by(db: &Db, sql: &str, id: &str) -> Result<Vec<Value>, sqlx::Error> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_all(db)
        .await?;
    Ok(rows
        .iter()
        .map(|row| {
            let mut obj = Map::new();
            for (i, col) in row.columns().iter().enumerate() {
                let name = col.name();
                if secret(name) {
                    continue;
                }
                let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
                    v.map(Value::from).unwrap_or(Value::Null)
                } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
                    v.map(Value::from).unwrap_or(Value::Null)
                } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
                    v.map(Value::from).unwrap_or(Value::Null)
                } else {
                    Value::Null
                };
                obj.insert(name.to_owned(), value);
            }
            Value::Object(obj)
        })
        .collect())
}

/// Rows deleted outright: they exist only for the customer (sign-in, devices, addresses, cards,
/// choices, applications) and accounting needs none of them.
const DELETE_BY_CUSTOMER: [&str; 15] = [
    "DELETE FROM support_messages WHERE ticket_id IN \
     (SELECT id FROM support_tickets WHERE customer_id = $1)",
    "DELETE FROM support_tickets WHERE customer_id = $1",
    "DELETE FROM reviews WHERE customer_id = $1",
    "DELETE FROM sessions WHERE customer_id = $1",
    "DELETE FROM security_events WHERE customer_id = $1",
    "DELETE FROM addresses WHERE customer_id = $1",
    "DELETE FROM favorites WHERE customer_id = $1",
    "DELETE FROM cart_lines WHERE owner = $1",
    "DELETE FROM saved_cards WHERE customer_id = $1",
    "DELETE FROM spasibo_accounts WHERE customer_id = $1",
    "DELETE FROM notification_settings WHERE customer_id = $1",
    "DELETE FROM contact_changes WHERE customer_id = $1",
    "DELETE FROM recovery_tokens WHERE customer_id = $1",
    "DELETE FROM auth_flows WHERE customer_id = $1",
    "DELETE FROM cobrand_applications WHERE customer_id = $1",
];

/// Rows about the customer's phone or email (`$1`), whoever's account they were: codes, locks,
/// queued messages, recovery requests. The rate-limit counters keyed by a contact stay until
/// they expire (a day at most): erasing them would let a loop of sign-up and deletion reset the
/// per-phone message caps (SECURITY 8).
const DELETE_BY_CONTACT: [&str; 6] = [
    "DELETE FROM auth_flows WHERE contact = $1",
    "DELETE FROM contact_locks WHERE contact = $1",
    "DELETE FROM login_failures WHERE login = $1",
    "DELETE FROM outbox WHERE recipient = $1",
    "DELETE FROM security_events WHERE contact = $1",
    "DELETE FROM recovery_cases WHERE old_email = $1 OR new_contact = $1",
];

/// What [`erase`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erased {
    /// This call erased the account.
    Now,
    /// Someone else's request already had.
    Already,
    /// An order is on its way or a return is still owed: nothing was touched.
    Underway,
}

/// Erases a customer inside the caller's transaction: personal rows deleted, orders kept for
/// accounting without the recipient, address and free text, the customer row emptied (its id
/// stays, so the ledgers and orders still add up) and marked deleted. `contacts` are the
/// phone and email the account had. The first statement decides, in one go, that the account
/// is not deleted yet and has no order on its way and no return still owed — so racing
/// deletions erase once, and an order placed a moment before is never stripped of its address.
pub async fn erase(
    tx: &mut Conn,
    customer_id: &str,
    contacts: &[String],
    now: i64,
) -> Result<Erased, sqlx::Error> {
    let marked = sqlx::query(
        "UPDATE customers SET first_name = '', last_name = '', patronymic = '', address_as = '', \
         phone = NULL, email = NULL, email_verified = 0, password_hash = NULL, \
         pickup_point_id = NULL, deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM orders WHERE customer_id = $1 \
         AND status NOT IN ('received', 'cancelled')) \
         AND NOT EXISTS (SELECT 1 FROM returns WHERE customer_id = $1 \
         AND status NOT IN ('refunded', 'rejected'))",
    )
    .bind(customer_id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if marked != 1 {
        let deleted: Option<Option<i64>> =
            sqlx::query_scalar("SELECT deleted_at FROM customers WHERE id = $1")
                .bind(customer_id)
                .fetch_optional(&mut *tx)
                .await?;
        return Ok(match deleted {
            Some(None) => Erased::Underway,
            _ => Erased::Already,
        });
    }
    for sql in DELETE_BY_CUSTOMER {
        sqlx::query(sql).bind(customer_id).execute(&mut *tx).await?;
    }
    for contact in contacts {
        for sql in DELETE_BY_CONTACT {
            sqlx::query(sql).bind(contact).execute(&mut *tx).await?;
        }
    }
    sqlx::query("DELETE FROM recovery_cases WHERE matched_customer_id = $1")
        .bind(customer_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE orders SET delivery_address = '', recipient_name = '', recipient_phone = '', \
         cancel_reason = NULL WHERE customer_id = $1",
    )
    .bind(customer_id)
    .execute(&mut *tx)
    .await?;
    // Returns stay with their orders (refunds are accounting); the customer's words go.
    sqlx::query("UPDATE returns SET comment = '', reject_reason = NULL WHERE customer_id = $1")
        .bind(customer_id)
        .execute(&mut *tx)
        .await?;
    Ok(Erased::Now)
}

/// How many of the customer's orders are still on their way (not received, not cancelled), and
/// returns not yet refunded or rejected (money still due to them).
pub async fn orders_underway(db: &Db, customer_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM orders WHERE customer_id = $1 \
         AND status NOT IN ('received', 'cancelled')) \
         + (SELECT COUNT(*) FROM returns WHERE customer_id = $1 \
         AND status NOT IN ('refunded', 'rejected'))",
    )
    .bind(customer_id)
    .fetch_one(db)
    .await
}
