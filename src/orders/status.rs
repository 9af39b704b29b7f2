//! Where an order goes after checkout: staff moves, cancelling (goods, bonuses and money
//! back), the demo's delivery, and the parcel plan of a placed order.

use super::*;

/// The one way an order's status changes: a conditional update from `from` (so two racing
/// moves make one) that records its event in the same transaction. False when the order was
/// not in `from`.
pub(super) async fn transition(
    tx: &mut sqlx::AnyConnection,
    order_id: &str,
    from: OrderStatus,
    to: OrderStatus,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let received = (to == OrderStatus::Received).then_some(now);
    let moved = sqlx::query(
        "UPDATE orders SET status = $1, received_at = COALESCE($2, received_at) WHERE id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(received)
    .bind(order_id)
    .bind(from.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if moved {
        add_event(tx, order_id, to.as_str(), now).await?;
    }
    Ok(moved)
}

pub(super) async fn add_event(
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
                let refunds: Vec<String> = sqlx::query_scalar(
                    "UPDATE payment_attempts SET status = 'refund_due', updated_at = $2 \
                     WHERE order_id = $1 AND status IN ('approved', 'needs_confirmation', 'pending') \
                     RETURNING reference",
                )
                .bind(&id)
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
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
pub(super) async fn release_goods(
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
        use OrderStatus::*;
        let status = status_of(&status)?;
        let next = match (status, method.as_str()) {
            (Paid, _) => Assembling,
            (Assembling, _) => Shipped,
            (Shipped, "courier") => Received,
            (Shipped, _) => ReadyForPickup,
            _ => Received,
        };
        if move_status(state, &id, status, next).await? {
            moved += 1;
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
    let current = status_of(&current)?;
    if !current.can_move_to(to) || !move_status(state, &id, current, to).await? {
        return Err(AppError::conflict("illegal_transition"));
    }
    Ok(())
}
