//! Returns and refunds («Возвраты», PRODUCT W4 and §5 «Account care»).
//!
//! A customer asks to return some of one line of a *received* order, within
//! `returns.window_days` (30) of receiving it, with a reason from [`REASONS`] (or their own
//! words, kept as `other`) and where the money goes: back to the card (wallet, СБП) that paid
//! the order, or onto the account balance. Support approves or rejects in the console; a request
//! worth less than `returns.auto_approve_below` kopecks (0 = never, the default) is approved at
//! once by the rule `auto`.
//!
//! **Reserve before acting.** A request reserves its quantity on the order line
//! (`return_lines`) by one conditional statement, so what is requested or returned never
//! exceeds what was bought however many requests race; a rejection gives it back. A decision is
//! one conditional update of the request (`WHERE status = 'requested'`): of many racing
//! decisions one wins, the rest get `return_decided`. A card refund reserves its kopecks on the
//! order (`return_orders`) by one conditional statement, never above the card's part.
//!
//! **Money** ([`split`]). A line is worth its price × quantity (delivery is not refunded). The
//! share of it the order paid with status points comes back as points (rounded down to whole
//! points, to a lot that keeps the spent lots' expiry); the rest is money, to the card or the
//! balance as the customer chose. Bonuses «Спасибо» are not given back to the bank: their share
//! is part of the money (a marketplace cannot credit a bank's bonus account). Points the order
//! earned are taken back in proportion to the returned goods (rounded down, never more than the
//! order's lot has left). All of it — the status change, points both ways, the balance entry,
//! the card's reservation and the 54-ФЗ refund receipt — is one transaction; the acquirer is
//! asked after commit, with the request left `approved` and `card_due` until it answers, so a
//! crash is finished by [`finish_card_refunds`] (the housekeeping job).

pub mod api;
pub mod pages;
pub mod store;

use crate::domain::money::Kopecks;
use crate::domain::order::{OrderNumber, OrderStatus};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use serde::Serialize;
use store::ReturnRow;

/// The reasons the form offers; anything else a client sends is kept as text with `other`.
pub const REASONS: [&str; 5] = [
    "defect",
    "wrong_item",
    "not_as_described",
    "changed_mind",
    "other",
];
/// The most of one line one request may ask back (a sanity bound; the line's own quantity is
/// the real limit).
pub const MAX_QUANTITY: i64 = 10_000;
/// Longest comment and free-text reason, in characters.
pub const MAX_COMMENT: usize = 1_000;
pub const MAX_REASON_TEXT: usize = 500;
/// Longest reason a member gives for a rejection.
pub const MAX_REJECT_REASON: usize = 500;
const DAY_MS: i64 = 86_400_000;

/// Where a return is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ReturnStatus)]
pub enum Status {
    /// Waiting for support.
    Requested,
    /// Approved; the card's refund waits for the acquirer.
    Approved,
    /// The money (and points) went back.
    Refunded,
    /// Support said no (with a reason).
    Rejected,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Requested,
        Status::Approved,
        Status::Refunded,
        Status::Rejected,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Requested => "requested",
            Status::Approved => "approved",
            Status::Refunded => "refunded",
            Status::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Where the money goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = RefundTo)]
pub enum RefundTo {
    /// Back to the card (wallet, СБП) that paid the order.
    Card,
    /// Onto the account balance («Баланс средств»).
    Balance,
}

impl RefundTo {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundTo::Card => "card",
            RefundTo::Balance => "balance",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "card" => Some(RefundTo::Card),
            "balance" => Some(RefundTo::Balance),
            _ => None,
        }
    }
}

/// Whether a return may still be asked for: up to `window_days` × 24 h after the order was
/// received, to the millisecond.
pub fn window_open(received_at: i64, now: i64, window_days: i64) -> bool {
    now.saturating_sub(received_at) <= window_days.max(0).saturating_mul(DAY_MS)
}

/// How a returned line's worth comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Whole points back (the points' share of the goods, rounded down).
    pub points: i64,
    /// Kopecks of money: the rest.
    pub money: i64,
}

/// The split of `amount` kopecks of an order's goods worth `goods` kopecks, of which `points`
/// whole points paid: the points' share (rounded down) as points, the rest as money.
pub fn split(amount: i64, goods: i64, points: i64) -> Split {
    let amount = amount.max(0);
    if goods <= 0 || points <= 0 {
        return Split {
            points: 0,
            money: amount,
        };
    }
    let share = (i128::from(points) * i128::from(amount.min(goods)) / i128::from(goods)) as i64;
    // Never more points than the amount is worth.
    let share = share.min(amount / crate::loyalty::POINT.get());
    Split {
        points: share,
        money: amount - share * crate::loyalty::POINT.get(),
    }
}

/// Text a customer or a member wrote: trimmed, control characters out (line breaks kept),
/// markup refused (it is shown on pages and in the console).
fn clean_text(s: &str, max: usize, too_long: &'static str) -> AppResult<String> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    if t.chars().count() > max {
        return Err(AppError::bad_request(too_long));
    }
    if looks_like_html(&t) {
        return Err(AppError::bad_request("text_has_html"));
    }
    Ok(t)
}

/// `<` followed by a letter, `/` or `!`: a tag, which the text may not carry.
fn looks_like_html(s: &str) -> bool {
    s.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// The reason code and the comment kept: a code of [`REASONS`] with the comment, or free text
/// (as outside clients may send) kept as the comment with `other`.
pub fn reason_of(reason: &str, comment: Option<&str>) -> AppResult<(&'static str, String)> {
    let comment = clean_text(comment.unwrap_or(""), MAX_COMMENT, "comment_too_long")?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::bad_request("return_reason_required"));
    }
    if let Some(code) = REASONS.into_iter().find(|r| *r == reason) {
        return Ok((code, comment));
    }
    let text = clean_text(reason, MAX_REASON_TEXT, "reason_too_long")?;
    let kept = if comment.is_empty() {
        text
    } else {
        format!("{text}\n{comment}")
    };
    Ok(("other", kept))
}

/// A return as the customer (and the API) sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Return {
    pub id: String,
    pub order_number: String,
    pub product_id: String,
    /// The line's title as bought.
    pub title: String,
    pub quantity: i64,
    /// Price per unit as bought, kopecks.
    pub price: i64,
    /// price × quantity, kopecks: what the return is worth.
    pub amount: i64,
    pub refund_to: RefundTo,
    /// `defect`, `wrong_item`, `not_as_described`, `changed_mind` or `other`.
    pub reason: String,
    /// The customer's own words (a free-text reason is kept here).
    pub comment: String,
    pub status: Status,
    /// Why support said no (rejected only).
    pub reject_reason: Option<String>,
    /// Whole points given back (the points' share of the goods), once refunded or approved.
    pub points_back: i64,
    /// Points the returned goods had earned, taken back.
    pub points_taken: i64,
    /// Kopecks of money to the card or the balance, once approved.
    pub money_back: i64,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub decided_at: Option<String>,
    pub refunded_at: Option<String>,
    #[serde(skip)]
    pub created_ms: i64,
    #[serde(skip)]
    pub customer_id: String,
    #[serde(skip)]
    pub decided_by: Option<String>,
}

impl Return {
    fn of(r: ReturnRow) -> AppResult<Self> {
        Ok(Return {
            status: Status::parse(&r.status)
                .ok_or_else(|| AppError::internal(format!("return status {}", r.status)))?,
            refund_to: RefundTo::parse(&r.refund_to)
                .ok_or_else(|| AppError::internal(format!("refund_to {}", r.refund_to)))?,
            id: r.id,
            order_number: r.order_number,
            product_id: r.product_id,
            title: r.title,
            quantity: r.quantity,
            price: r.price,
            amount: r.amount,
            reason: r.reason,
            comment: r.comment,
            reject_reason: r.reject_reason,
            points_back: r.points_back,
            points_taken: r.points_taken,
            money_back: r.money_back,
            created_at: crate::clock::rfc3339(r.created_at),
            decided_at: r.decided_at.map(crate::clock::rfc3339),
            refunded_at: r.refunded_at.map(crate::clock::rfc3339),
            created_ms: r.created_at,
            customer_id: r.customer_id,
            decided_by: r.decided_by,
        })
    }
    /// Whether the decision is still to be made.
    pub fn is_open(&self) -> bool {
        self.status == Status::Requested
    }
}

/// What a customer asks.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub order_number: &'a str,
    pub product_id: &'a str,
    pub quantity: i64,
    pub reason: &'a str,
    pub comment: Option<&'a str>,
    pub refund_to: &'a str,
}

/// A received order's time: when it was received (ms).
fn received_ms(order: &crate::orders::Order) -> Option<i64> {
    order
        .received_at
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map(|t| t.as_millisecond())
}

/// The customer's own order by number; another customer's is not found.
async fn own_order(
    state: &AppState,
    customer: &str,
    number: &str,
) -> AppResult<(String, crate::orders::Order)> {
    let number =
        OrderNumber::parse(number.trim()).ok_or_else(|| AppError::missing("order_not_found"))?;
    crate::orders::by_number(state, customer, &number)
        .await?
        .ok_or_else(|| AppError::missing("order_not_found"))
}

/// Checks that the order is received and inside the window.
fn check_returnable(state: &AppState, order: &crate::orders::Order, now: i64) -> AppResult<()> {
    if order.status != OrderStatus::Received {
        return Err(AppError::conflict("order_not_received"));
    }
    let received = received_ms(order).ok_or_else(|| AppError::conflict("order_not_received"))?;
    if !window_open(received, now, state.config.returns.window_days) {
        return Err(AppError::conflict("return_window_closed"));
    }
    Ok(())
}

/// Until when (ms) a received order's goods may be returned.
pub fn window_ends(state: &AppState, order: &crate::orders::Order) -> Option<i64> {
    received_ms(order).map(|r| r + state.config.returns.window_days.max(0) * DAY_MS)
}

/// Whether the money of a return of `amount` may go back to the order's card: the card part,
/// less what returns took from it already, covers the money.
async fn check_card(
    state: &AppState,
    order_id: &str,
    order: &crate::orders::Order,
    amount: i64,
) -> AppResult<()> {
    let card_part = order.card_amount();
    if card_part <= 0 {
        return Err(AppError::conflict("card_refund_unavailable"));
    }
    let money = split(amount, order.goods_total, order.payment.points / 100).money;
    let left = card_part - store::card_refunded(&state.db, order_id).await?;
    if money > left {
        return Err(AppError::conflict("card_refund_exceeded"));
    }
    Ok(())
}

/// Files a return request. 201 `requested` — or, under the auto-approve threshold, the status
/// the immediate decision left (`refunded`, or `approved` while the card's refund waits).
pub async fn request(state: &AppState, customer: &str, r: Request<'_>) -> AppResult<Return> {
    let refund_to = RefundTo::parse(r.refund_to.trim())
        .ok_or_else(|| AppError::bad_request("invalid_refund_to"))?;
    if !(1..=MAX_QUANTITY).contains(&r.quantity) {
        return Err(AppError::bad_request("invalid_return_quantity"));
    }
    let (reason, comment) = reason_of(r.reason, r.comment)?;
    let (order_id, order) = own_order(state, customer, r.order_number).await?;
    let now = state.clock.now_ms();
    check_returnable(state, &order, now)?;
    let line = order
        .lines
        .iter()
        .find(|l| l.product_id == r.product_id.trim())
        .ok_or_else(|| AppError::missing("product_not_in_order"))?;
    let amount = line.price * r.quantity;
    if refund_to == RefundTo::Card {
        check_card(state, &order_id, &order, amount).await?;
    }
    let id = crate::db::new_id();
    let (st, new) = (
        state.clone(),
        (
            id.clone(),
            customer.to_owned(),
            order_id.clone(),
            order.number.clone(),
            line.product_id.clone(),
            line.title.clone(),
            line.price,
            line.quantity,
            reason,
            comment,
        ),
    );
    let quantity = r.quantity;
    // `Some(asked)`: reserved, and what the order's returns (this one too, rejected ones not)
    // now ask back in all — the auto-approval threshold applies to that sum, so splitting a
    // return into small requests does not get past support.
    let reserved: Result<Option<i64>, sqlx::Error> =
        crate::db::detached(crate::db::retrying(move || {
            let (st, n) = (st.clone(), new.clone());
            async move {
                let mut tx = crate::db::begin_write(&st.db).await?;
                // The customer's requests go one at a time, so the sum below sees them all.
                crate::customers::store::lock(&mut tx, &n.1).await?;
                if !store::reserve_line(&mut tx, &n.2, &n.4, quantity, n.7).await? {
                    tx.rollback().await?;
                    return Ok(None);
                }
                store::insert(
                    &mut tx,
                    &store::NewReturn {
                        id: &n.0,
                        customer_id: &n.1,
                        order_id: &n.2,
                        order_number: &n.3,
                        product_id: &n.4,
                        title: &n.5,
                        price: n.6,
                        quantity,
                        reason: n.8,
                        comment: &n.9,
                        refund_to: refund_to.as_str(),
                        now,
                    },
                )
                .await?;
                let asked = store::asked_back(&mut tx, &n.2).await?;
                tx.commit().await?;
                Ok(Some(asked))
            }
        }))
        .await;
    let Some(asked) = reserved? else {
        return Err(AppError::conflict("return_quantity_exceeded"));
    };
    let threshold = state.config.returns.auto_approve_below;
    if threshold > 0 && asked < threshold {
        match approve(state, &id, "auto").await {
            Ok(_) => {}
            // Not possible after all (the card's part went meanwhile): support decides.
            Err(e) if e.is_client_error() => {
                tracing::info!(id, code = e.code, "return left to support");
                announce_row(state, &id, "return-requested").await;
            }
            Err(e) => return Err(e),
        }
    } else {
        announce_row(state, &id, "return-requested").await;
    }
    one(state, &id).await
}

/// One return by id (staff, and after a request).
pub async fn one(state: &AppState, id: &str) -> AppResult<Return> {
    if !crate::db::looks_like_id(id) {
        return Err(AppError::missing("return_not_found"));
    }
    let row = store::by_id(&state.db, id)
        .await?
        .ok_or_else(|| AppError::missing("return_not_found"))?;
    Return::of(row)
}

/// One of the customer's own returns; another customer's is not found.
pub async fn mine_one(state: &AppState, customer: &str, id: &str) -> AppResult<Return> {
    let r = one(state, id).await?;
    if r.customer_id != customer {
        return Err(AppError::missing("return_not_found"));
    }
    Ok(r)
}

/// A page of the customer's returns, newest first, and the cursor of the next.
pub async fn mine(
    state: &AppState,
    customer: &str,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Return>, Option<String>)> {
    let before = crate::db::ledger_page_start(cursor)
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))?;
    let rows = store::mine(&state.db, customer, before, limit + 1).await?;
    let next = crate::db::ledger_next_cursor(&rows, limit, |r| (r.created_at, r.id.as_str()));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(Return::of)
        .collect::<AppResult<_>>()?;
    Ok((items, next))
}

/// A page of every customer's returns (the staff queue), newest first; `status` one of
/// [`Status`] or `all`.
pub async fn queue(
    state: &AppState,
    status: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Return>, Option<String>)> {
    let status = match status.map(str::trim) {
        None | Some("") | Some("all") => None,
        Some(s) => Some(
            Status::parse(s)
                .ok_or_else(|| AppError::bad_request("invalid_status"))?
                .as_str(),
        ),
    };
    let before = crate::db::ledger_page_start(cursor)
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))?;
    let rows = store::page(&state.db, status, before, limit + 1).await?;
    let next = crate::db::ledger_next_cursor(&rows, limit, |r| (r.created_at, r.id.as_str()));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(Return::of)
        .collect::<AppResult<_>>()?;
    Ok((items, next))
}

/// A line of a received order as the return form offers it.
#[derive(Debug, Clone)]
pub struct Returnable {
    pub product_id: String,
    pub title: String,
    pub price: i64,
    pub bought: i64,
    /// What may still be asked back (bought less what is requested or returned).
    pub left: i64,
}

/// The return form's facts: the order, its lines with what is left to return, whether the
/// card can take the money, and until when.
pub struct Form {
    pub order: crate::orders::Order,
    pub lines: Vec<Returnable>,
    pub card_possible: bool,
    pub until: i64,
}

/// What the customer may return of one of their received orders (errors as [`request`]).
pub async fn form(state: &AppState, customer: &str, number: &str) -> AppResult<Form> {
    let (order_id, order) = own_order(state, customer, number).await?;
    check_returnable(state, &order, state.clock.now_ms())?;
    let reserved = store::reserved_lines(&state.db, &order_id).await?;
    let lines = order
        .lines
        .iter()
        .map(|l| {
            let taken = reserved
                .iter()
                .find(|(p, _)| *p == l.product_id)
                .map_or(0, |(_, q)| *q);
            Returnable {
                product_id: l.product_id.clone(),
                title: l.title.clone(),
                price: l.price,
                bought: l.quantity,
                left: (l.quantity - taken).max(0),
            }
        })
        .collect();
    let card_possible = order.card_amount() > store::card_refunded(&state.db, &order_id).await?;
    Ok(Form {
        until: window_ends(state, &order).unwrap_or(0),
        lines,
        card_possible,
        order,
    })
}

/// Why a decision to refund could not be made inside its transaction.
enum Refused {
    Decided,
    NoCard,
    CardExceeded,
}

/// What an approval moved.
struct Moved {
    status: Status,
    card: Option<(String, i64)>,
}

/// Approves a requested return and refunds it, all in one transaction (see the module's
/// «Money»); the card's refund is asked of the acquirer after commit. `by` is the member's id
/// or `auto`. Returns the status it leaves: `refunded`, or `approved` while the acquirer has
/// not confirmed the card's refund. A decided return is 409 `return_decided`.
pub async fn approve(state: &AppState, id: &str, by: &str) -> AppResult<Status> {
    if !crate::db::looks_like_id(id) {
        return Err(AppError::missing("return_not_found"));
    }
    let row = store::by_id(&state.db, id)
        .await?
        .ok_or_else(|| AppError::missing("return_not_found"))?;
    let r = Return::of(row.clone())?;
    if !r.is_open() {
        return Err(AppError::conflict("return_decided"));
    }
    let number =
        OrderNumber::parse(&r.order_number).ok_or_else(|| AppError::internal("order number"))?;
    let (_, order) = crate::orders::any_by_number(state, &number)
        .await?
        .ok_or_else(|| AppError::internal("a return's order is gone"))?;
    let order_id = row.order_id.clone();
    let parts = split(r.amount, order.goods_total, order.payment.points / 100);
    let seller = order
        .lines
        .iter()
        .find(|l| l.product_id == r.product_id)
        .map(|l| l.seller_name.clone())
        .unwrap_or_default();
    let card_part = order.card_amount();
    let goods = order.goods_total;
    let now = state.clock.now_ms();
    let (st, by) = (state.clone(), by.to_owned());
    let done: Result<Result<Moved, Refused>, sqlx::Error> =
        crate::db::detached(crate::db::retrying(move || {
            let (st, row, by, number, seller) = (
                st.clone(),
                row.clone(),
                by.clone(),
                number.clone(),
                seller.clone(),
            );
            async move {
                let mut tx = crate::db::begin_write(&st.db).await?;
                let to_card = row.refund_to == "card" && parts.money > 0;
                let reference = if to_card {
                    match crate::payments::store::approved_attempt(&mut tx, &row.order_id).await? {
                        Some(r) => Some(r),
                        None => {
                            tx.rollback().await?;
                            return Ok(Err(Refused::NoCard));
                        }
                    }
                } else {
                    None
                };
                let status = if to_card {
                    Status::Approved
                } else {
                    Status::Refunded
                };
                // The reserve: one conditional update decides, before anything moves.
                let decided = store::approve(
                    &mut tx,
                    &store::Refund {
                        id: &row.id,
                        to: status.as_str(),
                        points_back: parts.points,
                        money_back: parts.money,
                        card_reference: reference.as_deref(),
                        by: &by,
                        now,
                    },
                )
                .await?;
                if !decided {
                    tx.rollback().await?;
                    return Ok(Err(Refused::Decided));
                }
                if to_card
                    && !store::reserve_card(&mut tx, &row.order_id, parts.money, card_part).await?
                {
                    tx.rollback().await?;
                    return Ok(Err(Refused::CardExceeded));
                }
                let key = format!("return:{}", row.id);
                let taken = crate::loyalty::take_back_part(
                    &mut tx,
                    &row.customer_id,
                    &number,
                    &key,
                    Kopecks::new(row.amount),
                    Kopecks::new(goods),
                    now,
                )
                .await?;
                store::set_points_taken(&mut tx, &row.id, taken).await?;
                crate::loyalty::give_back_part(
                    &mut tx,
                    &row.customer_id,
                    &number,
                    &key,
                    parts.points,
                    now,
                )
                .await?;
                if !to_card && parts.money > 0 {
                    let m = crate::balance::Movement {
                        amount: Kopecks::new(parts.money),
                        kind: crate::balance::EntryKind::Refund,
                        key: &key,
                        reference: number.as_str(),
                    };
                    crate::balance::credit(&mut tx, &row.customer_id, m, now).await?;
                }
                // The 54-ФЗ refund receipt of the returned goods, by what gives them back.
                let mut tenders = Vec::new();
                if parts.points > 0 {
                    tenders.push(crate::fiscal::TenderSum {
                        kind: "points".into(),
                        amount: parts.points * crate::loyalty::POINT.get(),
                    });
                }
                if parts.money > 0 {
                    let kind = if to_card {
                        crate::payments::tenders::held(&mut tx, &row.order_id)
                            .await?
                            .into_iter()
                            .map(|(k, _)| k)
                            .find(|k| matches!(k.as_str(), "card" | "wallet" | "sbp"))
                            .unwrap_or_else(|| "card".into())
                    } else {
                        "balance".into()
                    };
                    tenders.push(crate::fiscal::TenderSum {
                        kind,
                        amount: parts.money,
                    });
                }
                let items = vec![crate::fiscal::Item::new(
                    &row.title,
                    &seller,
                    row.quantity,
                    row.price,
                )];
                crate::fiscal::record_part_refund(
                    &mut tx,
                    &row.order_id,
                    &row.id,
                    items,
                    tenders,
                    now,
                )
                .await?;
                tx.commit().await?;
                Ok(Ok(Moved {
                    status,
                    card: reference.map(|r| (r, parts.money)),
                }))
            }
        }))
        .await;
    let moved = match done? {
        Ok(m) => m,
        Err(Refused::Decided) => return Err(AppError::conflict("return_decided")),
        Err(Refused::NoCard) => return Err(AppError::conflict("card_refund_unavailable")),
        Err(Refused::CardExceeded) => return Err(AppError::conflict("card_refund_exceeded")),
    };
    if let Err(e) = crate::fiscal::register(&state.db, &*state.fiscal, Some(&order_id), now).await {
        tracing::warn!(id, error = %e, "return receipt not registered yet");
    }
    let mut status = moved.status;
    if let Some((reference, amount)) = moved.card
        && refund_card(state, id, &reference, amount).await
    {
        status = Status::Refunded;
    }
    let key = if status == Status::Refunded {
        "return-refunded"
    } else {
        "return-approved"
    };
    announce_row(state, id, key).await;
    Ok(status)
}

/// Asks the acquirer to give `amount` back of the charge `reference`, and marks the return
/// refunded when it did. False when the acquirer could not be asked (the reconciler will).
async fn refund_card(state: &AppState, id: &str, reference: &str, amount: i64) -> bool {
    let now = state.clock.now_ms();
    match state.payments.refund(reference, Some(amount), now).await {
        Ok(()) => match store::card_refunded_done(&state.db, id, now).await {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(id, error = %e, "card refund not marked");
                false
            }
        },
        Err(e) => {
            tracing::warn!(id, error = %e, "card refund not made yet");
            false
        }
    }
}

/// Finishes card refunds a crash or the acquirer's outage left `approved` (the housekeeping
/// job, and at start). A refund is asked for only after claiming it (the approval holds its
/// own claim while it asks), so two nodes or passes never ask for the same one. Returns how
/// many were finished.
pub async fn finish_card_refunds(state: &AppState) -> AppResult<usize> {
    let mut n = 0;
    let now = state.clock.now_ms();
    for (id, reference, amount) in store::card_due(&state.db, now).await? {
        if !store::claim_card_refund(&state.db, &id, now).await? {
            continue;
        }
        if refund_card(state, &id, &reference, amount).await {
            announce_row(state, &id, "return-refunded").await;
            n += 1;
        }
    }
    Ok(n)
}

/// Rejects a requested return with a reason the customer is told; its quantity is free to be
/// asked back again. 400 `reason_required` / `reason_too_long`, 409 `return_decided`.
pub async fn reject(state: &AppState, id: &str, by: &str, reason: &str) -> AppResult<()> {
    let reason = clean_text(reason, MAX_REJECT_REASON, "reason_too_long")?;
    if reason.is_empty() {
        return Err(AppError::bad_request("reason_required"));
    }
    if !crate::db::looks_like_id(id) {
        return Err(AppError::missing("return_not_found"));
    }
    let row = store::by_id(&state.db, id)
        .await?
        .ok_or_else(|| AppError::missing("return_not_found"))?;
    if row.status != Status::Requested.as_str() {
        return Err(AppError::conflict("return_decided"));
    }
    let now = state.clock.now_ms();
    let (st, by) = (state.clone(), by.to_owned());
    let done: Result<bool, sqlx::Error> = crate::db::detached(crate::db::retrying(move || {
        let (st, row, by, reason) = (st.clone(), row.clone(), by.clone(), reason.clone());
        async move {
            let mut tx = crate::db::begin_write(&st.db).await?;
            if !store::reject(&mut tx, &row.id, &reason, &by, now).await? {
                tx.rollback().await?;
                return Ok(false);
            }
            store::release_line(&mut tx, &row.order_id, &row.product_id, row.quantity).await?;
            tx.commit().await?;
            Ok(true)
        }
    }))
    .await;
    if !done? {
        return Err(AppError::conflict("return_decided"));
    }
    announce_row(state, id, "return-rejected").await;
    Ok(())
}

/// Tells the customer about their return (`return-requested`, `-approved`, `-refunded`,
/// `-rejected`) by the channels they chose for orders. Failing to queue it is logged, never an
/// error: the return has moved either way.
async fn announce_row(state: &AppState, id: &str, key: &str) {
    let r = match one(state, id).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(id, code = e.code, "return notice not queued");
            return;
        }
    };
    let link = format!("{}/account/returns", state.base_url.trim_end_matches('/'));
    let to = format!("return-to-{}-words", r.refund_to.as_str());
    let done = crate::customers::notices::announce(
        state,
        &r.customer_id,
        crate::customers::notices::Topic::Orders,
        key,
        |locale| {
            vec![
                ("number", r.order_number.clone()),
                ("title", r.title.clone()),
                ("quantity", r.quantity.to_string()),
                ("amount", crate::domain::money::rubles(r.amount)),
                ("to", locale.t(&to)),
                ("reason", r.reject_reason.clone().unwrap_or_default()),
            ]
        },
        Some(link),
    )
    .await;
    if let Err(e) = done {
        tracing::warn!(id, key, error = %e, "return notice not queued");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    #[test]
    fn the_window_is_thirty_days_to_the_millisecond() {
        let received = 1_767_603_600_000;
        assert!(window_open(received, received, 30));
        assert!(window_open(received, received + 30 * DAY, 30));
        assert!(!window_open(received, received + 30 * DAY + 1, 30));
        assert!(window_open(received, received + 7 * DAY, 7));
        assert!(!window_open(received, received + 7 * DAY + 1, 7));
        assert!(!window_open(received, received + 1, 0));
        assert!(window_open(received, received, 0));
    }

    #[test]
    fn received_times_keep_their_milliseconds() {
        let ms = 1_767_603_600_001;
        let t: jiff::Timestamp = crate::clock::rfc3339(ms).parse().unwrap();
        assert_eq!(t.as_millisecond(), ms);
    }

    #[test]
    fn points_come_back_in_proportion_and_money_is_the_rest() {
        // No points: all money.
        assert_eq!(
            split(129_900, 300_000, 0),
            Split {
                points: 0,
                money: 129_900
            }
        );
        // 750 points paid 3 000 ₽ of goods; a 1 000 ₽ line comes back as 250 points + 750 ₽.
        assert_eq!(
            split(100_000, 300_000, 750),
            Split {
                points: 250,
                money: 75_000
            }
        );
        // Rounded down to whole points; the kopecks stay money.
        assert_eq!(
            split(99_999, 300_000, 750),
            Split {
                points: 249,
                money: 99_999 - 24_900
            }
        );
        // Every line returned: the points' shares never add up to more than was spent.
        let lines = [100_000, 100_000, 100_000];
        let back: i64 = lines.iter().map(|a| split(*a, 300_000, 751).points).sum();
        assert!(back <= 751);
        let worth: i64 = lines
            .iter()
            .map(|a| {
                let s = split(*a, 300_000, 751);
                s.points * 100 + s.money
            })
            .sum();
        assert_eq!(
            worth, 300_000,
            "points and money always make the line's worth"
        );
        // Nonsense stays harmless.
        assert_eq!(
            split(-5, 100, 10),
            Split {
                points: 0,
                money: 0
            }
        );
        assert_eq!(
            split(100, 0, 10),
            Split {
                points: 0,
                money: 100
            }
        );
    }

    #[test]
    fn reasons_are_codes_or_kept_as_text() {
        assert_eq!(
            reason_of("defect", Some("  скол на ручке ")).unwrap(),
            ("defect", "скол на ручке".to_owned())
        );
        assert_eq!(
            reason_of("Не подошёл размер", None).unwrap(),
            ("other", "Не подошёл размер".to_owned())
        );
        assert_eq!(
            reason_of("Не подошёл", Some("совсем")).unwrap(),
            ("other", "Не подошёл\nсовсем".to_owned())
        );
        assert_eq!(
            reason_of("  ", None).unwrap_err().code,
            "return_reason_required"
        );
        assert_eq!(
            reason_of("defect", Some("<script>x</script>"))
                .unwrap_err()
                .code,
            "text_has_html"
        );
        assert_eq!(
            reason_of(&"д".repeat(501), None).unwrap_err().code,
            "reason_too_long"
        );
        assert_eq!(
            reason_of("defect", Some(&"д".repeat(1_001)))
                .unwrap_err()
                .code,
            "comment_too_long"
        );
        assert!(reason_of("defect", Some("1 < 2, a<3")).is_ok());
    }
}
