//! The points' SQL: accounts (the reservation counter and the card's status grant), lots,
//! what each order spent from which lot, and the append-only ledger.

use crate::db::Conn;

// ---- Accounts ----

/// Makes sure the customer's account row exists and writes it: from here to the end of the
/// transaction every other change of this customer's points waits (PostgreSQL's row lock;
/// SQLite has one writer anyway).
pub async fn lock(tx: &mut Conn, customer: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO loyalty_accounts (customer_id, balance, updated_at) VALUES ($1, 0, $2) \
         ON CONFLICT (customer_id) DO UPDATE SET updated_at = excluded.updated_at",
    )
    .bind(customer)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Takes `points` from the balance if it has them: one conditional statement. Returns whether
/// it did.
pub async fn reserve(tx: &mut Conn, customer: &str, points: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE loyalty_accounts SET balance = balance - $1 WHERE customer_id = $2 AND balance >= $1",
    )
    .bind(points)
    .bind(customer)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// Adds `points` to the balance.
pub async fn credit(tx: &mut Conn, customer: &str, points: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE loyalty_accounts SET balance = balance + $1 WHERE customer_id = $2")
        .bind(points)
        .bind(customer)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// When the co-branded card was approved, if it was.
pub async fn card_approved_at(conn: &mut Conn, customer: &str) -> Result<Option<i64>, sqlx::Error> {
    Ok(sqlx::query_scalar::<_, Option<i64>>(
        "SELECT card_approved_at FROM loyalty_accounts WHERE customer_id = $1",
    )
    .bind(customer)
    .fetch_optional(&mut *conn)
    .await?
    .flatten())
}

/// Records the card's approval (the first one counts).
pub async fn approve_card(tx: &mut Conn, customer: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE loyalty_accounts SET card_approved_at = COALESCE(card_approved_at, $2) WHERE customer_id = $1",
    )
    .bind(customer)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

// ---- Lots ----

/// A new lot.
pub struct NewLot<'a> {
    pub customer: &'a str,
    /// `earned` or `granted`.
    pub source: &'a str,
    pub reference: &'a str,
    pub goods: i64,
    pub points: i64,
    pub earned_at: i64,
    pub expires_at: i64,
}

/// Inserts a lot unless the customer already has one of this source and reference; returns
/// its id when it is new.
pub async fn insert_lot(tx: &mut Conn, lot: &NewLot<'_>) -> Result<Option<String>, sqlx::Error> {
    let id = crate::db::new_id();
    let n = sqlx::query(
        "INSERT INTO loyalty_lots (id, customer_id, source, reference, goods, points, remaining, \
         expired, taken, earned_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $6, 0, 0, $7, $8) \
         ON CONFLICT (customer_id, source, reference) DO NOTHING",
    )
    .bind(&id)
    .bind(lot.customer)
    .bind(lot.source)
    .bind(lot.reference)
    .bind(lot.goods)
    .bind(lot.points)
    .bind(lot.earned_at)
    .bind(lot.expires_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok((n == 1).then_some(id))
}

/// Kopecks of goods of the customer's received orders earned after `since` (and not after
/// `until`) and not taken back.
pub async fn goods_between(
    conn: &mut Conn,
    customer: &str,
    since: i64,
    until: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(goods), 0) AS BIGINT) FROM loyalty_lots WHERE customer_id = $1 \
         AND source = 'earned' AND taken_back_at IS NULL AND earned_at > $2 AND earned_at <= $3",
    )
    .bind(customer)
    .bind(since)
    .bind(until)
    .fetch_one(&mut *conn)
    .await
}

/// A lot with points left: (id, remaining, expired so far, source, reference).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LotLeft {
    pub id: String,
    pub remaining: i64,
    pub expired: i64,
    pub source: String,
    pub reference: String,
}

/// The customer's lots past their expiry that still hold points.
pub async fn lapsed_lots(
    tx: &mut Conn,
    customer: &str,
    now: i64,
) -> Result<Vec<LotLeft>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, remaining, expired, source, reference FROM loyalty_lots \
         WHERE customer_id = $1 AND expires_at <= $2 AND remaining > 0 ORDER BY expires_at, id",
    )
    .bind(customer)
    .bind(now)
    .fetch_all(&mut *tx)
    .await
}

/// Expires what a lot holds if it still holds exactly `remaining`: one conditional statement.
pub async fn expire_lot(tx: &mut Conn, id: &str, remaining: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE loyalty_lots SET remaining = 0, expired = expired + $2 WHERE id = $1 AND remaining = $2",
    )
    .bind(id)
    .bind(remaining)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// The customer's unexpired lots with points left, the one expiring first first.
pub async fn spendable_lots(
    tx: &mut Conn,
    customer: &str,
    now: i64,
) -> Result<Vec<LotLeft>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, remaining, expired, source, reference FROM loyalty_lots \
         WHERE customer_id = $1 AND expires_at > $2 AND remaining > 0 \
         ORDER BY expires_at, earned_at, id",
    )
    .bind(customer)
    .bind(now)
    .fetch_all(&mut *tx)
    .await
}

/// Takes `points` from a lot if it has them: one conditional statement.
pub async fn take_from_lot(tx: &mut Conn, id: &str, points: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE loyalty_lots SET remaining = remaining - $2 WHERE id = $1 AND remaining >= $2",
    )
    .bind(id)
    .bind(points)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// Marks the lot an order earned as taken back (once: one conditional statement) and takes
/// what it has left. Returns (id, points taken) when this call did it.
pub async fn take_back_lot(
    tx: &mut Conn,
    customer: &str,
    order: &str,
    now: i64,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE loyalty_lots SET taken_back_at = $3, taken = taken + remaining, remaining = 0 \
         WHERE customer_id = $1 AND source = 'earned' AND reference = $2 AND taken_back_at IS NULL \
         RETURNING id, taken",
    )
    .bind(customer)
    .bind(order)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await
}

/// The lot an order earned: its id, points, what it has left and whether it was taken back.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EarnedLot {
    pub id: String,
    pub points: i64,
    pub remaining: i64,
    pub taken_back_at: Option<i64>,
}

pub async fn earned_lot(
    tx: &mut Conn,
    customer: &str,
    order: &str,
) -> Result<Option<EarnedLot>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, points, remaining, taken_back_at FROM loyalty_lots \
         WHERE customer_id = $1 AND source = 'earned' AND reference = $2",
    )
    .bind(customer)
    .bind(order)
    .fetch_optional(&mut *tx)
    .await
}

/// Takes `points` of a lot back (it must have them: one conditional statement) and stops
/// `goods` of it counting for the tier.
pub async fn take_part_of_lot(
    tx: &mut Conn,
    id: &str,
    points: i64,
    goods: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE loyalty_lots SET remaining = remaining - $2, taken = taken + $2, \
         goods = CASE WHEN goods > $3 THEN goods - $3 ELSE 0 END WHERE id = $1 AND remaining >= $2",
    )
    .bind(id)
    .bind(points)
    .bind(goods)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// When the earliest lot an order spent from expires (none when it spent nothing).
pub async fn spent_lots_expiry(
    tx: &mut Conn,
    customer: &str,
    order: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MIN(l.expires_at) FROM loyalty_spends s JOIN loyalty_lots l ON l.id = s.lot_id \
         WHERE s.customer_id = $1 AND s.order_number = $2",
    )
    .bind(customer)
    .bind(order)
    .fetch_one(&mut *tx)
    .await
}

/// Points an order gives back to a lot: to what the lot has left, or — when the lot's own order
/// was taken back — to what is taken. Returns whether the lot was taken back.
pub async fn return_to_lot(tx: &mut Conn, id: &str, points: i64) -> Result<bool, sqlx::Error> {
    let taken_back: Option<i64> = sqlx::query_scalar(
        "UPDATE loyalty_lots SET \
         remaining = remaining + CASE WHEN taken_back_at IS NULL THEN $2 ELSE 0 END, \
         taken = taken + CASE WHEN taken_back_at IS NULL THEN 0 ELSE $2 END \
         WHERE id = $1 RETURNING taken_back_at",
    )
    .bind(id)
    .bind(points)
    .fetch_one(&mut *tx)
    .await?;
    Ok(taken_back.is_some())
}

/// Unexpired points the customer has.
pub async fn available(conn: &mut Conn, customer: &str, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) FROM loyalty_lots \
         WHERE customer_id = $1 AND expires_at > $2",
    )
    .bind(customer)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
}

/// Unexpired points by the time they expire, soonest first: (expires at, points).
pub async fn expiring(
    conn: &mut Conn,
    customer: &str,
    now: i64,
    limit: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT expires_at, CAST(SUM(remaining) AS BIGINT) FROM loyalty_lots \
         WHERE customer_id = $1 AND expires_at > $2 AND remaining > 0 \
         GROUP BY expires_at ORDER BY expires_at LIMIT $3",
    )
    .bind(customer)
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}

/// Up to `limit` customers with lots past their expiry that still hold points.
pub async fn customers_with_lapsed_lots(
    conn: &mut Conn,
    now: i64,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT customer_id FROM loyalty_lots WHERE expires_at <= $1 AND remaining > 0 \
         LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}

// ---- What orders spent ----

/// Whether the order already spent the customer's points (given back since or not).
pub async fn has_spent(tx: &mut Conn, customer: &str, order: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM loyalty_spends WHERE customer_id = $1 AND order_number = $2",
    )
    .bind(customer)
    .bind(order)
    .fetch_one(&mut *tx)
    .await?
        > 0)
}

pub async fn insert_spend(
    tx: &mut Conn,
    customer: &str,
    order: &str,
    lot: &str,
    points: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO loyalty_spends (customer_id, order_number, lot_id, points, spent_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(customer)
    .bind(order)
    .bind(lot)
    .bind(points)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Marks what an order spent as given back (once: one conditional statement) and returns it,
/// (lot id, points) per lot.
pub async fn release_spends(
    tx: &mut Conn,
    customer: &str,
    order: &str,
    now: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE loyalty_spends SET returned_at = $3 \
         WHERE customer_id = $1 AND order_number = $2 AND returned_at IS NULL \
         RETURNING lot_id, points",
    )
    .bind(customer)
    .bind(order)
    .bind(now)
    .fetch_all(&mut *tx)
    .await
}

// ---- The ledger ----

/// One ledger entry to write.
pub struct NewEntry<'a> {
    pub customer: &'a str,
    pub kind: &'a str,
    pub points: i64,
    pub order_number: Option<&'a str>,
    pub key: &'a str,
    pub at: i64,
}

/// Appends an entry unless one with its idempotency key exists; returns whether it did.
pub async fn append(tx: &mut Conn, e: &NewEntry<'_>) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO loyalty_ledger (id, customer_id, kind, points, order_number, idempotency_key, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (customer_id, idempotency_key) DO NOTHING",
    )
    .bind(crate::db::new_id())
    .bind(e.customer)
    .bind(e.kind)
    .bind(e.points)
    .bind(e.order_number)
    .bind(e.key)
    .bind(e.at)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// A ledger entry as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntryRow {
    pub id: String,
    pub kind: String,
    pub points: i64,
    pub order_number: Option<String>,
    pub at: i64,
}

/// A page of the customer's ledger, newest first, before (`at`, `id`).
pub async fn entries(
    conn: &mut Conn,
    customer: &str,
    before: (i64, &str),
    limit: i64,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, points, order_number, at FROM loyalty_ledger WHERE customer_id = $1 \
         AND (at < $2 OR (at = $2 AND id < $3)) ORDER BY at DESC, id DESC LIMIT $4",
    )
    .bind(customer)
    .bind(before.0)
    .bind(before.1)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await
}

/// The sum of the customer's ledger (what they have unless something expired unswept).
pub async fn ledger_sum(conn: &mut Conn, customer: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM loyalty_ledger WHERE customer_id = $1",
    )
    .bind(customer)
    .fetch_one(&mut *conn)
    .await
}

/// The account's balance (the reservation counter).
pub async fn balance(conn: &mut Conn, customer: &str) -> Result<i64, sqlx::Error> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT balance FROM loyalty_accounts WHERE customer_id = $1")
            .bind(customer)
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(0),
    )
}

/// What the customer's lots hold, expired or not yet swept included.
pub async fn remaining_total(conn: &mut Conn, customer: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) FROM loyalty_lots WHERE customer_id = $1",
    )
    .bind(customer)
    .fetch_one(&mut *conn)
    .await
}
