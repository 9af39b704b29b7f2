//! Checkout: the cart becomes an order in one transaction (stock reserved by conditional
//! updates, one order per `Idempotency-Key`), then the payment is asked for.

use super::*;
use crate::domain::money::Kopecks;

/// A payment, resolved and checked, before the order exists.
pub(super) struct Charge {
    method: &'static str,
    provider: Option<String>,
    brand: Option<String>,
    last4: Option<String>,
    /// A card to save once the order is placed.
    save: Option<payments::Card>,
}

pub(super) async fn resolve_payment(
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
            let card = payments::check_card(
                number,
                *exp_month,
                *exp_year,
                cvc,
                payments::cards::year_month(now),
            )
            .map_err(|e| AppError::bad_request(e.code()))?;
            Ok(Charge {
                method: "card",
                provider: None,
                brand: Some(card.brand.as_str().to_owned()),
                last4: Some(card.last4.clone()),
                save: save.then_some(card),
            })
        }
        Payment::SavedCard { id } => {
            let (brand, last4) = payments::cards::usable(&state.db, customer, id, now).await?;
            Ok(Charge {
                method: "card",
                provider: None,
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
                save: None,
            })
        }
        Payment::Sbp => Ok(Charge {
            method: "sbp",
            provider: None,
            brand: None,
            last4: None,
            save: None,
        }),
        Payment::Balance => Ok(Charge::balance()),
    }
}

impl Charge {
    /// Nothing for the acquirer: the customer's own accounts pay it all.
    fn balance() -> Self {
        Charge {
            method: "balance",
            provider: None,
            brand: None,
            last4: None,
            save: None,
        }
    }
}

pub async fn checkout(
    state: &AppState,
    auth: &Authenticated,
    key: &str,
    delivery: Delivery,
    payment: Payment,
    wallet: WalletUse,
    recipient: Option<Recipient>,
) -> AppResult<Placed> {
    let customer = &auth.customer.id;
    let measured = |outcome: &'static str| crate::telemetry::checkout(outcome);
    if key.is_empty() || key.len() > 128 {
        measured("idempotency_key_required");
        return Err(AppError::bad_request("idempotency_key_required"));
    }
    // The same key: the same answer, never a second order or charge.
    if let Some(placed) = replay(state, customer, key)
        .await
        .inspect_err(|e| measured(e.code))?
    {
        measured("replayed");
        return Ok(placed);
    }
    match place_new(state, auth, key, delivery, payment, wallet, recipient).await {
        Ok(placed) => {
            measured("placed");
            Ok(placed)
        }
        // A request with the same key may have won meanwhile (and emptied the cart this one
        // then found empty): its answer is this one's too.
        Err(e) => match replay(state, customer, key).await? {
            Some(placed) if e.code != "payment_declined" => {
                measured("replayed");
                Ok(placed)
            }
            _ => {
                measured(e.code);
                Err(e)
            }
        },
    }
}

pub(super) async fn place_new(
    state: &AppState,
    auth: &Authenticated,
    key: &str,
    delivery: Delivery,
    payment: Payment,
    wallet: WalletUse,
    recipient: Option<Recipient>,
) -> AppResult<Placed> {
    let customer = &auth.customer.id;
    let now = state.clock.now_ms();
    let WalletUse {
        spasibo,
        points,
        use_balance,
    } = wallet;
    let use_balance = use_balance || matches!(payment, Payment::Balance);
    if points < 0 {
        return Err(AppError::bad_request("invalid_points"));
    }
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
            let phone =
                crate::domain::identity::Phone::parse(&r.phone, &state.config.allowed_countries)
                    .map(crate::domain::identity::Phone::into_string)
                    .map_err(|_| AppError::bad_request("invalid_recipient_phone"))?;
            (name, phone)
        }
        None => (
            auth.customer.full_name(),
            auth.customer.phone.clone().unwrap_or_default(),
        ),
    };
    if spasibo > 0
        && matches!(
            payment,
            Payment::Wallet { .. } | Payment::Sbp | Payment::Balance
        )
    {
        return Err(AppError::bad_request("spasibo_needs_card"));
    }
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
    // Points: at most a quarter of the goods (not delivery), and no more than the customer has.
    if points > 0 {
        let available = crate::loyalty::available(&state.db, customer, now).await?;
        let cap = crate::loyalty::cap(Kopecks::new(goods), available);
        if points > cap.points {
            return Err(
                AppError::bad_request("points_over_limit").arg("max", cap.points.to_string())
            );
        }
    }
    let points_paid = Kopecks::roubles(points).get();
    let most = payments::spasibo_limit(goods + delivery_price - points_paid);
    if spasibo > most {
        return Err(
            // Bonuses are whole roubles: the most that may be typed.
            AppError::bad_request("spasibo_too_large")
                .arg("max", crate::catalog::rubles(most / 100 * 100)),
        );
    }
    // The balance pays what points and bonuses leave, as much as it has; the card or wallet the
    // rest. When it pays it all, the acquirer is not asked (and the card not even read).
    let rest = goods + delivery_price - points_paid - spasibo;
    let balance_paid = if use_balance {
        let available = crate::balance::balance(&state.db, customer).await?.get();
        if matches!(payment, Payment::Balance) && available < rest {
            return Err(AppError::conflict("balance_not_enough")
                .arg("available", crate::catalog::rubles(available)));
        }
        available.min(rest)
    } else {
        0
    };
    let outer = rest - balance_paid;
    let charge = if outer > 0 || spasibo > 0 {
        resolve_payment(state, customer, &payment, now).await?
    } else {
        Charge::balance()
    };
    let mut charge = charge;
    if outer == 0 {
        // Bonuses may have come off a card, but nothing is charged to it.
        charge.method = "balance";
        charge.save = None;
    }
    let order_id = crate::db::new_id();
    // The reference is also the key to the acquirer's confirmation page: 256 random bits.
    let reference = crate::domain::identity::new_token();
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
        points_paid,
        balance_paid,
        recipient: (recipient_name, recipient_phone),
        reference: reference.clone(),
        tenders: tenders_of(&charge, points, spasibo, balance_paid, outer),
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
        Err(PlaceError::Points(available)) => {
            return Err(
                AppError::conflict("points_not_enough").arg("available", available.to_string())
            );
        }
        Err(PlaceError::Balance(available)) => {
            return Err(AppError::conflict("balance_not_enough")
                .arg("available", crate::catalog::rubles(available)));
        }
        Err(PlaceError::CartChanged) => return Err(AppError::conflict("cart_changed")),
    }
    if outer > 0 {
        ask_acquirer(state, &charge, &order_id, &reference, outer, now).await?;
    }
    after_payment(state, customer, &delivery, &charge).await?;
    // Gone only when the reconciler declined an attempt the acquirer never answered.
    replay(state, customer, key)
        .await?
        .ok_or_else(|| AppError::declined("payment_declined"))
}

/// Charges the outer tender (card or wallet) and settles the answer; a refusal undoes the
/// order (`payment_declined`).
async fn ask_acquirer(
    state: &AppState,
    charge: &Charge,
    order_id: &str,
    reference: &str,
    amount: i64,
    now: i64,
) -> AppResult<()> {
    let instrument = match (&charge.provider, &charge.last4) {
        _ if charge.method == "sbp" => payments::Instrument::Sbp,
        (Some(provider), _) => payments::Instrument::Wallet { provider },
        (None, last4) => payments::Instrument::Card {
            last4: last4.as_deref().unwrap_or(""),
        },
    };
    let number = number_of(state, order_id).await?;
    let outcome = state
        .payments
        .charge(payments::ChargeRequest {
            reference,
            amount,
            instrument,
            description: &number,
            return_url: &format!("{}/orders/{number}/thanks", state.base_url),
            expires_at: now + PAY_WITHIN_MS,
            now,
        })
        .await?;
    settle(state, order_id, reference, outcome).await?;
    if outcome == Outcome::Declined {
        // Nothing was taken: the order is gone, the cart and the stock are as they were.
        return Err(AppError::declined("payment_declined"));
    }
    Ok(())
}

/// What a placed (and not refused) order leaves for next time: the pickup point, the courier
/// address, the accepted card.
async fn after_payment(
    state: &AppState,
    customer: &str,
    delivery: &Delivery,
    charge: &Charge,
) -> AppResult<()> {
    if let Delivery::Point { id, .. } = delivery {
        delivery::remember(state, customer, id).await?;
    }
    if let Delivery::Courier { address } = delivery {
        // Kept for next time; a full address book only means this one is not added.
        match delivery::addresses::add(state, customer, address, false).await {
            Ok(_) => {}
            Err(e) if e.code == "too_many_addresses" => {}
            Err(e) => return Err(e),
        }
    }
    // A card is saved only when it was accepted.
    if let Some(card) = &charge.save {
        payments::cards::save(&state.db, customer, card, state.clock.now_ms()).await?;
    }
    Ok(())
}

/// The parts that pay an order: points, bonuses «Спасибо», the balance, and the card or wallet
/// for the rest (`outer`, kopecks).
fn tenders_of(
    charge: &Charge,
    points: i64,
    spasibo: i64,
    balance: i64,
    outer: i64,
) -> Vec<payments::Tender> {
    let (brand, last4) = (
        charge.brand.clone().unwrap_or_default(),
        charge.last4.clone().unwrap_or_default(),
    );
    let outer = Kopecks::new(outer);
    let mut tenders = Vec::with_capacity(4);
    if points > 0 {
        tenders.push(payments::Tender::Points { points });
    }
    if spasibo > 0 {
        tenders.push(payments::Tender::Spasibo {
            brand: brand.clone(),
            last4: last4.clone(),
            amount: Kopecks::new(spasibo),
        });
    }
    if balance > 0 {
        tenders.push(payments::Tender::Balance {
            amount: Kopecks::new(balance),
        });
    }
    if outer.is_positive() {
        tenders.push(match &charge.provider {
            _ if charge.method == "sbp" => payments::Tender::Sbp { amount: outer },
            Some(provider) => payments::Tender::Wallet {
                provider: provider.clone(),
                amount: outer,
            },
            None => payments::Tender::Card {
                brand,
                last4,
                amount: outer,
            },
        });
    }
    tenders
}

/// An order's number by id.
async fn number_of(state: &AppState, order_id: &str) -> AppResult<String> {
    store::number_of(&state.db, order_id)
        .await?
        .ok_or_else(|| AppError::internal(format!("order {order_id} vanished")))
}

/// The answer a request with this key already got, if it finished: the order (201 when paid,
/// 202 with the page to confirm on). While the first request is still with the acquirer:
/// 409 `idempotency_in_progress`. `None`: no order under this key.
pub(super) async fn replay(
    state: &AppState,
    customer: &str,
    key: &str,
) -> AppResult<Option<Placed>> {
    let by_key = "customer_id = $1 AND idempotency_key = $2";
    let Some(mut row) = one_order(state, by_key, &[customer, key]).await? else {
        return Ok(None);
    };
    let attempt = payments::store::latest_attempt_status(&state.db, &row.id).await?;
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
    let page = match row.payment_method.as_str() {
        "wallet" => "wallet",
        "sbp" => "sbp",
        _ => "3ds",
    };
    let mut order = order_of(row, &state.base_url)?;
    let paid = order.status != OrderStatus::AwaitingPayment;
    if order.status == OrderStatus::AwaitingPayment {
        order.payment_url = Some(format!("{}/pay/{page}/{}", state.base_url, order.number));
    }
    Ok(Some(Placed { order, paid }))
}

#[derive(Clone)]
pub(super) struct NewOrder {
    pub(super) id: String,
    pub(super) customer: String,
    pub(super) key: String,
    pub(super) lines: Vec<cart::Line>,
    pub(super) goods: i64,
    pub(super) delivery_price: i64,
    pub(super) method: String,
    pub(super) point_id: Option<String>,
    pub(super) address: String,
    pub(super) payment_method: String,
    pub(super) provider: Option<String>,
    pub(super) brand: Option<String>,
    pub(super) last4: Option<String>,
    /// Bonuses «Спасибо» spent on this order (kopecks).
    pub(super) spasibo: i64,
    /// Status points spent on this order, in kopecks (1 point = 1 ₽).
    pub(super) points_paid: i64,
    /// Paid from the account balance (kopecks).
    pub(super) balance_paid: i64,
    /// Name and E.164 phone.
    pub(super) recipient: (String, String),
    /// Our reference of the payment attempt, sent to the acquirer.
    pub(super) reference: String,
    /// What pays the order: bonuses first, the card or wallet the rest.
    pub(super) tenders: Vec<payments::Tender>,
    pub(super) now: i64,
}

pub(super) enum PlaceError {
    Db(sqlx::Error),
    /// Not enough stock of a line: how many are left.
    Stock(i64),
    /// Not enough bonuses «Спасибо» on the card: how many are left.
    Spasibo(i64),
    /// Not enough points (spent meanwhile): how many are left.
    Points(i64),
    /// Not enough money on the account (spent meanwhile): how much is left, kopecks.
    Balance(i64),
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
pub(super) async fn place(state: AppState, o: NewOrder) -> Result<(), PlaceError> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    // The cart leaves exactly as it was read: a second checkout of the same cart (another tab,
    // another key) or a line changed meanwhile finds it different and orders nothing.
    for l in &o.lines {
        if !cart::store::take_line(&mut tx, &o.customer, &l.product_id, l.quantity).await? {
            tx.rollback().await?;
            return Err(PlaceError::CartChanged);
        }
    }
    if cart::store::line_count(&mut tx, &o.customer).await? != 0 {
        tx.rollback().await?;
        return Err(PlaceError::CartChanged);
    }
    let mut by_product: Vec<&cart::Line> = o.lines.iter().collect();
    by_product.sort_by(|a, b| a.product_id.cmp(&b.product_id));
    for l in by_product {
        if let Some(left) =
            crate::products::store::take_stock(&mut tx, &l.product_id, l.quantity).await?
        {
            tx.rollback().await?;
            return Err(PlaceError::Stock(left));
        }
    }
    let number = store::next_number(&mut tx).await?;
    store::insert_order(&mut tx, &o, number).await?;
    for l in &o.lines {
        let (seller, category) =
            crate::products::store::seller_and_category(&mut tx, &l.product_id)
                .await?
                .ok_or(sqlx::Error::RowNotFound)?;
        store::insert_line(&mut tx, &o.id, l, &seller, &category).await?;
    }
    add_event(&mut tx, &o.id, OrderStatus::AwaitingPayment, o.now).await?;
    let number = OrderNumber::parse(&number.to_string()).ok_or(sqlx::Error::RowNotFound)?;
    match payments::tenders::hold(&mut tx, &o.id, &number, &o.customer, &o.tenders, o.now).await? {
        Ok(()) => {}
        Err(payments::Refused::Spasibo { available }) => {
            tx.rollback().await?;
            return Err(PlaceError::Spasibo(available.get()));
        }
        Err(payments::Refused::Points { available }) => {
            tx.rollback().await?;
            return Err(PlaceError::Points(available));
        }
        Err(payments::Refused::Balance { available }) => {
            tx.rollback().await?;
            return Err(PlaceError::Balance(available.get()));
        }
    }
    let outer = o.goods + o.delivery_price - o.spasibo - o.points_paid - o.balance_paid;
    if outer > 0 {
        payments::store::insert_attempt(
            &mut tx,
            &o.id,
            &format!("sandbox_{}", o.payment_method),
            &o.reference,
            outer,
            o.now,
        )
        .await?;
    } else {
        // The customer's own accounts paid it all, in this transaction.
        transition(
            &mut tx,
            &o.id,
            OrderStatus::AwaitingPayment,
            OrderStatus::Paid,
            o.now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The recipient (name, E.164 phone) of the customer's newest order that named one.
pub async fn last_recipient(state: &AppState, customer: &str) -> AppResult<(String, String)> {
    Ok(store::newest_recipient(&state.db, customer)
        .await?
        .unwrap_or_default())
}
