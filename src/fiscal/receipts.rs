//! Writing receipts inside the caller's transaction, and registering them with the operator.

use super::{FiscalOperator, Item, Kind, OperatorError, Receipt, TenderSum, store};
use crate::db::Conn;
use crate::db::Db;

/// The payment receipt of an order that has just become paid (called in that transaction):
/// its items and what each tender paid. Once per order however many callers race: false when
/// it was written already.
pub async fn record_payment(
    tx: &mut Conn,
    order_id: &str,
    items: Vec<Item>,
    tenders: Vec<TenderSum>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let total = tenders.iter().map(|t| t.amount).sum();
    let r = Receipt {
        id: crate::db::new_id(),
        order_id: order_id.to_owned(),
        kind: Kind::Payment,
        at: now,
        total,
        items,
        tenders,
        fiscal: None,
    };
    store::insert(tx, &r, order_id).await
}

/// The refund receipt of a paid order that is cancelled (called in that transaction): the
/// payment receipt's items and tenders given back. Nothing when the order never had a payment
/// receipt; once per order however many callers race.
pub async fn record_refund(tx: &mut Conn, order_id: &str, now: i64) -> Result<bool, sqlx::Error> {
    let Some(paid) = store::find(tx, order_id, Kind::Payment, order_id).await? else {
        return Ok(false);
    };
    let r = Receipt {
        id: crate::db::new_id(),
        kind: Kind::Refund,
        at: now,
        fiscal: None,
        ..paid
    };
    store::insert(tx, &r, order_id).await
}

/// The refund receipt of part of a received order (a return), called in the transaction that
/// refunds it: the returned `items` and what each tender gives back. Once per `source` (the
/// return's id) however many callers race; nothing when the order never had a payment receipt.
pub async fn record_part_refund(
    tx: &mut Conn,
    order_id: &str,
    source: &str,
    items: Vec<Item>,
    tenders: Vec<TenderSum>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    if store::find(tx, order_id, Kind::Payment, order_id)
        .await?
        .is_none()
    {
        return Ok(false);
    }
    let r = Receipt {
        id: crate::db::new_id(),
        order_id: order_id.to_owned(),
        kind: Kind::Refund,
        at: now,
        total: tenders.iter().map(|t| t.amount).sum(),
        items,
        tenders,
        fiscal: None,
    };
    store::insert(tx, &r, source).await
}

/// One receipt of an order.
pub async fn get(db: &Db, order_id: &str, id: &str) -> Result<Option<Receipt>, sqlx::Error> {
    if !crate::db::looks_like_id(id) {
        return Ok(None);
    }
    store::one(db, order_id, id).await
}

/// Registers the receipts not registered yet — of one order, or (`None`) any — with the
/// operator and keeps its fiscal fields. Safe to run on several nodes at once: the operator
/// answers a receipt once, and the fields are kept once. Returns how many were registered.
pub async fn register(
    db: &Db,
    operator: &dyn FiscalOperator,
    order_id: Option<&str>,
    now: i64,
) -> Result<usize, OperatorError> {
    let mut n = 0;
    for r in store::unregistered(db, order_id).await? {
        let fiscal = operator.register(&r).await?;
        if store::set_fiscal(db, &r.id, &fiscal, now).await? {
            n += 1;
        }
    }
    Ok(n)
}
