//! The payments' SQL: saved cards, the sandbox bank's bonus accounts «Спасибо», an order's
//! tenders, payment attempts, and the sandbox acquirer's own books.

use crate::db::Conn;
use crate::db::Db;
use crate::db::autocommit;

// ---- Saved cards ----

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SavedCard {
    pub id: String,
    pub brand: String,
    pub last4: String,
    pub exp_month: i64,
    pub exp_year: i64,
    /// Bank bonuses «Спасибо» left on this card (kopecks; the sandbox bank's answer).
    pub spasibo_balance: i64,
}

/// The customer's saved cards, newest first, with the bonuses left on each.
pub async fn saved_cards(db: &Db, customer: &str) -> Result<Vec<SavedCard>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.brand, c.last4, c.exp_month, c.exp_year, $2 - COALESCE(a.spent, 0) AS spasibo_balance \
         FROM saved_cards c LEFT JOIN spasibo_accounts a \
         ON a.customer_id = c.customer_id AND a.brand = c.brand AND a.last4 = c.last4 \
         WHERE c.customer_id = $1 ORDER BY c.created_at DESC, c.id",
    )
    .bind(customer)
    .bind(super::SPASIBO_SANDBOX_GRANT)
    .fetch_all(db)
    .await
}

/// One of the customer's saved cards: brand, last 4, expiry month and year.
pub async fn saved_card(
    db: &Db,
    customer: &str,
    id: &str,
) -> Result<Option<(String, String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT brand, last4, exp_month, exp_year FROM saved_cards WHERE id = $1 AND customer_id = $2",
    )
    .bind(id)
    .bind(customer)
    .fetch_optional(db)
    .await
}

pub async fn insert_saved_card(
    db: &Db,
    customer: &str,
    token: &str,
    card: &super::Card,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO saved_cards (id, customer_id, token, brand, last4, exp_month, exp_year, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
    )
    .bind(crate::db::new_id())
    .bind(customer)
    .bind(token)
    .bind(card.brand.as_str())
    .bind(&card.last4)
    .bind(i64::from(card.exp_month))
    .bind(i64::from(card.exp_year))
    .bind(now)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// True when the card was the customer's and is gone.
pub async fn delete_saved_card(db: &Db, customer: &str, id: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM saved_cards WHERE id = $1 AND customer_id = $2")
            .bind(id)
            .bind(customer)
            .execute(autocommit(db))
            .await?
            .rows_affected()
            == 1,
    )
}

// ---- Bonuses «Спасибо» (the sandbox bank's accounts, one per card) ----

/// Spends `amount` of a card's bonuses if the grant covers it (one conditional statement).
/// `Ok(None)` when spent; `Ok(Some(left))` when not, with what is left.
pub async fn spend_spasibo(
    tx: &mut Conn,
    customer: &str,
    brand: &str,
    last4: &str,
    amount: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query(
        "INSERT INTO spasibo_accounts (customer_id, brand, last4, spent) VALUES ($1, $2, $3, 0) \
         ON CONFLICT (customer_id, brand, last4) DO NOTHING",
    )
    .bind(customer)
    .bind(brand)
    .bind(last4)
    .execute(&mut *tx)
    .await?;
    let spent = sqlx::query(
        "UPDATE spasibo_accounts SET spent = spent + $1 \
         WHERE customer_id = $2 AND brand = $3 AND last4 = $4 AND spent + $1 <= $5",
    )
    .bind(amount)
    .bind(customer)
    .bind(brand)
    .bind(last4)
    .bind(super::SPASIBO_SANDBOX_GRANT)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if spent == 1 {
        return Ok(None);
    }
    let used: i64 = sqlx::query_scalar(
        "SELECT spent FROM spasibo_accounts WHERE customer_id = $1 AND brand = $2 AND last4 = $3",
    )
    .bind(customer)
    .bind(brand)
    .bind(last4)
    .fetch_one(&mut *tx)
    .await?;
    Ok(Some(super::SPASIBO_SANDBOX_GRANT - used))
}

/// Gives `amount` of bonuses back to a card's account.
pub async fn return_spasibo(
    tx: &mut Conn,
    customer: &str,
    brand: &str,
    last4: &str,
    amount: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE spasibo_accounts SET spent = spent - $1 WHERE customer_id = $2 AND brand = $3 AND last4 = $4",
    )
    .bind(amount)
    .bind(customer)
    .bind(brand)
    .bind(last4)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

// ---- Tenders: the parts an order's payment is made of ----

/// Records one tender of an order, held.
pub async fn insert_tender(
    tx: &mut Conn,
    order_id: &str,
    kind: &str,
    account: &str,
    amount: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO order_tenders (order_id, kind, account, amount, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'held', $5, $5)",
    )
    .bind(order_id)
    .bind(kind)
    .bind(account)
    .bind(amount)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Marks every held tender of an order released and returns them (kind, account, amount):
/// one conditional statement, so a tender is released once however many callers race.
pub async fn release_tenders(
    tx: &mut Conn,
    order_id: &str,
    now: i64,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE order_tenders SET status = 'released', updated_at = $2 \
         WHERE order_id = $1 AND status = 'held' RETURNING kind, account, amount",
    )
    .bind(order_id)
    .bind(now)
    .fetch_all(&mut *tx)
    .await
}

/// Forgets the tenders of an order that never happened (a declined first payment).
pub async fn delete_tenders(tx: &mut Conn, order_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM order_tenders WHERE order_id = $1")
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// An order's tenders (kind, account, amount, status), in the order they pay.
pub async fn tenders(
    db: &Db,
    order_id: &str,
) -> Result<Vec<(String, String, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, account, amount, status FROM order_tenders WHERE order_id = $1 ORDER BY created_at, kind",
    )
    .bind(order_id)
    .fetch_all(db)
    .await
}

/// An order's held tenders (kind, amount), inside the caller's transaction.
pub async fn held_tenders(
    tx: &mut Conn,
    order_id: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, amount FROM order_tenders WHERE order_id = $1 AND status = 'held' ORDER BY created_at, kind",
    )
    .bind(order_id)
    .fetch_all(&mut *tx)
    .await
}

// ---- Payment attempts ----

pub async fn insert_attempt(
    tx: &mut Conn,
    order_id: &str,
    provider: &str,
    reference: &str,
    amount: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payment_attempts (id, order_id, provider, reference, amount, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)",
    )
    .bind(crate::db::new_id())
    .bind(order_id)
    .bind(provider)
    .bind(reference)
    .bind(amount)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Moves an attempt to `to` if it is in one of `from` (at most four statuses); true when it
/// moved.
pub async fn move_attempt(
    tx: &mut Conn,
    reference: &str,
    from: &[&str],
    to: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let any = |i: usize| from.get(i).or(from.first()).copied().unwrap_or("");
    Ok(sqlx::query(
        "UPDATE payment_attempts SET status = $2, updated_at = $3 \
         WHERE reference = $1 AND status IN ($4, $5, $6, $7)",
    )
    .bind(reference)
    .bind(to)
    .bind(now)
    .bind(any(0))
    .bind(any(1))
    .bind(any(2))
    .bind(any(3))
    .execute(tx)
    .await?
    .rows_affected()
        == 1)
}

/// Marks every attempt of an order whose money is taken or may be taken `refund_due`, and
/// returns their references.
pub async fn mark_refund_due(
    tx: &mut Conn,
    order_id: &str,
    now: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE payment_attempts SET status = 'refund_due', updated_at = $2 \
         WHERE order_id = $1 AND status IN ('approved', 'needs_confirmation', 'pending') \
         RETURNING reference",
    )
    .bind(order_id)
    .bind(now)
    .fetch_all(&mut *tx)
    .await
}

/// The approved attempt of an order (whose charge a partial refund gives back from).
pub async fn approved_attempt(
    tx: &mut Conn,
    order_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT reference FROM payment_attempts WHERE order_id = $1 AND status = 'approved' \
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(order_id)
    .fetch_optional(&mut *tx)
    .await
}

/// Records how a `refund_due` attempt ended (`refunded` or `voided`).
pub async fn finish_refund(
    db: &Db,
    reference: &str,
    status: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE payment_attempts SET status = $2, updated_at = $3 WHERE reference = $1 AND status = 'refund_due'",
    )
    .bind(reference)
    .bind(status)
    .bind(now)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// When an attempt last changed.
pub async fn attempt_updated_at(db: &Db, reference: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT updated_at FROM payment_attempts WHERE reference = $1")
        .bind(reference)
        .fetch_optional(db)
        .await
}

/// The status of an order's newest attempt.
pub async fn latest_attempt_status(db: &Db, order_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT status FROM payment_attempts WHERE order_id = $1 ORDER BY created_at DESC LIMIT 1",
    )
    .bind(order_id)
    .fetch_optional(db)
    .await
}

/// The attempt of an order that waits for the customer's confirmation: (reference, amount).
pub async fn waiting_attempt(
    db: &Db,
    order_id: &str,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT reference, amount FROM payment_attempts WHERE order_id = $1 AND status = 'needs_confirmation' \
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(order_id)
    .fetch_optional(db)
    .await
}

/// The order an attempt pays.
pub async fn attempt_order(db: &Db, reference: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT order_id FROM payment_attempts WHERE reference = $1")
        .bind(reference)
        .fetch_optional(db)
        .await
}

/// Attempts left open (order, reference, status, updated_at), oldest first.
pub async fn open_attempts(db: &Db) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT order_id, reference, status, updated_at FROM payment_attempts \
         WHERE status IN ('pending', 'needs_confirmation', 'refund_due') ORDER BY created_at LIMIT 1000",
    )
    .fetch_all(db)
    .await
}

// ---- The sandbox acquirer's own books (a real acquirer keeps these on its side) ----

/// The sandbox's record of a charge (a repeated charge keeps the first).
pub struct SandboxCharge<'a> {
    pub reference: &'a str,
    pub outcome: &'a str,
    pub amount: i64,
    /// `card:0010` or `wallet:yoomoney`.
    pub instrument: &'a str,
    pub description: &'a str,
    pub return_url: &'a str,
    pub expires_at: i64,
    pub now: i64,
}

pub async fn sandbox_record(db: &Db, c: SandboxCharge<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sandbox_payments (reference, outcome, amount, at, instrument, return_url, description, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (reference) DO NOTHING",
    )
    .bind(c.reference)
    .bind(c.outcome)
    .bind(c.amount)
    .bind(c.now)
    .bind(c.instrument)
    .bind(c.return_url)
    .bind(c.description)
    .bind(c.expires_at)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// What the sandbox knows of a reference.
#[derive(sqlx::FromRow)]
pub struct SandboxPayment {
    pub outcome: String,
    pub amount: i64,
    pub instrument: String,
    pub description: String,
    pub return_url: String,
    pub expires_at: i64,
    pub refunded_at: Option<i64>,
}

impl SandboxPayment {
    /// Whether the customer may still answer it on the bank's page.
    pub fn waits(&self, now: i64) -> bool {
        self.outcome == "needs_confirmation" && self.refunded_at.is_none() && self.expires_at >= now
    }
}

pub async fn sandbox_payment(
    db: &Db,
    reference: &str,
) -> Result<Option<SandboxPayment>, sqlx::Error> {
    sqlx::query_as(
        "SELECT outcome, amount, instrument, description, return_url, expires_at, refunded_at \
         FROM sandbox_payments WHERE reference = $1",
    )
    .bind(reference)
    .fetch_optional(db)
    .await
}

/// A waiting charge gets the customer's answer (`approved` or `declined`) while it may be
/// confirmed; true when one was waiting.
pub async fn sandbox_decide(
    db: &Db,
    reference: &str,
    outcome: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE sandbox_payments SET outcome = $2 \
         WHERE reference = $1 AND outcome = 'needs_confirmation' AND refunded_at IS NULL AND expires_at >= $3",
    )
    .bind(reference)
    .bind(outcome)
    .bind(now)
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

/// Gives back `amount` (never more than was charged; `refunded_at` once whole).
pub async fn sandbox_refund(
    db: &Db,
    reference: &str,
    amount: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sandbox_payments SET \
         refunded = CASE WHEN refunded + $3 > amount THEN amount ELSE refunded + $3 END, \
         refunded_at = CASE WHEN refunded + $3 >= amount THEN $2 ELSE NULL END \
         WHERE reference = $1 AND refunded_at IS NULL",
    )
    .bind(reference)
    .bind(now)
    .bind(amount)
    .execute(autocommit(db))
    .await?;
    Ok(())
}
