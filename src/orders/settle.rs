//! Payment attempts and their answers: settling an approval or a refusal, refunds, and the
//! reconciler that finishes what a crash left half-way.

use super::*;

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
    // (the money is due back, the order was paid now, the attempt moved)
    let (refund, paid, moved): (bool, bool, bool) =
        crate::db::detached(crate::db::retrying(move || {
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
                            && transition(
                                &mut tx,
                                &id,
                                OrderStatus::AwaitingPayment,
                                OrderStatus::Paid,
                                now,
                            )
                            .await?;
                        if paid {
                            (false, true, true)
                        } else {
                            // Approved, but the order is no longer waiting (cancelled), or the
                            // attempt was given up before the approval came: the money is due back.
                            // Marked in this transaction, given back after it, retried by
                            // `reconcile`.
                            let from: &[&str] = if moved {
                                &["approved"]
                            } else {
                                // Not if it was approved already: that is a settle run twice.
                                &["declined", "voided"]
                            };
                            let due =
                                move_attempt(&mut tx, &reference, from, "refund_due", now).await?;
                            // Due already (an earlier answer whose refund has not gone through
                            // yet): given back again below, but nothing moved now.
                            let still = !moved
                                && !due
                                && move_attempt(
                                    &mut tx,
                                    &reference,
                                    &["refund_due"],
                                    "refund_due",
                                    now,
                                )
                                .await?;
                            (due || still, false, due)
                        }
                    }
                    Outcome::NeedsConfirmation => {
                        let moved = move_attempt(
                            &mut tx,
                            &reference,
                            &["pending"],
                            "needs_confirmation",
                            now,
                        )
                        .await?;
                        (false, false, moved)
                    }
                    Outcome::Declined => {
                        if move_attempt(&mut tx, &reference, &["pending"], "declined", now).await? {
                            // Refused at once: the order never happened.
                            undo_order(&mut tx, &id, now).await?;
                            (false, false, true)
                        } else if move_attempt(
                            &mut tx,
                            &reference,
                            &["needs_confirmation"],
                            "declined",
                            now,
                        )
                        .await?
                        {
                            // Refused on the acquirer's page: the customer has seen the order's
                            // number, so it stays on record, cancelled, its goods back in the cart.
                            let cancelled = transition(
                                &mut tx,
                                &id,
                                OrderStatus::AwaitingPayment,
                                OrderStatus::Cancelled,
                                now,
                            )
                            .await?;
                            if cancelled {
                                release_goods(&mut tx, &id, true, now).await?;
                            }
                            (false, false, true)
                        } else {
                            (false, false, false)
                        }
                    }
                };
                tx.commit().await?;
                Ok::<(bool, bool, bool), sqlx::Error>(refund)
            }
        }))
        .await?;
    if moved {
        crate::telemetry::payment(match outcome {
            _ if paid => "paid",
            _ if refund => "refund_due",
            Outcome::Declined => "declined",
            Outcome::NeedsConfirmation => "needs_confirmation",
            // Approved but neither paid nor due back does not move anything.
            Outcome::Approved => "approved",
        });
    }
    if outcome == Outcome::Approved {
        register_receipts(state, order_id).await;
    }
    if paid {
        // Only the call that moved the order to paid tells the customer.
        paid_notice(state, order_id).await;
    }
    if refund {
        give_back(state, reference).await?;
    }
    Ok(())
}

/// Moves a payment attempt to `to` if it is in one of `from` (at most four statuses); true
/// when it moved.
pub(super) async fn move_attempt(
    tx: &mut crate::db::Conn,
    reference: &str,
    from: &[&str],
    to: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    payments::store::move_attempt(tx, reference, from, to, now).await
}

/// Gives back the money of an attempt marked `refund_due`: refunds an approved charge (or
/// drops one still waiting for the customer's confirmation) at the acquirer, then records it.
/// A charge the acquirer never received is void once it is old enough not to be on its way.
/// Safe to repeat: the acquirer refunds a reference once.
pub(super) async fn give_back(state: &AppState, reference: &str) -> AppResult<()> {
    let now = state.clock.now_ms();
    let status = match state.payments.status(reference).await? {
        Some(Outcome::Approved) => "refunded",
        Some(_) => "voided",
        None => {
            let updated = payments::store::attempt_updated_at(&state.db, reference).await?;
            if updated.is_none_or(|at| at > now - UNANSWERED_MS) {
                // Maybe still on its way: `reconcile` looks again.
                return Ok(());
            }
            "voided"
        }
    };
    state.payments.refund(reference, None, now).await?;
    payments::store::finish_refund(&state.db, reference, status, now).await?;
    Ok(())
}

/// A declined first payment: the order never happened. Its stock, bonuses and cart lines go
/// back and the order row goes (its attempt stays on record).
pub(super) async fn undo_order(
    tx: &mut crate::db::Conn,
    id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    if !store::set_status(
        tx,
        id,
        OrderStatus::AwaitingPayment,
        OrderStatus::Cancelled,
        None,
    )
    .await?
    {
        return Ok(());
    }
    release_goods(&mut *tx, id, true, now).await?;
    payments::tenders::forget(tx, id).await?;
    store::delete_order(tx, id).await
}

/// An attempt the acquirer has no record of after this long never reached it (a crash before
/// the call): it is declined. Younger ones may still be on their way.
pub(super) const UNANSWERED_MS: i64 = 60_000;

/// Finishes payment attempts left half-way — a crash between asking the acquirer and writing
/// its answer, or a customer who confirmed on the bank's page while we were down: asks the
/// acquirer about each open attempt and settles what it knows. Run at start-up and by the
/// housekeeping job. Returns how many attempts were settled.
pub async fn reconcile(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now_ms();
    let open = payments::store::open_attempts(&state.db).await?;
    let mut settled = 0;
    for (order_id, reference, status, updated_at) in open {
        if status == "refund_due" {
            give_back(state, &reference).await?;
            settled += 1;
            continue;
        }
        let outcome = match state.payments.status(&reference).await? {
            // Still with the customer (3-D Secure, a wallet page): nothing to do yet.
            Some(Outcome::NeedsConfirmation) if status == "needs_confirmation" => continue,
            Some(o) => o,
            None if updated_at <= now - UNANSWERED_MS => Outcome::Declined,
            None => continue,
        };
        settle(state, &order_id, &reference, outcome).await?;
        settled += 1;
    }
    // Receipts the fiscal operator could not be asked about when they were written.
    if let Err(e) = crate::fiscal::register(&state.db, &*state.fiscal, None, now).await {
        tracing::warn!(error = %e, "receipts not registered yet");
    }
    Ok(settled)
}

/// Cancels orders whose payment did not arrive in time (30 minutes) and releases their stock.
/// Returns how many were cancelled. Safe to run on several nodes at once.
pub async fn cancel_overdue(state: &AppState) -> AppResult<usize> {
    // An approval that arrived but was not written yet pays its order instead.
    reconcile(state).await?;
    let now = state.clock.now_ms();
    let ids = store::overdue(&state.db, now).await?;
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

/// Where the customer confirms an order's waiting payment: the acquirer's own page (3-D
/// Secure, a wallet), while the order waits for it; `None` when nothing waits.
pub async fn confirmation_url(state: &AppState, order_id: &str) -> AppResult<Option<String>> {
    let Some((reference, _)) = payments::store::waiting_attempt(&state.db, order_id).await? else {
        return Ok(None);
    };
    Ok(state.payments.confirmation_url(&reference).await?)
}

/// The customer whose order a payment attempt pays (the acquirer's page is theirs only).
pub async fn payment_owner(state: &AppState, reference: &str) -> AppResult<Option<String>> {
    let Some(order_id) = payments::store::attempt_order(&state.db, reference).await? else {
        return Ok(None);
    };
    let mut conn = crate::db::acquire(&state.db).await?;
    Ok(store::customer_of(&mut conn, &order_id).await?)
}

/// The acquirer says something happened to a payment (its notification, or the customer back
/// from its page): Kabinet asks the acquirer itself what it is (a notice is never trusted for
/// its content) and settles the answer. Unknown references are ignored.
pub async fn payment_notice(state: &AppState, reference: &str) -> AppResult<()> {
    let Some(order_id) = payments::store::attempt_order(&state.db, reference).await? else {
        return Ok(());
    };
    match state.payments.status(reference).await? {
        Some(Outcome::NeedsConfirmation) | None => Ok(()),
        Some(outcome) => settle(state, &order_id, reference, outcome).await,
    }
}

/// «Заказ оплачен» with the link to its receipt: by email when the customer has a confirmed
/// one, else by SMS. Best effort: the payment stands whether or not the notice goes out.
async fn paid_notice(state: &AppState, order_id: &str) {
    let sent = async {
        let mut conn = crate::db::acquire(&state.db).await?;
        let Some(customer) = store::customer_of(&mut conn, order_id).await? else {
            return Ok(());
        };
        drop(conn);
        let number = number_of_order(state, order_id).await?;
        let Some((_, order)) = by_number(state, &customer, &number).await? else {
            return Ok(());
        };
        let Some(row) = crate::customers::store::by_id(&state.db, &customer).await? else {
            return Ok(());
        };
        let receipt = order
            .receipts
            .iter()
            .rev()
            .find(|r| r.kind == crate::fiscal::Kind::Payment)
            .map(|r| r.url.clone());
        let args = [
            ("number", order.number.clone()),
            ("total", crate::domain::money::rubles(order.total)),
        ];
        use crate::domain::identity::Channel;
        let (channel, to) = match (&row.email, &row.phone) {
            (Some(email), _) if row.email_verified == 1 => (Channel::Email, email.clone()),
            (_, Some(phone)) => (Channel::Sms, phone.clone()),
            _ => return Ok(()),
        };
        crate::customers::notify_with(
            state,
            channel,
            &to,
            crate::i18n::Locale::Ru,
            "order-paid",
            &args,
            receipt,
        )
        .await?;
        Ok::<(), AppError>(())
    }
    .await;
    if let Err(e) = sent {
        tracing::warn!(order_id, code = e.code, "payment notice not sent");
    }
}

async fn number_of_order(state: &AppState, order_id: &str) -> AppResult<OrderNumber> {
    store::number_of(&state.db, order_id)
        .await?
        .and_then(|n| OrderNumber::parse(&n))
        .ok_or_else(AppError::not_found)
}
