//! The balance's SQL: the account row (the reservation counter) and the append-only ledger.

use crate::db::Conn;

/// Appends a movement unless the customer already has one under this idempotency key; returns
/// whether it is new.
pub async fn append(
    tx: &mut Conn,
    customer: &str,
    kind: &str,
    amount: i64,
    reference: &str,
    key: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO balance_ledger (id, customer_id, kind, amount, reference, idempotency_key, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (customer_id, idempotency_key) DO NOTHING",
    )
    .bind(crate::db::new_id())
    .bind(customer)
    .bind(kind)
    .bind(amount)
    .bind(reference)
    .bind(key)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// Adds `amount` to the customer's account, making the row when it is the first money.
pub async fn add(tx: &mut Conn, customer: &str, amount: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO balance_accounts (customer_id, balance, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (customer_id) DO UPDATE SET balance = balance_accounts.balance + excluded.balance, \
         updated_at = excluded.updated_at",
    )
    .bind(customer)
    .bind(amount)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Takes `amount` from the account if it has that much: one conditional statement. Returns
/// whether it did.
pub async fn reserve(
    tx: &mut Conn,
    customer: &str,
    amount: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE balance_accounts SET balance = balance - $1, updated_at = $3 \
         WHERE customer_id = $2 AND balance >= $1",
    )
    .bind(amount)
    .bind(customer)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// The account's balance (0 without an account).
pub async fn balance(conn: &mut Conn, customer: &str) -> Result<i64, sqlx::Error> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT balance FROM balance_accounts WHERE customer_id = $1")
            .bind(customer)
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(0),
    )
}

/// The sum of the customer's ledger.
pub async fn ledger_sum(conn: &mut Conn, customer: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM balance_ledger WHERE customer_id = $1",
    )
    .bind(customer)
    .fetch_one(&mut *conn)
    .await
}

/// The amount of the movement under `key`, if there is one.
pub async fn movement(
    conn: &mut Conn,
    customer: &str,
    key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT amount FROM balance_ledger WHERE customer_id = $1 AND idempotency_key = $2",
    )
    .bind(customer)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await
}

#[derive(sqlx::FromRow)]
pub struct EntryRow {
    pub id: String,
    pub kind: String,
    pub amount: i64,
    pub reference: String,
    pub at: i64,
}

/// A page of the ledger, newest first, before the cursor `(at, id)`.
pub async fn entries(
    conn: &mut Conn,
    customer: &str,
    before: (i64, &str),
    limit: i64,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, amount, reference, at FROM balance_ledger WHERE customer_id = $1 \
         AND (at < $2 OR (at = $2 AND id < $3)) ORDER BY at DESC, id DESC LIMIT $4",
    )
    .bind(customer)
    .bind(before.0)
    .bind(before.1)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}
