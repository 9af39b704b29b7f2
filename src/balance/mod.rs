//! The account balance («Баланс средств», PRODUCT W2 and §2): a floor under certificates,
//! checkout, cancels and returns, which call it inside their own transactions. It knows no HTTP
//! and no other capability — only the amounts, keys and references it is given.
//!
//! **Books.** Money on the account (kopecks) moves only by entries of an append-only ledger:
//! certificates and refunds in, orders out, a cancelled order's part back. Every entry has an
//! idempotency key (the same key twice moves the money once) and a reference the customer
//! recognises (an order's number, a certificate's masked number). The account row holds the
//! balance: a debit *reserves* from it by one conditional statement before anything else is
//! written, so a hundred simultaneous debits never take more than there is and the balance is
//! never negative. Balance = the sum of the ledger, always ([`books`]).
//!
//! A certificate's money is not withdrawable (PRODUCT §2): nothing here pays money out; a
//! refund to the balance stays on the account.

pub mod store;

use crate::db::Conn;
use crate::db::Db;
use crate::domain::money::Kopecks;
use crate::error::{AppError, AppResult};

/// What moved the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = BalanceEntryKind)]
pub enum EntryKind {
    /// A gift certificate was activated (in).
    Certificate,
    /// A return or an overpayment was refunded to the balance (in).
    Refund,
    /// An order was paid from the balance (out).
    Order,
    /// A cancelled order gave back what the balance paid (in).
    OrderCancelled,
}

impl EntryKind {
    pub const ALL: [EntryKind; 4] = [
        EntryKind::Certificate,
        EntryKind::Refund,
        EntryKind::Order,
        EntryKind::OrderCancelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Certificate => "certificate",
            EntryKind::Refund => "refund",
            EntryKind::Order => "order",
            EntryKind::OrderCancelled => "order_cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Money in (true) or out.
    pub fn is_credit(self) -> bool {
        !matches!(self, EntryKind::Order)
    }
}

/// A movement: how much, why, under which idempotency key, referring to what.
#[derive(Debug, Clone, Copy)]
pub struct Movement<'a> {
    /// Positive; the kind says which way it goes.
    pub amount: Kopecks,
    pub kind: EntryKind,
    pub key: &'a str,
    pub reference: &'a str,
}

/// A debit the balance does not cover: what the account has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Short {
    pub available: Kopecks,
}

fn checked(m: &Movement<'_>, credit: bool) -> Result<i64, sqlx::Error> {
    let amount = m.amount.get();
    if amount <= 0 || m.kind.is_credit() != credit || m.key.is_empty() {
        return Err(sqlx::Error::Protocol(format!(
            "balance movement {:?} of {amount} under key {:?}",
            m.kind, m.key
        )));
    }
    Ok(amount)
}

/// Puts money on the customer's account, once per key. Returns whether this call moved it
/// (false: a movement under this key was already on record).
pub async fn credit(
    tx: &mut Conn,
    customer: &str,
    m: Movement<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let amount = checked(&m, true)?;
    // The ledger row first: a racing credit under the same key waits on its unique index and
    // then finds it taken.
    if !store::append(
        tx,
        customer,
        m.kind.as_str(),
        amount,
        m.reference,
        m.key,
        now,
    )
    .await?
    {
        return Ok(false);
    }
    store::add(tx, customer, amount, now).await?;
    Ok(true)
}

/// Takes money from the customer's account if it has that much, once per key. The reservation
/// comes first, so a refusal writes nothing; a repeat under the same key moves nothing (one
/// racing the first gives its reservation back when it finds the key taken).
pub async fn debit(
    tx: &mut Conn,
    customer: &str,
    m: Movement<'_>,
    now: i64,
) -> Result<Result<(), Short>, sqlx::Error> {
    let amount = checked(&m, false)?;
    if store::movement(tx, customer, m.key).await?.is_some() {
        return Ok(Ok(()));
    }
    if !store::reserve(tx, customer, amount, now).await? {
        let available = Kopecks::new(store::balance(tx, customer).await?);
        return Ok(Err(Short { available }));
    }
    if !store::append(
        tx,
        customer,
        m.kind.as_str(),
        -amount,
        m.reference,
        m.key,
        now,
    )
    .await?
    {
        store::add(tx, customer, amount, now).await?;
    }
    Ok(Ok(()))
}

/// The amount moved under `key` (signed), if anything was.
pub async fn moved(
    tx: &mut Conn,
    customer: &str,
    key: &str,
) -> Result<Option<Kopecks>, sqlx::Error> {
    Ok(store::movement(tx, customer, key).await?.map(Kopecks::new))
}

/// What the customer may spend, read inside the caller's transaction (e.g. right after a
/// credit, before commit).
pub async fn current(conn: &mut Conn, customer: &str) -> Result<Kopecks, sqlx::Error> {
    Ok(Kopecks::new(store::balance(conn, customer).await?))
}

/// What the customer may spend.
pub async fn balance(db: &Db, customer: &str) -> Result<Kopecks, sqlx::Error> {
    let mut c = crate::db::acquire(db).await?;
    Ok(Kopecks::new(store::balance(&mut c, customer).await?))
}

/// One line of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub at: i64,
    /// Signed: in positive, out negative.
    pub amount: Kopecks,
    pub kind: EntryKind,
    pub reference: String,
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
    let limit = limit.clamp(1, 100);
    let mut c = crate::db::acquire(db).await?;
    let rows = store::entries(&mut c, customer, before, limit + 1).await?;
    let next = crate::db::ledger_next_cursor(&rows, limit, |r| (r.at, r.id.as_str()));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| {
            let kind = EntryKind::parse(&r.kind).ok_or_else(|| {
                AppError::internal(format!("balance entry {} of kind {:?}", r.id, r.kind))
            })?;
            Ok(Entry {
                at: r.at,
                amount: Kopecks::new(r.amount),
                kind,
                reference: r.reference,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok((items, next))
}

/// The two numbers that must agree: the account's balance and the sum of its ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Books {
    pub balance: i64,
    pub ledger: i64,
}

pub async fn books(db: &Db, customer: &str) -> Result<Books, sqlx::Error> {
    let mut c = crate::db::acquire(db).await?;
    Ok(Books {
        balance: store::balance(&mut c, customer).await?,
        ledger: store::ledger_sum(&mut c, customer).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_only_orders_go_out() {
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EntryKind::parse("bonus"), None);
        assert!(!EntryKind::Order.is_credit());
        assert!(EntryKind::OrderCancelled.is_credit() && EntryKind::Certificate.is_credit());
    }

    #[test]
    fn a_movement_must_be_positive_and_go_the_right_way() {
        let m = |amount, kind| Movement {
            amount: Kopecks::new(amount),
            kind,
            key: "k",
            reference: "r",
        };
        assert!(checked(&m(100, EntryKind::Certificate), true).is_ok());
        assert!(checked(&m(0, EntryKind::Certificate), true).is_err());
        assert!(checked(&m(-5, EntryKind::Refund), true).is_err());
        assert!(checked(&m(100, EntryKind::Order), true).is_err());
        assert!(checked(&m(100, EntryKind::Certificate), false).is_err());
        assert!(checked(&m(100, EntryKind::Order), false).is_ok());
    }
}
