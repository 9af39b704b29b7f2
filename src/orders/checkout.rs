//! Checkout: the cart becomes an order in one transaction (stock reserved by conditional
//! updates, one order per `Idempotency-Key`), then the payment is asked for.

use super::*;

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
            let card =
                payments::check_card(number, *exp_month, *exp_year, cvc, now_year_month(now))
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
    }
}

pub(super) async fn save_card(
    state: &AppState,
    customer: &str,
    card: &payments::Card,
) -> AppResult<()> {
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

pub(super) fn now_year_month(ms: i64) -> (i32, u32) {
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

pub(super) async fn place_new(
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
    let instrument = match (&charge.provider, &charge.last4) {
        (Some(provider), _) => payments::Instrument::Wallet { provider },
        (None, last4) => payments::Instrument::Card {
            last4: last4.as_deref().unwrap_or(""),
        },
    };
    let outcome = state
        .payments
        .charge(payments::ChargeRequest {
            reference: &reference,
            amount,
            instrument,
            now,
        })
        .await?;
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
pub(super) async fn replay(
    state: &AppState,
    customer: &str,
    key: &str,
) -> AppResult<Option<Placed>> {
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

#[derive(Clone)]
pub(super) struct NewOrder {
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

pub(super) enum PlaceError {
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
pub(super) async fn place(state: AppState, o: NewOrder) -> Result<(), PlaceError> {
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
