//! Status points («Баллы и бонусы», PRODUCT W1 and §2): a floor under checkout and orders,
//! which call it inside their own transactions. It knows no HTTP and no other capability —
//! only the values it is given (`now`, an order's number, its goods).
//!
//! **Points** are whole points (1 point = 1 ₽). A received order earns a percentage of its
//! goods by the customer's tier, rounded down, as one *lot* that expires a year after it was
//! earned. Spending takes the lot expiring first first (FIFO), and each order remembers which
//! lots it spent from, so a cancel gives the points back to the same lots.
//!
//! **Tiers** count the goods of orders received in the last 12 months (each accrual records
//! its order's goods, so this floor never reads the orders): «Базовый» 1 %, «Серебряный» from
//! 15 000 ₽ 3 %, «Золотой» from 50 000 ₽ 5 %, «Платиновый» from 150 000 ₽ — or with an approved
//! co-branded card — 7 %. An order earns at the tier the customer had before it arrived.
//!
//! **Books.** Every change is one signed entry of an append-only ledger (`earned`, `spent`,
//! `returned`, `expired`, `granted`) with an idempotency key, so a retried call changes
//! nothing. The account row holds the balance: a spend *reserves* from it by one conditional
//! statement before it touches a lot, and every change of a customer's points first writes that
//! row, so one customer's changes queue one after another on SQLite and PostgreSQL alike; a
//! hundred simultaneous spends never take more than there is. Balance = the sum of the ledger =
//! what the lots hold.
//!
//! **Choices.**
//! - A take-back (a received order cancelled or returned) takes what is left of the points
//!   *that order* earned, never the customer's other points, and never below zero. Points of
//!   that lot another order spent and later gives back are taken back then.
//! - Points an order gives back return to the lots they came from and keep those lots' expiry
//!   (cancelling must not make points live longer). Points returned to a lot already past its
//!   expiry expire again at once, in the same transaction, with an `expired` entry.
//! - Every change first expires what is past its time for that customer; the housekeeping job
//!   ([`expire`]) does it for everyone. Until then, [`available`] already leaves such points out.

pub mod store;

use crate::db::Conn;
use crate::db::Db;
use crate::domain::money::Kopecks;
use crate::domain::order::OrderNumber;
use crate::error::{AppError, AppResult};
use store::NewEntry;

/// Points may pay at most this share of the goods (not delivery, not certificates).
pub const MAX_SHARE_PERCENT: i64 = 25;
/// What one point is worth.
pub const POINT: Kopecks = Kopecks::roubles(1);
/// How many expiry dates a summary lists at most.
const EXPIRING_SHOWN: i64 = 24;

/// A status tier. Stored nowhere: always worked out from the received goods and the card.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[schema(as = LoyaltyTier)]
pub enum Tier {
    Base,
    Silver,
    Gold,
    Platinum,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Base, Tier::Silver, Tier::Gold, Tier::Platinum];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Base => "base",
            Tier::Silver => "silver",
            Tier::Gold => "gold",
            Tier::Platinum => "platinum",
        }
    }
    /// The share of goods a received order earns, in percent.
    pub fn percent(self) -> i64 {
        match self {
            Tier::Base => 1,
            Tier::Silver => 3,
            Tier::Gold => 5,
            Tier::Platinum => 7,
        }
    }
    /// Goods received in 12 months from which the tier is reached.
    pub fn threshold(self) -> Kopecks {
        match self {
            Tier::Base => Kopecks::ZERO,
            Tier::Silver => Kopecks::roubles(15_000),
            Tier::Gold => Kopecks::roubles(50_000),
            Tier::Platinum => Kopecks::roubles(150_000),
        }
    }
    pub fn next(self) -> Option<Tier> {
        match self {
            Tier::Base => Some(Tier::Silver),
            Tier::Silver => Some(Tier::Gold),
            Tier::Gold => Some(Tier::Platinum),
            Tier::Platinum => None,
        }
    }
    /// The tier goods received in 12 months reach by themselves.
    pub fn by_goods(goods: Kopecks) -> Tier {
        Tier::ALL
            .into_iter()
            .rev()
            .find(|t| goods >= t.threshold())
            .unwrap_or(Tier::Base)
    }
}

/// The tier: by the goods received in 12 months, or platinum with an approved card.
pub fn tier_for(goods_12m: Kopecks, card_approved: bool) -> Tier {
    if card_approved {
        Tier::Platinum
    } else {
        Tier::by_goods(goods_12m)
    }
}

/// Points an order's goods earn at a tier: the tier's percent, rounded down to whole points.
pub fn accrual(goods: Kopecks, tier: Tier) -> i64 {
    goods.percent(tier.percent()).whole_roubles().max(0)
}

/// The most points goods may be paid with: 25 % of them in whole points, rounded down.
pub fn max_for(goods: Kopecks) -> i64 {
    goods.percent(MAX_SHARE_PERCENT).whole_roubles().max(0)
}

/// How many points a purchase may take and why, in pieces a page or an answer can say in the
/// customer's language: the message `key` of `locales/*/main.ftl` and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cap {
    pub points: i64,
    /// `loyalty-cap-share` (25 % of the goods is the limit) or `loyalty-cap-balance` (the
    /// customer has fewer points than that).
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

/// What goods of `goods` may take of `available` points, and the reason.
pub fn cap(goods: Kopecks, available: i64) -> Cap {
    let share = max_for(goods);
    if available.max(0) < share {
        Cap {
            points: available.max(0),
            key: "loyalty-cap-balance",
            args: vec![("n", available.max(0).to_string())],
        }
    } else {
        Cap {
            points: share,
            key: "loyalty-cap-share",
            args: vec![
                ("percent", MAX_SHARE_PERCENT.to_string()),
                ("n", share.to_string()),
            ],
        }
    }
}

/// A spend the customer's unexpired points do not cover: what they have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Short {
    pub available: i64,
}

/// What a ledger entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = LoyaltyEntryKind)]
pub enum EntryKind {
    /// A received order earned them.
    Earned,
    /// An order paid with them.
    Spent,
    /// A cancelled or returned order: points it spent come back (positive) or points it
    /// earned are taken back (negative).
    Returned,
    /// A year passed since they were earned.
    Expired,
    /// Given by the shop (a welcome or a goodwill gift).
    Granted,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Earned => "earned",
            EntryKind::Spent => "spent",
            EntryKind::Returned => "returned",
            EntryKind::Expired => "expired",
            EntryKind::Granted => "granted",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            EntryKind::Earned,
            EntryKind::Spent,
            EntryKind::Returned,
            EntryKind::Expired,
            EntryKind::Granted,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One line of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub at: i64,
    /// Signed.
    pub points: i64,
    pub kind: EntryKind,
    pub order_number: Option<String>,
}

/// Why the customer has their tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = LoyaltyTierReason)]
pub enum TierReason {
    /// Goods received in the last 12 months.
    Purchases,
    /// The co-branded card was approved.
    CobrandCard,
}

/// The next tier and the goods still to receive for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextTier {
    pub tier: Tier,
    pub spend_needed: Kopecks,
}

/// Points that expire at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiring {
    pub points: i64,
    pub at: i64,
}

/// The customer's standing («Баллы и бонусы»).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub tier: Tier,
    pub reason: TierReason,
    /// Unexpired points.
    pub points: i64,
    /// Goods received in the last 12 months.
    pub spent_12m: Kopecks,
    /// `None` at platinum.
    pub next_tier: Option<NextTier>,
    /// Soonest first.
    pub expiring: Vec<Expiring>,
    /// When the co-branded card was approved.
    pub card_approved_at: Option<i64>,
}

/// The same moment a calendar year later (UTC): when points earned at `ms` expire.
pub fn year_after(ms: i64) -> i64 {
    shift_year(ms, 1)
}

/// The same moment a calendar year earlier (UTC): where the 12 months of a tier start.
pub fn year_before(ms: i64) -> i64 {
    shift_year(ms, -1)
}

fn shift_year(ms: i64, years: i64) -> i64 {
    jiff::Timestamp::from_millisecond(ms)
        .ok()
        .and_then(|t| {
            t.to_zoned(jiff::tz::TimeZone::UTC)
                .checked_add(jiff::Span::new().years(years))
                .ok()
        })
        .map_or(ms + years * 365 * 86_400_000, |z| {
            z.timestamp().as_millisecond()
        })
}

fn broken(what: &str) -> sqlx::Error {
    sqlx::Error::Protocol(format!("loyalty books disagree: {what}"))
}

/// The tier inside a transaction, as of `now` (goods received before it).
async fn tier_at(tx: &mut Conn, customer: &str, now: i64) -> Result<Tier, sqlx::Error> {
    let goods = store::goods_between(tx, customer, year_before(now), now).await?;
    let card = store::card_approved_at(tx, customer)
        .await?
        .is_some_and(|at| at <= now);
    Ok(tier_for(Kopecks::new(goods), card))
}

/// Expires what the customer's lots hold past their time (the account row already written by
/// this transaction). Returns how many lots expired.
async fn lapse(tx: &mut Conn, customer: &str, now: i64) -> Result<u64, sqlx::Error> {
    let mut n = 0;
    for lot in store::lapsed_lots(tx, customer, now).await? {
        if !store::expire_lot(tx, &lot.id, lot.remaining).await? {
            continue;
        }
        if !store::reserve(tx, customer, lot.remaining).await? {
            return Err(broken("the balance is below a lot"));
        }
        let key = format!("expired:{}:{}", lot.id, lot.expired + lot.remaining);
        store::append(
            tx,
            &NewEntry {
                customer,
                kind: EntryKind::Expired.as_str(),
                points: -lot.remaining,
                order_number: (lot.source == "earned").then_some(lot.reference.as_str()),
                key: &key,
                at: now,
            },
        )
        .await?;
        n += 1;
    }
    Ok(n)
}

/// A received order earns points on its goods by the customer's tier (rounded down), once per
/// order: a second call for the same order earns nothing. Returns the points earned now.
/// The goods are recorded with the accrual: they count for the tier for 12 months.
pub async fn earn(
    tx: &mut Conn,
    customer: &str,
    order: &OrderNumber,
    goods: Kopecks,
    now: i64,
) -> Result<i64, sqlx::Error> {
    store::lock(tx, customer, now).await?;
    lapse(tx, customer, now).await?;
    let tier = tier_at(tx, customer, now).await?;
    let points = accrual(goods, tier);
    let lot = store::NewLot {
        customer,
        source: "earned",
        reference: order.as_str(),
        goods: goods.get().max(0),
        points,
        earned_at: now,
        expires_at: year_after(now),
    };
    if store::insert_lot(tx, &lot).await?.is_none() {
        return Ok(0);
    }
    if points > 0 {
        store::credit(tx, customer, points).await?;
        store::append(
            tx,
            &NewEntry {
                customer,
                kind: EntryKind::Earned.as_str(),
                points,
                order_number: Some(order.as_str()),
                key: &format!("earned:{order}"),
                at: now,
            },
        )
        .await?;
    }
    Ok(points)
}

/// Points from the shop (a welcome gift, a goodwill gesture), once per `key`; they expire a
/// year after `now` like earned ones. Returns whether they were granted now.
pub async fn grant(
    tx: &mut Conn,
    customer: &str,
    key: &str,
    points: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    if points <= 0 {
        return Ok(false);
    }
    store::lock(tx, customer, now).await?;
    lapse(tx, customer, now).await?;
    let lot = store::NewLot {
        customer,
        source: "granted",
        reference: key,
        goods: 0,
        points,
        earned_at: now,
        expires_at: year_after(now),
    };
    if store::insert_lot(tx, &lot).await?.is_none() {
        return Ok(false);
    }
    store::credit(tx, customer, points).await?;
    store::append(
        tx,
        &NewEntry {
            customer,
            kind: EntryKind::Granted.as_str(),
            points,
            order_number: None,
            key: &format!("granted:{key}"),
            at: now,
        },
    )
    .await?;
    Ok(true)
}

/// A received order that is cancelled or returned takes back what it earned: what is left of
/// its lot (never below zero — points already spent stay spent), recorded as a negative
/// `returned` entry. Its goods stop counting for the tier. Once per order; an order that
/// earned nothing takes nothing. Returns the points taken now.
pub async fn take_back(
    tx: &mut Conn,
    customer: &str,
    order: &OrderNumber,
    now: i64,
) -> Result<i64, sqlx::Error> {
    store::lock(tx, customer, now).await?;
    lapse(tx, customer, now).await?;
    let Some((_, taken)) = store::take_back_lot(tx, customer, order.as_str(), now).await? else {
        return Ok(0);
    };
    if taken > 0 {
        if !store::reserve(tx, customer, taken).await? {
            return Err(broken("the balance is below a lot"));
        }
        store::append(
            tx,
            &NewEntry {
                customer,
                kind: EntryKind::Returned.as_str(),
                points: -taken,
                order_number: Some(order.as_str()),
                key: &format!("taken:{order}"),
                at: now,
            },
        )
        .await?;
    }
    Ok(taken)
}

/// Part of a received order is returned: what its lot earned on the returned goods is taken
/// back — `points × goods / order_goods` of the lot, rounded down, and never more than the lot
/// has left (points already spent stay spent) — recorded as a negative `returned` entry under
/// `taken:<key>`, and those goods stop counting for the tier. Once per `key`; an order that
/// earned nothing (or was taken back whole) takes nothing. Returns the points taken now.
pub async fn take_back_part(
    tx: &mut Conn,
    customer: &str,
    order: &OrderNumber,
    key: &str,
    goods: Kopecks,
    order_goods: Kopecks,
    now: i64,
) -> Result<i64, sqlx::Error> {
    store::lock(tx, customer, now).await?;
    lapse(tx, customer, now).await?;
    let Some(lot) = store::earned_lot(tx, customer, order.as_str()).await? else {
        return Ok(0);
    };
    if lot.taken_back_at.is_some() || goods.get() <= 0 || order_goods.get() <= 0 {
        return Ok(0);
    }
    let share = (i128::from(lot.points) * i128::from(goods.get().min(order_goods.get()))
        / i128::from(order_goods.get())) as i64;
    let take = share.min(lot.remaining).max(0);
    let entry = NewEntry {
        customer,
        kind: EntryKind::Returned.as_str(),
        points: -take,
        order_number: Some(order.as_str()),
        key: &format!("taken:{key}"),
        at: now,
    };
    if take > 0 && !store::append(tx, &entry).await? {
        return Ok(0);
    }
    if !store::take_part_of_lot(tx, &lot.id, take, goods.get()).await? {
        return Err(broken("a lot changed under its account's lock"));
    }
    if take > 0 && !store::reserve(tx, customer, take).await? {
        return Err(broken("the balance is below a lot"));
    }
    Ok(take)
}

/// Part of a received order is returned: `points` of what it spent come back, once per `key`,
/// as a lot of their own that expires when the earliest lot the order spent from does (a
/// return must not make points live longer; already past it, they expire at once). Recorded
/// as a positive `returned` entry under `returned:<key>`. Returns the points given back now.
pub async fn give_back_part(
    tx: &mut Conn,
    customer: &str,
    order: &OrderNumber,
    key: &str,
    points: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    if points <= 0 {
        return Ok(0);
    }
    store::lock(tx, customer, now).await?;
    lapse(tx, customer, now).await?;
    let expires_at = store::spent_lots_expiry(tx, customer, order.as_str())
        .await?
        .unwrap_or_else(|| year_after(now));
    let lot = store::NewLot {
        customer,
        source: "returned",
        reference: key,
        goods: 0,
        points,
        earned_at: now,
        expires_at,
    };
    if store::insert_lot(tx, &lot).await?.is_none() {
        return Ok(0);
    }
    store::credit(tx, customer, points).await?;
    store::append(
        tx,
        &NewEntry {
            customer,
            kind: EntryKind::Returned.as_str(),
            points,
            order_number: Some(order.as_str()),
            key: &format!("returned:{key}"),
            at: now,
        },
    )
    .await?;
    lapse(tx, customer, now).await?;
    Ok(points)
}

/// An order pays with `points`: reserved from the balance by one conditional statement, then
/// taken from the unexpired lots, the one expiring first first. `Ok(Err(Short))` when the
/// customer's unexpired points do not cover it (nothing is spent; roll back or go on as the
/// caller likes). Once per order: a second call for the same order spends nothing more.
pub async fn spend(
    tx: &mut Conn,
    customer: &str,
    order: &OrderNumber,
    points: i64,
    now: i64,
) -> Result<Result<(), Short>, sqlx::Error> {
    if points <= 0 {
        return Ok(Ok(()));
    }
    store::lock(tx, customer, now).await?;
    if store::has_spent(tx, customer, order.as_str()).await? {
        return Ok(Ok(()));
    }
    lapse(tx, customer, now).await?;
    if !store::reserve(tx, customer, points).await? {
        let available = store::available(tx, customer, now).await?;
        return Ok(Err(Short { available }));
    }
    let mut need = points;
    for lot in store::spendable_lots(tx, customer, now).await? {
        let take = need.min(lot.remaining);
        if !store::take_from_lot(tx, &lot.id, take).await? {
            return Err(broken("a lot changed under its account's lock"));
        }
        store::insert_spend(tx, customer, order.as_str(), &lot.id, take, now).await?;
        need -= take;
        if need == 0 {
            break;
        }
    }
    if need > 0 {
        return Err(broken("the lots hold less than the balance"));
    }
    store::append(
        tx,
        &NewEntry {
            customer,
            kind: EntryKind::Spent.as_str(),
            points: -points,
            order_number: Some(order.as_str()),
            key: &format!("spent:{order}"),
            at: now,
        },
    )
    .await?;
    Ok(Ok(()))
}

/// A cancelled or returned order gives back what it spent, once: to the lots it came from,
/// keeping their expiry. Points of a lot already past its expiry expire again at once; points
/// of a lot whose own order was taken back are taken back with it. Returns the points given
/// back (before either).
pub async fn give_back(
    tx: &mut Conn,
    customer: &str,
    order: &OrderNumber,
    now: i64,
) -> Result<i64, sqlx::Error> {
    store::lock(tx, customer, now).await?;
    lapse(tx, customer, now).await?;
    let spends = store::release_spends(tx, customer, order.as_str(), now).await?;
    let total: i64 = spends.iter().map(|(_, p)| p).sum();
    if total == 0 {
        return Ok(0);
    }
    let mut taken_again = 0;
    for (lot, points) in &spends {
        if store::return_to_lot(tx, lot, *points).await? {
            taken_again += points;
        }
    }
    store::credit(tx, customer, total - taken_again).await?;
    store::append(
        tx,
        &NewEntry {
            customer,
            kind: EntryKind::Returned.as_str(),
            points: total,
            order_number: Some(order.as_str()),
            key: &format!("returned:{order}"),
            at: now,
        },
    )
    .await?;
    if taken_again > 0 {
        store::append(
            tx,
            &NewEntry {
                customer,
                kind: EntryKind::Returned.as_str(),
                points: -taken_again,
                order_number: Some(order.as_str()),
                key: &format!("taken-again:{order}"),
                at: now,
            },
        )
        .await?;
    }
    lapse(tx, customer, now).await?;
    Ok(total)
}

/// Approves the co-branded card for the tier: platinum from `now` on.
pub async fn approve_card(tx: &mut Conn, customer: &str, now: i64) -> Result<(), sqlx::Error> {
    store::lock(tx, customer, now).await?;
    store::approve_card(tx, customer, now).await
}

/// Unexpired points of the customer.
pub async fn available(db: &Db, customer: &str, now: i64) -> Result<i64, sqlx::Error> {
    let mut c = crate::db::acquire(db).await?;
    store::available(&mut c, customer, now).await
}

/// The customer's tier now.
pub async fn tier(db: &Db, customer: &str, now: i64) -> Result<Tier, sqlx::Error> {
    let mut c = crate::db::acquire(db).await?;
    tier_at(&mut c, customer, now).await
}

/// Tier, points, progress to the next tier and what expires when.
pub async fn summary(db: &Db, customer: &str, now: i64) -> Result<Summary, sqlx::Error> {
    let mut c = crate::db::acquire(db).await?;
    let goods = Kopecks::new(store::goods_between(&mut c, customer, year_before(now), now).await?);
    let card_approved_at = store::card_approved_at(&mut c, customer)
        .await?
        .filter(|at| *at <= now);
    let tier = tier_for(goods, card_approved_at.is_some());
    let reason = if tier > Tier::by_goods(goods) {
        TierReason::CobrandCard
    } else {
        TierReason::Purchases
    };
    let next_tier = tier.next().map(|t| NextTier {
        tier: t,
        spend_needed: t.threshold() - goods,
    });
    let expiring = store::expiring(&mut c, customer, now, EXPIRING_SHOWN)
        .await?
        .into_iter()
        .map(|(at, points)| Expiring { points, at })
        .collect();
    Ok(Summary {
        tier,
        reason,
        points: store::available(&mut c, customer, now).await?,
        spent_12m: goods,
        next_tier,
        expiring,
        card_approved_at,
    })
}

/// A page of the customer's history, newest first, and the cursor of the next page.
pub async fn history(
    db: &Db,
    customer: &str,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Entry>, Option<String>)> {
    let before = crate::db::ledger_page_start(cursor)
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))?;
    let mut c = crate::db::acquire(db).await?;
    let rows = store::entries(&mut c, customer, before, limit + 1).await?;
    let next = crate::db::ledger_next_cursor(&rows, limit, |r| (r.at, r.id.as_str()));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| Entry {
            at: r.at,
            points: r.points,
            kind: EntryKind::parse(&r.kind).unwrap_or(EntryKind::Granted),
            order_number: r.order_number,
        })
        .collect();
    Ok((items, next))
}

/// The housekeeping step: expires every lot past its time (a year after it was earned), in
/// batches of customers, each in its own short transaction. Returns how many lots expired.
pub async fn expire(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    const BATCH: i64 = 200;
    let mut expired = 0;
    loop {
        let customers = {
            let mut c = crate::db::acquire(db).await?;
            store::customers_with_lapsed_lots(&mut c, now, BATCH).await?
        };
        for customer in &customers {
            let customer = customer.as_str();
            expired += crate::db::retrying(|| async move {
                let mut tx = crate::db::begin_write(db).await?;
                store::lock(&mut tx, customer, now).await?;
                let n = lapse(&mut tx, customer, now).await?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(n)
            })
            .await?;
        }
        if (customers.len() as i64) < BATCH {
            return Ok(expired);
        }
    }
}

/// The three numbers that must agree: the account's balance, the sum of the ledger and what the
/// lots hold (for checks and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Books {
    pub balance: i64,
    pub ledger: i64,
    pub lots: i64,
}

pub async fn books(db: &Db, customer: &str) -> Result<Books, sqlx::Error> {
    let mut c = crate::db::acquire(db).await?;
    Ok(Books {
        balance: store::balance(&mut c, customer).await?,
        ledger: store::ledger_sum(&mut c, customer).await?,
        lots: store::remaining_total(&mut c, customer).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_start_at_their_thresholds() {
        let r = Kopecks::roubles;
        assert_eq!(Tier::by_goods(Kopecks::ZERO), Tier::Base);
        assert_eq!(Tier::by_goods(r(15_000) - Kopecks::new(1)), Tier::Base);
        assert_eq!(Tier::by_goods(r(15_000)), Tier::Silver);
        assert_eq!(Tier::by_goods(r(50_000) - Kopecks::new(1)), Tier::Silver);
        assert_eq!(Tier::by_goods(r(50_000)), Tier::Gold);
        assert_eq!(Tier::by_goods(r(150_000) - Kopecks::new(1)), Tier::Gold);
        assert_eq!(Tier::by_goods(r(150_000)), Tier::Platinum);
        assert_eq!(tier_for(Kopecks::ZERO, true), Tier::Platinum);
        assert_eq!(
            Tier::ALL.map(Tier::percent),
            [1, 3, 5, 7],
            "PRODUCT §2 percentages"
        );
    }

    #[test]
    fn accruals_round_down_to_whole_points() {
        assert_eq!(accrual(Kopecks::new(9_999), Tier::Base), 0);
        assert_eq!(accrual(Kopecks::new(10_000), Tier::Base), 1);
        assert_eq!(accrual(Kopecks::roubles(1_299), Tier::Silver), 38);
        assert_eq!(accrual(Kopecks::new(-5), Tier::Platinum), 0);
    }

    #[test]
    fn a_quarter_of_the_goods_in_whole_points() {
        assert_eq!(max_for(Kopecks::new(399)), 0);
        assert_eq!(max_for(Kopecks::new(400)), 1);
        assert_eq!(max_for(Kopecks::roubles(1_000)), 250);
        assert_eq!(max_for(Kopecks::new(-400)), 0);
        let c = cap(Kopecks::roubles(1_000), 10_000);
        assert_eq!((c.points, c.key), (250, "loyalty-cap-share"));
        let c = cap(Kopecks::roubles(1_000), 100);
        assert_eq!((c.points, c.key), (100, "loyalty-cap-balance"));
    }

    #[test]
    fn a_year_is_a_calendar_year() {
        // 2028-02-29 is a leap day: a year later is 2029-02-28 (jiff clamps), never March.
        let leap = 1_835_395_200_000; // 2028-02-29T00:00:00Z
        assert_eq!(year_after(leap), 1_866_931_200_000); // 2029-02-28T00:00:00Z
        let t = 1_767_603_600_000; // 2026-01-05T09:00:00Z
        assert_eq!(year_after(t) - t, 365 * 86_400_000);
        assert_eq!(year_before(year_after(t)), t);
    }
}
