//! JSON API of checkout, orders and purchased items (PRODUCT §3).

use super::{Delivery, Order, Payment, Purchase, PurchaseFilter};
use crate::auth::sessions::Authenticated;
use crate::delivery::Kind;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use crate::web::{ApiJson, ApiQuery};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(place, list))
        .routes(routes!(one))
        .routes(routes!(cancel))
        .routes(routes!(purchases))
        .routes(routes!(cards))
        .routes(routes!(forget_card))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryBody {
    /// `courier`, `pickup_point` or `parcel_locker`.
    pub method: String,
    pub pickup_point_id: Option<String>,
    /// Courier: an address as typed (kept in the address book), or `address_id` of a kept one.
    pub address: Option<String>,
    pub address_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CardBody {
    pub number: String,
    pub exp_month: u32,
    pub exp_year: u32,
    pub cvc: String,
    /// Keep the card (provider token, brand, last 4, expiry) for the next checkout.
    #[serde(default)]
    pub save: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    /// `card` (with `card` or `saved_card_id`), `wallet` (with `provider`), `sbp` (СБП, with
    /// nothing else: the customer pays from their bank's app on the QR page at `payment_url`) or
    /// `balance` (the account balance pays all that points leave).
    pub method: String,
    pub card: Option<CardBody>,
    pub saved_card_id: Option<String>,
    /// `yoomoney`, `webmoney`, `qiwi` or `paypal`.
    pub provider: Option<String>,
    /// Bank bonuses «Спасибо» to spend, in kopecks (1 bonus = 1 ₽ = 100): card payments only,
    /// at most 99 % of the order total; the card pays the rest.
    #[serde(default)]
    pub spasibo: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecipientBody {
    pub name: String,
    /// A Russian, Belarusian or Kazakh mobile number.
    pub phone: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutBody {
    pub delivery: DeliveryBody,
    /// Who collects the order; the customer (profile name, sign-in phone) when absent.
    pub recipient: Option<RecipientBody>,
    pub payment: PaymentBody,
    /// Status points to spend (1 point = 1 ₽): at most 25 % of the goods and no more than the
    /// customer has (`points_over_limit` with `max`).
    #[serde(default)]
    pub points: i64,
    /// Pay from the account balance what points and bonuses leave (as much as it has; the card
    /// or wallet pays the rest). With payment method `balance` the balance must cover it all
    /// (`balance_not_enough`).
    #[serde(default)]
    pub use_balance: bool,
}

/// Checkout: the cart becomes an order. `Idempotency-Key` is required; the same key returns the
/// same order. 201 when the card is charged; 202 with `payment_url` when the customer must
/// confirm (3-D Secure, a wallet, or СБП's QR page); 402 `payment_declined` cancels the order and releases its stock.
#[utoipa::path(post, path = "/orders", tag = "orders", operation_id = "place_order", security(("session_cookie" = []), ("bearer" = [])),
    request_body = CheckoutBody,
    params(("Idempotency-Key" = String, Header, description = "Any unique string per checkout attempt; a retry with the same key returns the same order")),
    responses(
        (status = 201, body = Order, description = "Order placed and paid"),
        (status = 202, body = Order, description = "Order placed; the customer must confirm the payment at `payment_url`"),
        (status = 400, body = ErrorBody, description = "`idempotency_key_required`, `invalid_address`, `pickup_point_required`, `card_required`, `card_expired`, `invalid_wallet`, `sbp_takes_no_details`, `spasibo_*`, …"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 402, body = ErrorBody, description = "`payment_declined`: the order is cancelled and its stock released"),
        (status = 404, body = ErrorBody, description = "A pickup point, saved card or address that does not exist"),
        (status = 409, body = ErrorBody, description = "`cart_empty`, `cart_changed`, `not_enough_stock`, `parcel_does_not_fit`, `idempotency_in_progress`")))]
async fn place(
    State(state): State<AppState>,
    auth: Authenticated,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CheckoutBody>,
) -> AppResult<Response> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("")
        .to_owned();
    let delivery = match b.delivery.method.as_str() {
        "courier" => Delivery::Courier {
            address: match (b.delivery.address, b.delivery.address_id) {
                (Some(a), None) => a,
                (None, Some(id)) => {
                    crate::delivery::addresses::get(&state, &auth.customer.id, &id)
                        .await?
                        .address
                }
                (None, None) => return Err(AppError::bad_request("invalid_address")),
                (Some(_), Some(_)) => return Err(AppError::bad_request("address_or_address_id")),
            },
        },
        m => {
            let kind =
                Kind::parse(m).ok_or_else(|| AppError::bad_request("invalid_delivery_method"))?;
            let id = b
                .delivery
                .pickup_point_id
                .ok_or_else(|| AppError::bad_request("pickup_point_required"))?;
            Delivery::Point { id, kind }
        }
    };
    let spasibo = b.payment.spasibo;
    let payment = match (
        b.payment.method.as_str(),
        b.payment.card,
        b.payment.saved_card_id,
        b.payment.provider,
    ) {
        ("card", Some(c), None, None) => Payment::Card {
            number: c.number,
            exp_month: c.exp_month,
            exp_year: c.exp_year,
            cvc: c.cvc,
            save: c.save,
        },
        ("card", None, Some(id), None) => Payment::SavedCard { id },
        ("card", _, _, _) => return Err(AppError::bad_request("card_required")),
        ("wallet", None, None, Some(provider)) => Payment::Wallet { provider },
        ("wallet", _, _, _) => return Err(AppError::bad_request("invalid_wallet")),
        ("balance", None, None, None) => Payment::Balance,
        ("balance", _, _, _) => return Err(AppError::bad_request("payment_method_not_supported")),
        ("sbp", None, None, None) => Payment::Sbp,
        ("sbp", _, _, _) => return Err(AppError::bad_request("sbp_takes_no_details")),
        _ => return Err(AppError::bad_request("payment_method_not_supported")),
    };
    let recipient = b.recipient.map(|r| super::Recipient {
        name: r.name,
        phone: r.phone,
    });
    let placed = super::checkout(
        &state,
        &auth,
        &key,
        delivery,
        payment,
        super::WalletUse {
            spasibo,
            points: b.points,
            use_balance: b.use_balance,
        },
        recipient,
    )
    .await?;
    let status = if placed.paid {
        StatusCode::CREATED
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(placed.order)).into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderList {
    pub items: Vec<Order>,
    pub next_cursor: Option<String>,
}

fn limit_of(l: Option<i64>) -> AppResult<i64> {
    let l = l.unwrap_or(20);
    if (1..=100).contains(&l) {
        Ok(l)
    } else {
        Err(AppError::bad_request("invalid_limit"))
    }
}

/// «Мои заказы», newest first.
#[utoipa::path(get, path = "/orders", tag = "orders", operation_id = "list_orders", security(("session_cookie" = []), ("bearer" = [])), params(Page),
    responses(
        (status = 200, body = OrderList, description = "A page of orders, newest first"),
        (status = 400, body = ErrorBody, description = "`invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(p): ApiQuery<Page>,
) -> AppResult<Response> {
    // The database writes the page's JSON (an `OrderList`) itself, in one row.
    let body = super::list_json(
        &state,
        &auth.customer.id,
        p.cursor.as_deref(),
        limit_of(p.limit)?,
    )
    .await?;
    Ok(json_text(body))
}

/// A JSON body the database wrote (already `serde_json`'s bytes), sent as `Json` would send it.
fn json_text(body: String) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

fn not_found() -> AppError {
    AppError::missing("order_not_found")
}

/// One order with every line, payment, delivery and its timeline. Another customer's is 404.
#[utoipa::path(get, path = "/orders/{number}", tag = "orders", operation_id = "get_order", security(("session_cookie" = []), ("bearer" = [])),
    params(("number" = String, Path, description = "Order number")),
    responses(
        (status = 200, body = Order, description = "The order"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`order_not_found` (also for another customer's order)")))]
async fn one(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(number): Path<String>,
) -> AppResult<Json<Order>> {
    let (_, order) = super::by_number(&state, &auth.customer.id, &number_of(&number)?)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(order))
}

/// Cancel before shipping; the stock returns (and the payment is refunded by the provider).
#[utoipa::path(post, path = "/orders/{number}/cancel", tag = "orders", operation_id = "cancel_order", security(("session_cookie" = []), ("bearer" = [])),
    params(("number" = String, Path, description = "Order number")),
    responses(
        (status = 200, body = Order, description = "The cancelled order"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`order_not_found`"),
        (status = 409, body = ErrorBody, description = "`order_not_cancellable`: already shipped, received or cancelled")))]
async fn cancel(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(number): Path<String>,
) -> AppResult<Json<Order>> {
    let (id, _) = super::by_number(&state, &auth.customer.id, &number_of(&number)?)
        .await?
        .ok_or_else(not_found)?;
    super::cancel(&state, &id).await?;
    let (_, order) = super::by_number(&state, &auth.customer.id, &number_of(&number)?)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(order))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PurchaseQuery {
    /// Words to find in the item's title or seller name.
    pub q: Option<String>,
    /// Bought on or after: RFC 3339 or YYYY-MM-DD.
    pub from: Option<String>,
    /// Bought on or before: RFC 3339 or YYYY-MM-DD (a date includes the whole day).
    pub to: Option<String>,
    /// Lowest price, kopecks.
    pub min_price: Option<i64>,
    /// Highest price, kopecks.
    pub max_price: Option<i64>,
    /// Category id.
    pub category: Option<String>,
    /// Seller id.
    pub seller: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PurchaseList {
    pub items: Vec<Purchase>,
    pub next_cursor: Option<String>,
}

fn parse_time(s: &str, end_of_day: bool) -> AppResult<i64> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) {
        return Ok((t.unix_timestamp_nanos() / 1_000_000) as i64);
    }
    let f = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s, &f).map_err(|_| AppError::bad_request("invalid_date"))?;
    let t = if end_of_day {
        d.with_hms_milli(23, 59, 59, 999)
    } else {
        d.with_hms(0, 0, 0)
    }
    .map_err(|_| AppError::bad_request("invalid_date"))?
    .assume_utc();
    Ok((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

fn purchase_cursor(c: &str) -> AppResult<(i64, String)> {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))?;
    let (ms, key) = raw
        .split_once(':')
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))?;
    Ok((
        ms.parse()
            .map_err(|_| AppError::bad_request("invalid_cursor"))?,
        key.to_owned(),
    ))
}

/// «Купленные товары»: every item bought, newest first; search by text, filter by date, price,
/// category and seller.
#[utoipa::path(get, path = "/purchases", tag = "orders", operation_id = "list_purchases", security(("session_cookie" = []), ("bearer" = [])), params(PurchaseQuery),
    responses(
        (status = 200, body = PurchaseList, description = "A page of purchased items, newest first"),
        (status = 400, body = ErrorBody, description = "`invalid_date`, `invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn purchases(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<PurchaseQuery>,
) -> AppResult<Response> {
    let f = PurchaseFilter {
        q: q.q,
        from: q
            .from
            .as_deref()
            .map(|s| parse_time(s, false))
            .transpose()?,
        to: q.to.as_deref().map(|s| parse_time(s, true)).transpose()?,
        min_price: q.min_price,
        max_price: q.max_price,
        category: q.category,
        seller: q.seller,
    };
    let after = q.cursor.as_deref().map(purchase_cursor).transpose()?;
    // The database writes the page's JSON (a `PurchaseList`) itself, in one row.
    let body =
        super::purchases_json(&state, &auth.customer.id, &f, after, limit_of(q.limit)?).await?;
    Ok(json_text(body))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CardList {
    pub items: Vec<crate::payments::SavedCard>,
    pub next_cursor: Option<String>,
}

/// Saved cards: brand, last 4 digits and expiry (the number itself is never stored).
#[utoipa::path(get, path = "/me/cards", tag = "orders", operation_id = "list_saved_cards", security(("session_cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, body = CardList, description = "Saved cards"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 403, body = ErrorBody, description = "`reauth_required`: sign in again (a sign-in at most 15 minutes old is needed)")))]
async fn cards(State(state): State<AppState>, auth: Authenticated) -> AppResult<Json<CardList>> {
    crate::auth::credentials::require_fresh(&state, &auth)?;
    Ok(Json(CardList {
        items: crate::payments::cards::list(&state.db, &auth.customer.id).await?,
        next_cursor: None,
    }))
}

/// Forget a saved card.
#[utoipa::path(delete, path = "/me/cards/{id}", tag = "orders", operation_id = "forget_saved_card", security(("session_cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Saved card id")),
    responses(
        (status = 204, description = "Forgotten"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`saved_card_not_found`")))]
async fn forget_card(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    crate::payments::cards::forget(&state.db, &auth.customer.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An order number from the path; anything but digits is no order of anyone's.
fn number_of(s: &str) -> AppResult<super::OrderNumber> {
    super::OrderNumber::parse(s).ok_or_else(not_found)
}
