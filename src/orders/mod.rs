//! Checkout, orders and purchased items (PRODUCT S5–S7).
//!
//! `POST /orders` turns the cart into an order inside one transaction: stock is reserved by
//! conditional updates (an order never oversells), the same `Idempotency-Key` never makes a
//! second order or charge, and a declined payment cancels the order and releases its stock.
//! Bank bonuses «Спасибо» pay part of a card payment (at most 99 %); they are spent inside the
//! order's transaction and come back when it is cancelled. Points and account balance as
//! payment come with the wallet.

pub mod api;
pub mod pages;

use crate::app::AppState;
use crate::auth::sessions::Authenticated;
use crate::cart;
use crate::delivery::{self, Kind};
use crate::error::{AppError, AppResult};
use crate::payments::{self, Outcome};
use serde::Serialize;

/// Unpaid orders are cancelled after this long.
pub const PAY_WITHIN_MS: i64 = 30 * 60_000;

pub use crate::domain::order::OrderStatus;

#[derive(Debug, Clone)]
pub enum Delivery {
    Courier { address: String },
    Point { id: String, kind: Kind },
}

/// Who collects the order (prefilled from the profile).
#[derive(Debug, Clone, Default)]
pub struct Recipient {
    pub name: String,
    /// As typed; checked and stored as E.164.
    pub phone: String,
}

#[derive(Debug, Clone)]
pub enum Payment {
    /// A card as typed; `save` keeps its token, brand, last 4 and expiry for next time.
    Card {
        number: String,
        exp_month: u32,
        exp_year: u32,
        cvc: String,
        save: bool,
    },
    /// A card saved by an earlier payment: the returning customer only confirms.
    SavedCard { id: String },
    /// YooMoney, WebMoney, QIWI or PayPal: the customer confirms on the wallet's page.
    Wallet { provider: String },
}

/// A payment, resolved and checked, before the order exists.
struct Charge {
    method: &'static str,
    provider: Option<String>,
    brand: Option<String>,
    last4: Option<String>,
    /// What the sandbox acquirer will decide for this card (it is asked only once the order
    /// and the attempt are on record).
    decision: Outcome,
    /// A card to save once the order is placed.
    save: Option<payments::Card>,
}

async fn resolve_payment(
    state: &AppState,
    customer: &str,
    payment: &Payment,
    now: i64,
) -> AppResult<Charge> {
    match payment {
        Payment::Card {
            number,
            exp_month,
            exp_year,
            cvc,
            save,
        } => {
            let card =
                payments::check_card(number, *exp_month, *exp_year, cvc, now_year_month(now))
                    .map_err(|e| AppError::bad_request(e.code()))?;
            Ok(Charge {
                method: "card",
                provider: None,
                brand: Some(card.brand.as_str().to_owned()),
                last4: Some(card.last4.clone()),
                decision: payments::sandbox_charge(&card.last4),
                save: save.then_some(card),
            })
        }
        Payment::SavedCard { id } => {
            let row: Option<(String, String, i64, i64)> = sqlx::query_as(
                "SELECT brand, last4, exp_month, exp_year FROM saved_cards WHERE id = $1 AND customer_id = $2",
            )
            .bind(id)
            .bind(customer)
            .fetch_optional(&state.db)
            .await?;
            let (brand, last4, m, y) =
                row.ok_or_else(|| AppError::missing("saved_card_not_found"))?;
            if (y as i32, m as u32) < now_year_month(now) {
                return Err(AppError::bad_request("card_expired"));
            }
            Ok(Charge {
                method: "card",
                provider: None,
                decision: payments::sandbox_charge(&last4),
                brand: Some(brand),
                last4: Some(last4),
                save: None,
            })
        }
        Payment::Wallet { provider } => {
            if !payments::WALLETS.contains(&provider.as_str()) {
                return Err(AppError::bad_request("invalid_wallet"));
            }
            Ok(Charge {
                method: "wallet",
                provider: Some(provider.clone()),
                brand: None,
                last4: None,
                decision: Outcome::NeedsConfirmation,
                save: None,
            })
        }
    }
}

async fn save_card(state: &AppState, customer: &str, card: &payments::Card) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO saved_cards (id, customer_id, token, brand, last4, exp_month, exp_year, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
    )
    .bind(crate::db::new_id())
    .bind(customer)
    .bind(payments::card_token())
    .bind(card.brand.as_str())
    .bind(&card.last4)
    .bind(i64::from(card.exp_month))
    .bind(i64::from(card.exp_year))
    .bind(state.clock.now_ms())
    .execute(&state.db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SavedCard {
    pub id: String,
    pub brand: String,
    pub last4: String,
    pub exp_month: i64,
    pub exp_year: i64,
    /// Bank bonuses «Спасибо» left on this card (kopecks; the sandbox bank's answer).
    pub spasibo_balance: i64,
}

/// Forgets one of the customer's saved cards (another customer's is simply not found).
pub async fn forget_card(state: &AppState, customer: &str, id: &str) -> AppResult<()> {
    let n = sqlx::query("DELETE FROM saved_cards WHERE id = $1 AND customer_id = $2")
        .bind(id)
        .bind(customer)
        .execute(&state.db)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(AppError::missing("saved_card_not_found"));
    }
    Ok(())
}

pub async fn saved_cards(state: &AppState, customer: &str) -> AppResult<Vec<SavedCard>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.brand, c.last4, c.exp_month, c.exp_year, $2 - COALESCE(a.spent, 0) AS spasibo_balance \
         FROM saved_cards c LEFT JOIN spasibo_accounts a \
         ON a.customer_id = c.customer_id AND a.brand = c.brand AND a.last4 = c.last4 \
         WHERE c.customer_id = $1 ORDER BY c.created_at DESC, c.id",
    )
    .bind(customer)
    .bind(payments::SPASIBO_SANDBOX_GRANT)
    .fetch_all(&state.db)
    .await?)
}

/// Delivery prices: courier 299 ₽; points free from 1 000 ₽ of goods, else 99 ₽.
pub fn delivery_cost(delivery: &Delivery, goods: i64) -> i64 {
    match delivery {
        Delivery::Courier { .. } => 29_900,
        Delivery::Point { .. } if goods >= 100_000 => 0,
        Delivery::Point { .. } => 9_900,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderLine {
    pub product_id: String,
    pub title: String,
    pub seller_id: String,
    pub seller_name: String,
    pub price: i64,
    pub quantity: i64,
    pub line_total: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Event {
    pub status: OrderStatus,
    pub at: String,
}

/// Where an order goes and who collects it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderDelivery {
    /// `pickup_point`, `parcel_locker` or `courier`.
    pub method: String,
    pub pickup_point_id: Option<String>,
    pub address: String,
    pub recipient: OrderRecipient,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderRecipient {
    pub name: String,
    pub phone: String,
}

/// How an order is paid: a card (brand, last digits) or a wallet, and bonuses «Спасибо».
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderPayment {
    /// `card` or `wallet`.
    pub method: String,
    pub card_brand: Option<String>,
    pub provider: Option<String>,
    pub card_last4: Option<String>,
    /// The order total, kopecks.
    pub amount: i64,
    /// Paid with bonuses «Спасибо», kopecks.
    pub spasibo: i64,
    /// Paid by the card or wallet, kopecks.
    pub card_amount: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Order {
    pub number: String,
    pub status: OrderStatus,
    pub placed_at: String,
    pub received_at: Option<String>,
    pub goods_total: i64,
    pub delivery_cost: i64,
    pub total: i64,
    pub delivery: OrderDelivery,
    pub payment: OrderPayment,
    pub lines: Vec<OrderLine>,
    pub timeline: Vec<Event>,
    /// Where the customer confirms the payment (3-D Secure, wallets), while it waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_url: Option<String>,
}

impl Order {
    /// Whether the money was ever taken (a cancelled order may have been paid and refunded).
    pub fn was_paid(&self) -> bool {
        self.timeline.iter().any(|e| e.status == OrderStatus::Paid)
    }
    /// How many items (the sum of quantities) the order holds.
    pub fn items_count(&self) -> i64 {
        self.lines.iter().map(|l| l.quantity).sum()
    }
    /// «Мир ·· 0004» for a card, the wallet's name for a wallet.
    pub fn paid_with(&self, l: &crate::i18n::Locale) -> String {
        let p = &self.payment;
        match &p.provider {
            Some(w) => l.t(&format!("wallet-{w}")),
            None => format!(
                "{}\u{a0}·· {}",
                crate::payments::brand_name_in(p.card_brand.as_deref().unwrap_or(""), *l),
                p.card_last4.as_deref().unwrap_or("")
            ),
        }
    }
    pub fn by_courier(&self) -> bool {
        self.delivery.method == "courier"
    }
    /// Bonuses «Спасибо» spent on the order, kopecks.
    pub fn spasibo(&self) -> i64 {
        self.payment.spasibo
    }
    /// What the card or wallet pays (the total less bonuses).
    pub fn card_amount(&self) -> i64 {
        self.payment.card_amount
    }
}

/// The result of a checkout: the order, and whether it is paid (201) or waits for the
/// customer's confirmation (202).
pub struct Placed {
    pub order: Order,
    pub paid: bool,
}

fn now_year_month(ms: i64) -> (i32, u32) {
    let t = time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    (t.year(), u8::from(t.month()) as u32)
}

pub async fn checkout(
    state: &AppState,
    auth: &Authenticated,
    key: &str,
    delivery: Delivery,
    payment: Payment,
    spasibo: i64,
    recipient: Option<Recipient>,
) -> AppResult<Placed> {
    let customer = &auth.customer.id;
    if key.is_empty() || key.len() > 128 {
        return Err(AppError::bad_request("idempotency_key_required"));
    }
    // The same key: the same answer, never a second order or charge.
    if let Some(placed) = replay(state, customer, key).await? {
        return Ok(placed);
    }
    match place_new(state, auth, key, delivery, payment, spasibo, recipient).await {
        Ok(placed) => Ok(placed),
        // A request with the same key may have won meanwhile (and emptied the cart this one
        // then found empty): its answer is this one's too.
        Err(e) => match replay(state, customer, key).await? {
            Some(placed) if e.code != "payment_declined" => Ok(placed),
            _ => Err(e),
        },
    }
}

async fn place_new(
    state: &AppState,
    auth: &Authenticated,
    key: &str,
    delivery: Delivery,
    payment: Payment,
    spasibo: i64,
    recipient: Option<Recipient>,
) -> AppResult<Placed> {
    let customer = &auth.customer.id;
    let now = state.clock.now_ms();
    if spasibo < 0 {
        return Err(AppError::bad_request("invalid_spasibo_amount"));
    }
    // The recipient: as given (checked), else the customer as the profile has them.
    let (recipient_name, recipient_phone) = match recipient {
        Some(r) => {
            let name = r.name.split_whitespace().collect::<Vec<_>>().join(" ");
            if name.chars().count() < 2 || name.chars().count() > 100 {
                return Err(AppError::bad_request("invalid_recipient_name"));
            }
            let phone = crate::auth::parse_phone(&r.phone, &state.config.allowed_countries)
                .map_err(|_| AppError::bad_request("invalid_recipient_phone"))?;
            (name, phone)
        }
        None => (
            auth.customer.full_name(),
            auth.customer.phone.clone().unwrap_or_default(),
        ),
    };
    if spasibo > 0 && matches!(payment, Payment::Wallet { .. }) {
        return Err(AppError::bad_request("spasibo_needs_card"));
    }
    let charge = resolve_payment(state, customer, &payment, now).await?;
    let cart = cart::load(state, customer, crate::i18n::Locale::Ru).await?;
    if cart.lines.is_empty() {
        return Err(AppError::conflict("cart_empty"));
    }
    let (method, point_id, address) = match &delivery {
        Delivery::Courier { address } => {
            let a = address.trim();
            if a.chars().count() < 5 || a.chars().count() > 300 {
                return Err(AppError::bad_request("invalid_address"));
            }
            ("courier", None, a.to_owned())
        }
        Delivery::Point { id, kind } => {
            let p = delivery::get(state, id)
                .await?
                .filter(|p| p.kind == kind.as_str())
                .ok_or_else(|| AppError::missing("pickup_point_not_found"))?;
            if !p.fits(&delivery::cart_parcels(state, customer).await?) {
                return Err(AppError::conflict("parcel_does_not_fit"));
            }
            (kind.as_str(), Some(p.id.clone()), p.address.clone())
        }
    };
    let goods = cart.total;
    let delivery_price = delivery_cost(&delivery, goods);
    let most = payments::spasibo_limit(goods + delivery_price);
    if spasibo > most {
        return Err(
            // Bonuses are whole roubles: the most that may be typed.
            AppError::bad_request("spasibo_too_large")
                .arg("max", crate::catalog::rubles(most / 100 * 100)),
        );
    }
    let order_id = crate::db::new_id();
    let reference = crate::db::new_id();
    let new_order = NewOrder {
        id: order_id.clone(),
        customer: customer.clone(),
        key: key.to_owned(),
        lines: cart.lines.clone(),
        goods,
        delivery_price,
        method: method.to_owned(),
        point_id: point_id.clone(),
        address,
        payment_method: charge.method.to_owned(),
        provider: charge.provider.clone(),
        brand: charge.brand.clone(),
        last4: charge.last4.clone(),
        spasibo,
        recipient: (recipient_name, recipient_phone),
        reference: reference.clone(),
        now,
    };
    // The order, its reserved stock and bonuses, and the payment attempt are on record before
    // the acquirer is asked: a crash from here on leaves a row the reconciler finishes.
    let st = state.clone();
    let placed = crate::db::detached(crate::db::retrying(move || {
        place(st.clone(), new_order.clone())
    }))
    .await;
    match placed {
        Ok(()) => {}
        Err(PlaceError::Db(e)) => {
            // A racing request with the same key got there first: its answer, or "wait".
            if let Some(placed) = replay(state, customer, key).await? {
                return Ok(placed);
            }
            if matches!(&e, sqlx::Error::Database(d) if d.is_unique_violation()) {
                return Err(AppError::conflict("idempotency_in_progress"));
            }
            return Err(e.into());
        }
        Err(PlaceError::Stock(available)) => {
            return Err(
                AppError::conflict("not_enough_stock").arg("available", available.to_string())
            );
        }
        Err(PlaceError::Spasibo(available)) => {
            return Err(AppError::conflict("spasibo_not_enough")
                .arg("available", crate::catalog::rubles(available)));
        }
        Err(PlaceError::CartChanged) => return Err(AppError::conflict("cart_changed")),
    }
    let amount = goods + delivery_price - spasibo;
    let outcome =
        payments::sandbox::charge(&state.db, &reference, amount, charge.decision, now).await?;
    settle(state, &order_id, &reference, outcome).await?;
    if outcome == Outcome::Declined {
        // Nothing was taken: the order is gone, the cart and the stock are as they were.
        return Err(AppError::declined("payment_declined"));
    }
    if let Some(p) = &point_id {
        delivery::remember(state, customer, p).await?;
    }
    if let Delivery::Courier { address } = &delivery {
        // Kept for next time; a full address book only means this one is not added.
        match delivery::addresses::add(state, customer, address, false).await {
            Ok(_) => {}
            Err(e) if e.code == "too_many_addresses" => {}
            Err(e) => return Err(e),
        }
    }
    // A card is saved only when it was accepted.
    if let Some(card) = &charge.save {
        save_card(state, customer, card).await?;
    }
    // Gone only when the reconciler declined an attempt the acquirer never answered.
    replay(state, customer, key)
        .await?
        .ok_or_else(|| AppError::declined("payment_declined"))
}

/// The answer a request with this key already got, if it finished: the order (201 when paid,
/// 202 with the page to confirm on). While the first request is still with the acquirer:
/// 409 `idempotency_in_progress`. `None`: no order under this key.
async fn replay(state: &AppState, customer: &str, key: &str) -> AppResult<Option<Placed>> {
    let by_key = "customer_id = $1 AND idempotency_key = $2";
    let Some(mut row) = one_order(state, by_key, &[customer, key]).await? else {
        return Ok(None);
    };
    let attempt: Option<String> = sqlx::query_scalar(
        "SELECT status FROM payment_attempts WHERE order_id = $1 ORDER BY created_at DESC LIMIT 1",
    )
    .bind(&row.id)
    .fetch_optional(&state.db)
    .await?;
    match attempt.as_deref() {
        Some("pending") => return Err(AppError::conflict("idempotency_in_progress")),
        // Settled after the order was read: an approval and `paid` commit together, so the
        // order read again is paid (a declined one is gone).
        Some(_) if row.status == OrderStatus::AwaitingPayment.as_str() => {
            match one_order(state, by_key, &[customer, key]).await? {
                Some(again) => row = again,
                None => return Ok(None),
            }
        }
        _ => {}
    }
    let wallet = row.payment_method == "wallet";
    let mut order = order_of(row)?;
    let paid = order.status != OrderStatus::AwaitingPayment;
    if order.status == OrderStatus::AwaitingPayment {
        let page = if wallet { "wallet" } else { "3ds" };
        order.payment_url = Some(format!("{}/pay/{page}/{}", state.base_url, order.number));
    }
    Ok(Some(Placed { order, paid }))
}

/// Writes the acquirer's answer for an attempt: approved → the order is paid in the same
/// transaction; declined → the order is undone (stock, bonuses and cart back); waiting for the
/// customer → the attempt says so. An approval for an order that was cancelled meanwhile is
/// refunded at once. Safe to run twice and on several nodes: every step is conditional.
pub async fn settle(
    state: &AppState,
    order_id: &str,
    reference: &str,
    outcome: Outcome,
) -> AppResult<()> {
    let now = state.clock.now_ms();
    let (st, id, reference_owned) = (state.clone(), order_id.to_owned(), reference.to_owned());
    let refund: bool = crate::db::detached(crate::db::retrying(move || {
        let (st, id, reference) = (st.clone(), id.clone(), reference_owned.clone());
        async move {
            let mut tx = crate::db::begin_write(&st.db).await?;
            let refund = match outcome {
                Outcome::Approved => {
                    let moved = move_attempt(
                        &mut tx,
                        &reference,
                        &["pending", "needs_confirmation"],
                        "approved",
                        now,
                    )
                    .await?;
                    let paid = moved
                        && sqlx::query(
                            "UPDATE orders SET status = 'paid' WHERE id = $1 AND status = 'awaiting_payment'",
                        )
                        .bind(&id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                            == 1;
                    if paid {
                        add_event(&mut tx, &id, "paid", now).await?;
                        false
                    } else {
                        // Approved, but the order is no longer waiting (cancelled), or the
                        // attempt was given up before the approval came: the money is due back.
                        // Marked in this transaction, given back after it, retried by
                        // `reconcile`.
                        let from: &[&str] = if moved {
                            &["approved"]
                        } else {
                            // Not if it was approved already: that is a settle run twice.
                            &["declined", "voided", "refund_due"]
                        };
                        move_attempt(&mut tx, &reference, from, "refund_due", now).await?
                    }
                }
                Outcome::NeedsConfirmation => {
                    move_attempt(&mut tx, &reference, &["pending"], "needs_confirmation", now)
                        .await?;
                    false
                }
                Outcome::Declined => {
                    let from = ["pending", "needs_confirmation"];
                    if move_attempt(&mut tx, &reference, &from, "declined", now).await? {
                        undo_order(&mut tx, &id, now).await?;
                    }
                    false
                }
            };
            tx.commit().await?;
            Ok::<bool, sqlx::Error>(refund)
        }
    }))
    .await?;
    if refund {
        give_back(state, reference).await?;
    }
    Ok(())
}

/// Moves a payment attempt to `to` if it is in one of `from` (at most four statuses); true
/// when it moved.
async fn move_attempt(
    tx: &mut sqlx::AnyConnection,
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

/// Gives back the money of an attempt marked `refund_due`: refunds an approved charge (or
/// drops one still waiting for the customer's confirmation) at the acquirer, then records it.
/// A charge the acquirer never received is void once it is old enough not to be on its way.
/// Safe to repeat: the acquirer refunds a reference once.
async fn give_back(state: &AppState, reference: &str) -> AppResult<()> {
    let now = state.clock.now_ms();
    let status = match payments::sandbox::status(&state.db, reference).await? {
        Some(Outcome::Approved) => "refunded",
        Some(_) => "voided",
        None => {
            let updated: Option<i64> =
                sqlx::query_scalar("SELECT updated_at FROM payment_attempts WHERE reference = $1")
                    .bind(reference)
                    .fetch_optional(&state.db)
                    .await?;
            if updated.is_none_or(|at| at > now - UNANSWERED_MS) {
                // Maybe still on its way: `reconcile` looks again.
                return Ok(());
            }
            "voided"
        }
    };
    payments::sandbox::refund(&state.db, reference, now).await?;
    sqlx::query(
        "UPDATE payment_attempts SET status = $2, updated_at = $3 WHERE reference = $1 AND status = 'refund_due'",
    )
    .bind(reference)
    .bind(status)
    .bind(now)
    .execute(&state.db)
    .await?;
    Ok(())
}

/// A declined first payment: the order never happened. Its stock, bonuses and cart lines go
/// back and the order row goes (its attempt stays on record).
async fn undo_order(tx: &mut sqlx::AnyConnection, id: &str, now: i64) -> Result<(), sqlx::Error> {
    let waiting = sqlx::query(
        "UPDATE orders SET status = 'cancelled' WHERE id = $1 AND status = 'awaiting_payment'",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if !waiting {
        return Ok(());
    }
    release_goods(&mut *tx, id, true, now).await?;
    for sql in [
        "DELETE FROM order_events WHERE order_id = $1",
        "DELETE FROM order_lines WHERE order_id = $1",
        "DELETE FROM orders WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    Ok(())
}

async fn add_event(
    tx: &mut sqlx::AnyConnection,
    order_id: &str,
    status: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO order_events (order_id, status, at) VALUES ($1, $2, $3)")
        .bind(order_id)
        .bind(status)
        .bind(at)
        .execute(tx)
        .await?;
    Ok(())
}

/// An attempt the acquirer has no record of after this long never reached it (a crash before
/// the call): it is declined. Younger ones may still be on their way.
const UNANSWERED_MS: i64 = 60_000;

/// Finishes payment attempts left half-way — a crash between asking the acquirer and writing
/// its answer, or a customer who confirmed on the bank's page while we were down: asks the
/// acquirer about each open attempt and settles what it knows. Run at start-up and by the
/// housekeeping job. Returns how many attempts were settled.
pub async fn reconcile(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now_ms();
    let open: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT order_id, reference, status, updated_at FROM payment_attempts \
         WHERE status IN ('pending', 'needs_confirmation', 'refund_due') ORDER BY created_at LIMIT 1000",
    )
    .fetch_all(&state.db)
    .await?;
    let mut settled = 0;
    for (order_id, reference, status, updated_at) in open {
        if status == "refund_due" {
            give_back(state, &reference).await?;
            settled += 1;
            continue;
        }
        let outcome = match payments::sandbox::status(&state.db, &reference).await? {
            // Still with the customer (3-D Secure, a wallet page): nothing to do yet.
            Some(Outcome::NeedsConfirmation) if status == "needs_confirmation" => continue,
            Some(o) => o,
            None if updated_at <= now - UNANSWERED_MS => Outcome::Declined,
            None => continue,
        };
        settle(state, &order_id, &reference, outcome).await?;
        settled += 1;
    }
    Ok(settled)
}

#[derive(Clone)]
struct NewOrder {
    id: String,
    customer: String,
    key: String,
    lines: Vec<cart::Line>,
    goods: i64,
    delivery_price: i64,
    method: String,
    point_id: Option<String>,
    address: String,
    payment_method: String,
    provider: Option<String>,
    brand: Option<String>,
    last4: Option<String>,
    /// Bonuses «Спасибо» spent on this order (kopecks).
    spasibo: i64,
    /// Name and E.164 phone.
    recipient: (String, String),
    /// Our reference of the payment attempt, sent to the acquirer.
    reference: String,
    now: i64,
}

enum PlaceError {
    Db(sqlx::Error),
    /// Not enough stock of a line: how many are left.
    Stock(i64),
    /// Not enough bonuses «Спасибо» on the card: how many are left.
    Spasibo(i64),
    /// The cart is not what the checkout read (ordered meanwhile, or changed).
    CartChanged,
}

impl From<sqlx::Error> for PlaceError {
    fn from(e: sqlx::Error) -> Self {
        PlaceError::Db(e)
    }
}

impl crate::db::AsRetryable for PlaceError {
    fn retryable(&self) -> bool {
        matches!(self, PlaceError::Db(e) if crate::db::is_retryable(e))
    }
}

/// Takes the cart as it was read, reserves stock (in product-id order, so concurrent checkouts
/// never wait on each other in a cycle), spends bonuses and writes the order and its payment
/// attempt — all or nothing.
async fn place(state: AppState, o: NewOrder) -> Result<(), PlaceError> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    // The cart leaves exactly as it was read: a second checkout of the same cart (another tab,
    // another key) or a line changed meanwhile finds it different and orders nothing.
    for l in &o.lines {
        let taken = sqlx::query(
            "DELETE FROM cart_lines WHERE owner = $1 AND product_id = $2 AND quantity = $3",
        )
        .bind(&o.customer)
        .bind(&l.product_id)
        .bind(l.quantity)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken != 1 {
            tx.rollback().await?;
            return Err(PlaceError::CartChanged);
        }
    }
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cart_lines WHERE owner = $1")
        .bind(&o.customer)
        .fetch_one(&mut *tx)
        .await?;
    if left != 0 {
        tx.rollback().await?;
        return Err(PlaceError::CartChanged);
    }
    let mut by_product: Vec<&cart::Line> = o.lines.iter().collect();
    by_product.sort_by(|a, b| a.product_id.cmp(&b.product_id));
    for l in by_product {
        let reserved =
            sqlx::query("UPDATE products SET stock = stock - $1 WHERE id = $2 AND stock >= $1")
                .bind(l.quantity)
                .bind(&l.product_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if reserved != 1 {
            let left: i64 = sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
                .bind(&l.product_id)
                .fetch_one(&mut *tx)
                .await?;
            tx.rollback().await?;
            return Err(PlaceError::Stock(left));
        }
    }
    if o.spasibo > 0 {
        // The sandbox bank's bonus account of this card: spent only if the balance covers it.
        let (brand, last4) = (
            o.brand.as_deref().unwrap_or(""),
            o.last4.as_deref().unwrap_or(""),
        );
        sqlx::query(
            "INSERT INTO spasibo_accounts (customer_id, brand, last4, spent) VALUES ($1, $2, $3, 0) \
             ON CONFLICT (customer_id, brand, last4) DO NOTHING",
        )
        .bind(&o.customer)
        .bind(brand)
        .bind(last4)
        .execute(&mut *tx)
        .await?;
        let spent = sqlx::query(
            "UPDATE spasibo_accounts SET spent = spent + $1 \
             WHERE customer_id = $2 AND brand = $3 AND last4 = $4 AND spent + $1 <= $5",
        )
        .bind(o.spasibo)
        .bind(&o.customer)
        .bind(brand)
        .bind(last4)
        .bind(payments::SPASIBO_SANDBOX_GRANT)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if spent != 1 {
            let used: i64 = sqlx::query_scalar(
                "SELECT spent FROM spasibo_accounts WHERE customer_id = $1 AND brand = $2 AND last4 = $3",
            )
            .bind(&o.customer)
            .bind(brand)
            .bind(last4)
            .fetch_one(&mut *tx)
            .await?;
            tx.rollback().await?;
            return Err(PlaceError::Spasibo(payments::SPASIBO_SANDBOX_GRANT - used));
        }
    }
    let number: i64 = sqlx::query_scalar(
        "UPDATE counters SET value = value + 1 WHERE name = 'order_number' RETURNING value",
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO orders (id, number, customer_id, idempotency_key, status, placed_at, goods_total, delivery_cost, \
         total, delivery_method, pickup_point_id, delivery_address, payment_method, card_brand, card_last4, pay_deadline, \
         payment_provider, spasibo_amount, recipient_name, recipient_phone) \
         VALUES ($1, $2, $3, $4, 'awaiting_payment', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
    )
    .bind(&o.id)
    .bind(number.to_string())
    .bind(&o.customer)
    .bind(&o.key)
    .bind(o.now)
    .bind(o.goods)
    .bind(o.delivery_price)
    .bind(o.goods + o.delivery_price)
    .bind(&o.method)
    .bind(&o.point_id)
        .bind(&o.address)
    .bind(&o.payment_method)
    .bind(&o.brand)
    .bind(&o.last4)
    .bind(o.now + PAY_WITHIN_MS)
    .bind(&o.provider)
    .bind(o.spasibo)
    .bind(&o.recipient.0)
    .bind(&o.recipient.1)
    .execute(&mut *tx)
    .await?;
    for l in &o.lines {
        let p = sqlx::query_as::<_, (String, String)>(
            "SELECT seller_id, category_id FROM products WHERE id = $1",
        )
        .bind(&l.product_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO order_lines (order_id, product_id, title, seller_id, seller_name, category_id, price, quantity, \
             line_total, search_text, search_v) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&o.id)
        .bind(&l.product_id)
        .bind(&l.title)
        .bind(&p.0)
        .bind(&l.seller_name)
        .bind(&p.1)
        .bind(l.price)
        .bind(l.quantity)
        .bind(l.line_total)
        .bind(crate::catalog::search_text(&format!("{} {}", l.title, l.seller_name)))
        .bind(crate::catalog::SEARCH_VERSION)
        .execute(&mut *tx)
        .await?;
    }
    add_event(&mut tx, &o.id, "awaiting_payment", o.now).await?;
    sqlx::query(
        "INSERT INTO payment_attempts (id, order_id, provider, reference, amount, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)",
    )
    .bind(crate::db::new_id())
    .bind(&o.id)
    .bind(format!("sandbox_{}", o.payment_method))
    .bind(&o.reference)
    .bind(o.goods + o.delivery_price - o.spasibo)
    .bind(o.now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The recipient (name, E.164 phone) of the customer's newest order that named one.
pub async fn last_recipient(state: &AppState, customer: &str) -> AppResult<(String, String)> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT recipient_name, recipient_phone FROM orders WHERE customer_id = $1 AND recipient_name <> '' \
         ORDER BY placed_at DESC LIMIT 1",
    )
    .bind(customer)
    .fetch_optional(&state.db)
    .await?;
    Ok(row.unwrap_or_default())
}

/// Cancels an order that has not shipped, in one transaction: its stock and bonuses return,
/// an unpaid order's goods go back to the cart, an approved payment is refunded.
/// The order's parcels as planned when it was placed: each product's warehouse, the weight
/// limit, and dates counted from the day of the order (products since removed are left out).
pub async fn parcels(
    state: &AppState,
    order: &Order,
    locale: crate::i18n::Locale,
) -> AppResult<Vec<crate::cart::ParcelView>> {
    let mut products = Vec::with_capacity(order.lines.len());
    for l in &order.lines {
        if let Some(p) = crate::catalog::get(state, &l.product_id).await? {
            products.push((p, l.quantity));
        }
    }
    let placed = order
        .placed_at
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_millisecond())
        .unwrap_or(0);
    Ok(crate::cart::parcel_views(
        &products,
        crate::cart::shop_today(state, placed),
        locale,
    ))
}

/// Keeps why the customer cancelled (one of the page's reasons).
pub async fn note_cancel_reason(state: &AppState, order_id: &str, reason: &str) -> AppResult<()> {
    sqlx::query("UPDATE orders SET cancel_reason = $1 WHERE id = $2 AND status = 'cancelled'")
        .bind(reason)
        .bind(order_id)
        .execute(&state.db)
        .await?;
    Ok(())
}

pub async fn cancel(state: &AppState, order_id: &str) -> AppResult<()> {
    let now = state.clock.now_ms();
    let (st, id) = (state.clone(), order_id.to_owned());
    let done: Result<Option<Vec<String>>, sqlx::Error> =
        crate::db::detached(crate::db::retrying(move || {
            let (st, id) = (st.clone(), id.clone());
            async move {
                let mut tx = crate::db::begin_write(&st.db).await?;
                let unpaid = sqlx::query(
                    "UPDATE orders SET status = 'cancelled' WHERE id = $1 AND status = 'awaiting_payment'",
                )
                .bind(&id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                let changed = unpaid
                    || sqlx::query(
                        "UPDATE orders SET status = 'cancelled' WHERE id = $1 AND status IN ('paid', 'assembling')",
                    )
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        == 1;
                if !changed {
                    tx.rollback().await?;
                    return Ok(None);
                }
                // An order still waiting for payment goes back into the cart it came from.
                release_goods(&mut tx, &id, unpaid, now).await?;
                // Approved money goes back; a confirmation still awaited is void.
                // Money taken, or possibly being taken, is due back (given back after commit,
                // retried by `reconcile` if that fails).
                let refunds: Vec<String> = sqlx::query_scalar(
                    "UPDATE payment_attempts SET status = 'refund_due', updated_at = $2 \
                     WHERE order_id = $1 AND status IN ('approved', 'needs_confirmation', 'pending') \
                     RETURNING reference",
                )
                .bind(&id)
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
                add_event(&mut tx, &id, "cancelled", now).await?;
                tx.commit().await?;
                Ok(Some(refunds))
            }
        }))
        .await;
    let Some(refunds) = done? else {
        return Err(AppError::conflict("order_not_cancellable"));
    };
    for reference in refunds {
        give_back(state, &reference).await?;
    }
    Ok(())
}

/// Gives back what an order held: its stock, its bonuses «Спасибо» (the sandbox bank's refund)
/// and, with `to_cart`, its lines into the customer's cart.
async fn release_goods(
    tx: &mut sqlx::AnyConnection,
    id: &str,
    to_cart: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    if to_cart {
        sqlx::query(
            "INSERT INTO cart_lines (owner, product_id, quantity, added_at) \
             SELECT o.customer_id, l.product_id, l.quantity, $2 FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE l.order_id = $1 ON CONFLICT (owner, product_id) DO NOTHING",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    // In product-id order, like the reservation: no lock cycles with checkouts.
    let lines: Vec<(String, i64)> = sqlx::query_as(
        "SELECT product_id, quantity FROM order_lines WHERE order_id = $1 ORDER BY product_id",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    for (product, quantity) in lines {
        sqlx::query("UPDATE products SET stock = stock + $1 WHERE id = $2")
            .bind(quantity)
            .bind(&product)
            .execute(&mut *tx)
            .await?;
    }
    let (customer, brand, last4, spasibo): (String, Option<String>, Option<String>, i64) =
        sqlx::query_as(
            "SELECT customer_id, card_brand, card_last4, spasibo_amount FROM orders WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if spasibo > 0 {
        sqlx::query(
            "UPDATE spasibo_accounts SET spent = spent - $1 WHERE customer_id = $2 AND brand = $3 AND last4 = $4",
        )
        .bind(spasibo)
        .bind(&customer)
        .bind(brand.unwrap_or_default())
        .bind(last4.unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: String,
    number: String,
    status: String,
    placed_at: i64,
    received_at: Option<i64>,
    goods_total: i64,
    delivery_cost: i64,
    total: i64,
    delivery_method: String,
    pickup_point_id: Option<String>,
    delivery_address: String,
    payment_method: String,
    card_brand: Option<String>,
    card_last4: Option<String>,
    payment_provider: Option<String>,
    spasibo_amount: i64,
    recipient_name: String,
    recipient_phone: String,
    /// `[[product_id, title, seller_id, seller_name, price, quantity, line_total], …]`.
    lines_json: String,
    /// `[[status, at], …]`, oldest first.
    events_json: String,
}

/// An order's columns with its lines and timeline as JSON arrays, so one row carries a whole
/// order (one query for a page of orders, and one row per order through the driver).
fn order_select(state: &AppState) -> &'static str {
    static SQLITE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static POSTGRES: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sqlite = crate::db::is_sqlite(&state.config.database_url);
    let cell = if sqlite { &SQLITE } else { &POSTGRES };
    cell.get_or_init(|| {
        let lines = crate::db::json_rows(
            sqlite,
            "l.product_id, l.title, l.seller_id, l.seller_name, l.price, l.quantity, l.line_total",
            "l.title",
            "order_lines l WHERE l.order_id = o.id",
        );
        let events = crate::db::json_rows(
            sqlite,
            "e.status, e.at",
            "e.at, e.status",
            "order_events e WHERE e.order_id = o.id",
        );
        format!(
            "SELECT o.id, o.number, o.status, o.placed_at, o.received_at, o.goods_total, o.delivery_cost, o.total, \
             o.delivery_method, o.pickup_point_id, o.delivery_address, o.payment_method, o.card_brand, o.card_last4, \
             o.payment_provider, o.spasibo_amount, o.recipient_name, o.recipient_phone, \
             {lines} AS lines_json, {events} AS events_json FROM orders o"
        )
    })
}

type LineRow = (String, String, String, String, i64, i64, i64);

/// A stored status name as the enum (an unknown one is a bug, not user input).
fn status_of(s: &str) -> AppResult<OrderStatus> {
    OrderStatus::parse(s).ok_or_else(|| AppError::internal(format!("unknown order status {s}")))
}

fn order_of(row: OrderRow) -> AppResult<Order> {
    let bad = |e: serde_json::Error| AppError::internal(format!("order {}: {e}", row.number));
    let lines: Vec<LineRow> = serde_json::from_str(&row.lines_json).map_err(bad)?;
    let timeline: Vec<(String, i64)> = serde_json::from_str(&row.events_json).map_err(bad)?;
    Ok(Order {
        number: row.number,
        status: status_of(&row.status)?,
        placed_at: crate::clock::rfc3339(row.placed_at),
        received_at: row.received_at.map(crate::clock::rfc3339),
        goods_total: row.goods_total,
        delivery_cost: row.delivery_cost,
        total: row.total,
        delivery: OrderDelivery {
            method: row.delivery_method,
            pickup_point_id: row.pickup_point_id,
            address: row.delivery_address,
            recipient: OrderRecipient {
                name: row.recipient_name,
                phone: row.recipient_phone,
            },
        },
        payment: OrderPayment {
            method: row.payment_method,
            card_brand: row.card_brand,
            provider: row.payment_provider,
            card_last4: row.card_last4,
            amount: row.total,
            spasibo: row.spasibo_amount,
            card_amount: row.total - row.spasibo_amount,
        },
        lines: lines
            .into_iter()
            .map(
                |(product_id, title, seller_id, seller_name, price, quantity, line_total)| {
                    OrderLine {
                        product_id,
                        title,
                        seller_id,
                        seller_name,
                        price,
                        quantity,
                        line_total,
                    }
                },
            )
            .collect(),
        timeline: timeline
            .into_iter()
            .map(|(status, at)| {
                Ok(Event {
                    status: status_of(&status)?,
                    at: crate::clock::rfc3339(at),
                })
            })
            .collect::<AppResult<_>>()?,
        payment_url: None,
    })
}

/// The order matching `filter` (a WHERE clause over `orders o` with `$1`, `$2`… for `args`).
async fn one_order(state: &AppState, filter: &str, args: &[&str]) -> AppResult<Option<OrderRow>> {
    let sql = format!("{} WHERE {filter}", order_select(state));
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for a in args {
        query = query.bind(*a);
    }
    Ok(query.fetch_optional(&state.db).await?)
}

/// One of the customer's own orders by number; another customer's is simply not found.
pub async fn by_number(
    state: &AppState,
    customer: &str,
    number: &str,
) -> AppResult<Option<(String, Order)>> {
    match one_order(
        state,
        "customer_id = $1 AND number = $2",
        &[customer, number],
    )
    .await?
    {
        Some(r) => {
            let id = r.id.clone();
            Ok(Some((id, order_of(r)?)))
        }
        None => Ok(None),
    }
}

/// A page of «Мои заказы», newest first. The cursor is `<placed ms>-<number>` of the last order
/// shown; the index on (customer, placed_at) gives the page without reading older orders.
pub async fn list(
    state: &AppState,
    customer: &str,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Order>, Option<String>)> {
    let (before_ms, before_number) = match cursor {
        None => (i64::MAX, i64::MAX),
        Some(c) => c
            .split_once('-')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
            .ok_or_else(|| AppError::bad_request("invalid_cursor"))?,
    };
    let sql = format!(
        "{} WHERE customer_id = $1 AND (placed_at < $2 OR (placed_at = $2 AND CAST(number AS BIGINT) < $3)) \
         ORDER BY placed_at DESC, CAST(number AS BIGINT) DESC LIMIT $4",
        order_select(state)
    );
    let rows: Vec<OrderRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(customer)
        .bind(before_ms)
        .bind(before_number)
        .bind(limit + 1)
        .fetch_all(&state.db)
        .await?;
    let more = rows.len() as i64 > limit;
    let last = rows
        .get(limit as usize - 1)
        .map(|r| format!("{}-{}", r.placed_at, r.number));
    let out = rows
        .into_iter()
        .take(limit as usize)
        .map(order_of)
        .collect::<AppResult<Vec<_>>>()?;
    Ok((out, if more { last } else { None }))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Purchase {
    pub order_number: String,
    pub product_id: String,
    pub title: String,
    pub seller_id: String,
    pub seller_name: String,
    pub category_id: String,
    pub price: i64,
    pub quantity: i64,
    #[serde(skip)]
    pub placed_ms: i64,
    #[sqlx(skip)]
    pub placed_at: String,
}

/// Filters of «Купленные товары».
#[derive(Debug, Default, Clone)]
pub struct PurchaseFilter {
    pub q: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub category: Option<String>,
    pub seller: Option<String>,
}

/// Every item bought (not cancelled), newest first; cursor = "placed_ms:product_id:order".
pub async fn purchases(
    state: &AppState,
    customer: &str,
    f: &PurchaseFilter,
    after: Option<(i64, String)>,
    limit: i64,
) -> AppResult<(Vec<Purchase>, Option<String>)> {
    let words = crate::catalog::stem_words(f.q.as_deref(), 3)?;
    let mut w = words.into_iter();
    let mut next = || w.next().unwrap_or_else(|| "%".to_owned());
    let (w1, w2, w3) = (next(), next(), next());
    let (after_ms, after_key) = after.unwrap_or((i64::MAX, String::new()));
    let mut rows: Vec<Purchase> = sqlx::query_as(
        "SELECT o.number AS order_number, l.product_id, l.title, l.seller_id, l.seller_name, l.category_id, l.price, \
         l.quantity, o.placed_at AS placed_ms FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE o.customer_id = $1 AND o.status <> 'cancelled' AND o.status <> 'awaiting_payment' \
         AND l.search_text LIKE $2 ESCAPE '\\' AND l.search_text LIKE $3 ESCAPE '\\' AND l.search_text LIKE $4 ESCAPE '\\' \
         AND o.placed_at >= $5 AND o.placed_at <= $6 AND l.price >= $7 AND l.price <= $8 \
         AND ($9 = '' OR l.category_id = $9) AND ($10 = '' OR l.seller_id = $10) \
         AND (o.placed_at < $11 OR (o.placed_at = $11 AND l.product_id || ':' || o.number > $12)) \
         ORDER BY o.placed_at DESC, l.product_id || ':' || o.number LIMIT $13",
    )
    .bind(customer)
    .bind(w1)
    .bind(w2)
    .bind(w3)
    .bind(f.from.unwrap_or(0))
    .bind(f.to.unwrap_or(i64::MAX))
    .bind(f.min_price.unwrap_or(0))
    .bind(f.max_price.unwrap_or(i64::MAX))
    .bind(f.category.clone().unwrap_or_default())
    .bind(f.seller.clone().unwrap_or_default())
    .bind(after_ms)
    .bind(after_key)
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    for r in &mut rows {
        r.placed_at = crate::clock::rfc3339(r.placed_ms);
    }
    let next = if more {
        rows.last().map(|r| {
            crate::catalog::encode_cursor(&format!(
                "{}:{}:{}",
                r.placed_ms, r.product_id, r.order_number
            ))
        })
    } else {
        None
    };
    Ok((rows, next))
}

/// Cancels orders whose payment did not arrive in time (30 minutes) and releases their stock.
/// Returns how many were cancelled. Safe to run on several nodes at once.
pub async fn cancel_overdue(state: &AppState) -> AppResult<usize> {
    // An approval that arrived but was not written yet pays its order instead.
    reconcile(state).await?;
    let now = state.clock.now_ms();
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM orders WHERE status = 'awaiting_payment' AND pay_deadline < $1",
    )
    .bind(now)
    .fetch_all(&state.db)
    .await?;
    let mut n = 0;
    for id in ids {
        match cancel(state, &id).await {
            Ok(()) => n += 1,
            Err(e) if e.code == "order_not_cancellable" => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The 3-D Secure (or wallet) page's «Подтвердить»: the bank approves the waiting charge, and
/// the order is paid with the approval in one transaction.
pub async fn confirm_payment(state: &AppState, order_id: &str) -> AppResult<()> {
    let now = state.clock.now_ms();
    let reference: Option<String> = sqlx::query_scalar(
        "SELECT a.reference FROM payment_attempts a JOIN orders o ON o.id = a.order_id \
         WHERE a.order_id = $1 AND a.status = 'needs_confirmation' \
         AND o.status = 'awaiting_payment' AND o.pay_deadline >= $2",
    )
    .bind(order_id)
    .bind(now)
    .fetch_optional(&state.db)
    .await?;
    let Some(reference) = reference else {
        return Err(AppError::conflict("payment_not_pending"));
    };
    if !payments::sandbox::confirm(&state.db, &reference).await? {
        return Err(AppError::conflict("payment_not_pending"));
    }
    settle(state, order_id, &reference, Outcome::Approved).await
}

/// The demo courier (`KABINET_DEMO_DELIVERY=1`): each order in progress whose last step is at
/// least `step_ms` old moves one step on (paid → assembling → shipped → ready for pickup →
/// received; courier orders skip the pickup step). Returns how many moved. Each move is a
/// conditional update, so several nodes running it never move an order twice.
pub async fn demo_delivery_tick(state: &AppState, step_ms: i64) -> AppResult<usize> {
    let now = state.clock.now_ms();
    let due: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT o.id, o.status, o.delivery_method FROM orders o \
         WHERE o.status IN ('paid', 'assembling', 'shipped', 'ready_for_pickup') \
         AND (SELECT MAX(e.at) FROM order_events e WHERE e.order_id = o.id) <= $1",
    )
    .bind(now - step_ms)
    .fetch_all(&state.db)
    .await?;
    let mut moved = 0;
    for (id, status, method) in due {
        let next = match (status.as_str(), method.as_str()) {
            ("paid", _) => "assembling",
            ("assembling", _) => "shipped",
            ("shipped", "courier") => "received",
            ("shipped", _) => "ready_for_pickup",
            _ => "received",
        };
        if move_status(state, &id, &status, next).await? {
            moved += 1;
        }
    }
    Ok(moved)
}

/// Moves an order to `to` with its timeline event, in one transaction, if it is still in
/// `from`; false when it is not (someone else moved or cancelled it).
async fn move_status(state: &AppState, id: &str, from: &str, to: &str) -> AppResult<bool> {
    let (st, id, to, from) = (state.clone(), id.to_owned(), to.to_owned(), from.to_owned());
    let now = state.clock.now_ms();
    let moved: Result<bool, sqlx::Error> = crate::db::detached(async move {
        let mut tx = crate::db::begin_write(&st.db).await?;
        let received = (to == "received").then_some(now);
        let n = sqlx::query(
            "UPDATE orders SET status = $1, received_at = COALESCE($2, received_at) WHERE id = $3 AND status = $4",
        )
        .bind(&to)
        .bind(received)
        .bind(&id)
        .bind(&from)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("INSERT INTO order_events (order_id, status, at) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(&to)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    })
    .await;
    Ok(moved?)
}

/// `kabinet orders advance NUMBER STATUS`: staff moving an order along until the console exists.
pub async fn advance(state: &AppState, number: &str, status: &str) -> AppResult<()> {
    let to = OrderStatus::parse(status)
        .filter(|s| *s != OrderStatus::AwaitingPayment)
        .ok_or_else(|| AppError::bad_request("invalid_status"))?;
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT id, status FROM orders WHERE number = $1")
            .bind(number)
            .fetch_optional(&state.db)
            .await?;
    let (id, current) = row.ok_or_else(|| AppError::missing("order_not_found"))?;
    if to == OrderStatus::Cancelled {
        return cancel(state, &id).await;
    }
    if !status_of(&current)?.can_move_to(to)
        || !move_status(state, &id, &current, to.as_str()).await?
    {
        return Err(AppError::conflict("illegal_transition"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_prices() {
        let point = Delivery::Point {
            id: "p".into(),
            kind: Kind::PickupPoint,
        };
        assert_eq!(delivery_cost(&point, 99_999), 9_900);
        assert_eq!(delivery_cost(&point, 100_000), 0);
        assert_eq!(
            delivery_cost(
                &Delivery::Courier {
                    address: "x".into()
                },
                1_000_000
            ),
            29_900
        );
    }
}
