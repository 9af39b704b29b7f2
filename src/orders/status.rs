//! Where an order goes after checkout: staff moves, cancelling (goods, bonuses and money
//! back), the demo's delivery, and the parcel plan of a placed order.

use super::*;
use crate::domain::money::Kopecks;

/// The one way an order's status changes: a conditional update from `from` (so two racing
/// moves make one) that records its event in the same transaction. False when the order was
/// not in `from`.
pub(super) async fn transition(
    tx: &mut crate::db::Conn,
    order_id: &str,
    from: OrderStatus,
    to: OrderStatus,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let received = (to == OrderStatus::Received).then_some(now);
    let moved = store::set_status(tx, order_id, from, to, received).await?;
    if moved {
        add_event(tx, order_id, to, now).await?;
        if to == OrderStatus::Received {
            // Status points for the goods, by the customer's tier, in the same transaction.
            let (customer, number, goods) = store::goods_of(tx, order_id)
                .await?
                .ok_or(sqlx::Error::RowNotFound)?;
            let number = OrderNumber::parse(&number).ok_or(sqlx::Error::RowNotFound)?;
            crate::loyalty::earn(tx, &customer, &number, Kopecks::new(goods), now).await?;
        }
        // The 54-ФЗ receipt of the payment, or of its refund, in the same transaction.
        if to == OrderStatus::Paid {
            payment_receipt(tx, order_id, now).await?;
        } else if to == OrderStatus::Cancelled && from != OrderStatus::AwaitingPayment {
            crate::fiscal::record_refund(tx, order_id, now).await?;
        }
    }
    Ok(moved)
}

/// Writes the receipt of an order that has just become paid: its lines and delivery, each at
/// the shop's VAT rate, and what every tender paid (card, СБП or wallet, bonuses, points).
async fn payment_receipt(
    tx: &mut crate::db::Conn,
    order_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let (lines, delivery) = store::receipt_lines(tx, order_id).await?;
    let mut items: Vec<crate::fiscal::Item> = lines
        .iter()
        .map(|(title, seller, price, qty)| crate::fiscal::Item::new(title, seller, *qty, *price))
        .collect();
    if delivery > 0 {
        items.push(crate::fiscal::Item::new("Доставка", "", 1, delivery));
    }
    let tenders = payments::tenders::held(tx, order_id)
        .await?
        .into_iter()
        .map(|(kind, amount)| crate::fiscal::TenderSum {
            kind,
            amount: amount.get(),
        })
        .collect();
    crate::fiscal::record_payment(tx, order_id, items, tenders, now).await
}

/// Registers an order's receipts with the fiscal operator after the transaction that wrote
/// them. The operator being away is no reason to fail what the customer did: the receipt stays
/// unregistered and `reconcile` asks again.
pub(super) async fn register_receipts(state: &AppState, order_id: &str) {
    let now = state.clock.now_ms();
    if let Err(e) = crate::fiscal::register(&state.db, &*state.fiscal, Some(order_id), now).await {
        tracing::warn!(order_id, error = %e, "receipt not registered yet");
    }
}

pub(super) async fn add_event(
    tx: &mut crate::db::Conn,
    order_id: &str,
    status: OrderStatus,
    at: i64,
) -> Result<(), sqlx::Error> {
    store::insert_event(tx, order_id, status, at).await
}

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
    Ok(store::set_cancel_reason(&state.db, order_id, reason).await?)
}

/// Cancels an order that has not shipped, in one transaction: its stock and bonuses return,
/// an unpaid order's goods go back to the cart, an approved payment is refunded.
pub async fn cancel(state: &AppState, order_id: &str) -> AppResult<()> {
    let now = state.clock.now_ms();
    let (st, id) = (state.clone(), order_id.to_owned());
    let done: Result<Option<Vec<String>>, sqlx::Error> =
        crate::db::detached(crate::db::retrying(move || {
            let (st, id) = (st.clone(), id.clone());
            async move {
                let mut tx = crate::db::begin_write(&st.db).await?;
                use OrderStatus::{Assembling, AwaitingPayment, Cancelled, Paid};
                let unpaid = transition(&mut tx, &id, AwaitingPayment, Cancelled, now).await?;
                let changed = unpaid
                    || transition(&mut tx, &id, Paid, Cancelled, now).await?
                    || transition(&mut tx, &id, Assembling, Cancelled, now).await?;
                if !changed {
                    tx.rollback().await?;
                    return Ok(None);
                }
                // An order still waiting for payment goes back into the cart it came from.
                release_goods(&mut tx, &id, unpaid, now).await?;
                // Approved money goes back; a confirmation still awaited is void.
                // Money taken, or possibly being taken, is due back (given back after commit,
                // retried by `reconcile` if that fails).
                let refunds = payments::store::mark_refund_due(&mut tx, &id, now).await?;
                tx.commit().await?;
                Ok(Some(refunds))
            }
        }))
        .await;
    let Some(refunds) = done? else {
        return Err(AppError::conflict("order_not_cancellable"));
    };
    register_receipts(state, order_id).await;
    for reference in refunds {
        give_back(state, &reference).await?;
    }
    Ok(())
}

/// Gives back what an order held: its stock, its inner tenders (bonuses «Спасибо») and, with
/// `to_cart`, its lines into the customer's cart (where a line is not back already).
pub(super) async fn release_goods(
    tx: &mut crate::db::Conn,
    id: &str,
    to_cart: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    let customer = store::customer_of(tx, id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    // In product-id order, like the reservation: no lock cycles with checkouts.
    let lines = store::line_quantities(tx, id).await?;
    if to_cart {
        for (product, quantity) in &lines {
            cart::store::put_back(tx, &customer, product, *quantity, now).await?;
        }
    }
    for (product, quantity) in &lines {
        crate::products::store::return_stock(tx, product, *quantity).await?;
    }
    payments::tenders::release(tx, id, &customer, now).await
}

/// The demo courier (`KABINET_DEMO_DELIVERY=1`): each order in progress whose last step is at
/// least `step_ms` old moves one step on, by the same rule staff follow
/// ([`OrderStatus::next`]: paid → assembling → shipped → ready for pickup → received; courier
/// orders skip the pickup step), and the customer is told. Returns how many moved. Each move is
/// a conditional update, so several nodes running it never move an order twice.
pub async fn demo_delivery_tick(state: &AppState, step_ms: i64) -> AppResult<usize> {
    let now = state.clock.now_ms();
    let due = store::in_progress_since(&state.db, now - step_ms).await?;
    let mut moved = 0;
    for (id, status, method) in due {
        let status = status_of(&status)?;
        let Some(next) = status.next(&method) else {
            continue;
        };
        if move_status(state, &id, status, next).await? {
            moved += 1;
            if let Some(facts) = store::move_facts_by_id(&state.db, &id).await? {
                announce(state, &facts.customer_id, &facts.number, status, next).await;
            }
        }
    }
    Ok(moved)
}

/// Moves an order to `to` with its timeline event, in one transaction, if it is still in
/// `from`; false when it is not (someone else moved or cancelled it).
pub(super) async fn move_status(
    state: &AppState,
    id: &str,
    from: OrderStatus,
    to: OrderStatus,
) -> AppResult<bool> {
    let (st, id) = (state.clone(), id.to_owned());
    let now = state.clock.now_ms();
    let moved: Result<bool, sqlx::Error> = crate::db::detached(async move {
        let mut tx = crate::db::begin_write(&st.db).await?;
        if !transition(&mut tx, &id, from, to, now).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    })
    .await;
    Ok(moved?)
}

/// A staff move that happened: which order, whose, from where to where.
#[derive(Debug, Clone)]
pub struct Moved {
    pub id: String,
    pub number: OrderNumber,
    pub customer_id: String,
    pub from: OrderStatus,
    pub to: OrderStatus,
}

/// Staff moving an order (the console and `kabinet orders advance NUMBER STATUS`): only the
/// next step ([`OrderStatus::next`]), or `cancelled` before it ships (stock, bonuses, points,
/// balance and the card's money back through [`cancel`]). An unknown status is 400
/// `invalid_status`, an unknown order 404 `order_not_found`, any other move 409
/// `illegal_transition` — also for the losers when several move the same order at once (one
/// conditional update decides). The customer is told by SMS, else email; a message that cannot
/// be queued does not undo the move.
pub async fn advance(state: &AppState, number: &str, status: &str) -> AppResult<Moved> {
    let to = OrderStatus::parse(status).ok_or_else(|| AppError::bad_request("invalid_status"))?;
    let number = OrderNumber::parse(number).ok_or_else(|| AppError::missing("order_not_found"))?;
    let facts = store::move_facts(&state.db, &number)
        .await?
        .ok_or_else(|| AppError::missing("order_not_found"))?;
    let from = status_of(&facts.status)?;
    let illegal = || AppError::conflict("illegal_transition");
    if !from.can_move_to(to, &facts.delivery_method) {
        return Err(illegal());
    }
    if to == OrderStatus::Cancelled {
        match cancel(state, &facts.id).await {
            Ok(()) => {}
            // Shipped or cancelled by someone else meanwhile.
            Err(e) if e.code == "order_not_cancellable" => return Err(illegal()),
            Err(e) => return Err(e),
        }
    } else if !move_status(state, &facts.id, from, to).await? {
        return Err(illegal());
    }
    announce(state, &facts.customer_id, number.as_str(), from, to).await;
    Ok(Moved {
        id: facts.id,
        number,
        customer_id: facts.customer_id,
        from,
        to,
    })
}

/// Tells the customer where their order is now, by the channels they chose for orders
/// («Заказ № 1024 собирается»). Failing to queue it is logged, never an error: the order has
/// moved either way.
async fn announce(
    state: &AppState,
    customer_id: &str,
    number: &str,
    from: OrderStatus,
    to: OrderStatus,
) {
    if let Err(e) = try_announce(state, customer_id, number, from, to).await {
        tracing::warn!(number, status = %to, error = %e, "order status notice not queued");
    }
}

async fn try_announce(
    state: &AppState,
    customer_id: &str,
    number: &str,
    from: OrderStatus,
    to: OrderStatus,
) -> Result<(), sqlx::Error> {
    let news = if to == OrderStatus::Cancelled && from != OrderStatus::AwaitingPayment {
        "order-news-cancelled-refund".to_owned()
    } else {
        format!("order-news-{to}")
    };
    let link = format!("{}/orders/{number}", state.base_url.trim_end_matches('/'));
    crate::customers::notices::announce(
        state,
        customer_id,
        crate::customers::notices::Topic::Orders,
        "order-status",
        |locale| vec![("number", number.to_owned()), ("news", locale.t(&news))],
        Some(link),
    )
    .await
}

/// Purchased lines keep their own search text (title and seller at the time of the order):
/// lines whose text predates the current stemming are indexed again, a thousand at a time.
pub async fn reindex_purchases(db: &crate::db::Db) -> AppResult<u64> {
    let mut done = 0;
    loop {
        let rows = store::lines_to_index(db, crate::catalog::SEARCH_VERSION).await?;
        if rows.is_empty() {
            break;
        }
        let mut tx = crate::db::begin_write(db).await?;
        for (order_id, product_id, title, seller) in &rows {
            let text = crate::catalog::search_text(&format!("{title} {seller}"));
            store::set_line_search_text(
                &mut tx,
                order_id,
                product_id,
                &text,
                crate::catalog::SEARCH_VERSION,
            )
            .await?;
        }
        tx.commit().await?;
        done += rows.len() as u64;
    }
    Ok(done)
}
