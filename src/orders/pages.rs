//! Checkout, the hand-off to the acquirer's confirmation page, «Мои заказы» and «Купленные товары» pages.

use super::{Delivery, Order, OrderStatus, Payment, Purchase, PurchaseFilter};
use crate::auth::sessions::Authenticated;
use crate::cart::Cart;
use crate::delivery::{Kind, Point};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use crate::web::{ApiQuery, error_message};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/checkout", get(checkout_page).post(checkout_submit))
        .route("/pay/3ds/{number}", get(pay_page))
        .route("/pay/wallet/{number}", get(pay_page))
        .route("/pay/sbp/{number}", get(pay_page))
        .route("/orders/{number}/receipts/{id}", get(receipt_page))
        .route("/orders", get(orders_page))
        .route("/orders/{number}", get(order_page))
        .route(
            "/orders/{number}/cancel",
            get(cancel_page).post(cancel_submit),
        )
        .route("/orders/{number}/thanks", get(thanks_page))
        .route("/purchases", get(purchases_page))
        .route("/account/payment-methods", get(cards_page))
        .route(
            "/account/payment-methods/{id}/delete",
            axum::routing::post(card_delete),
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/checkout.html")]
struct CheckoutPage {
    page: Page,
    cart: Cart,
    point: Option<Point>,
    name: String,
    phone: String,
    key: String,
    address: String,
    /// The courier address book, the default first.
    addresses: Vec<crate::delivery::addresses::Address>,
    cards: Vec<crate::payments::SavedCard>,
    /// Delivery prices for this cart: to a point, by courier.
    point_cost: i64,
    courier_cost: i64,
    /// The delivery the customer picked (kept when the page comes back with an error).
    courier: bool,
    /// The payment choice (`new`, `saved:<id>`, `wallet:<provider>`, `sbp`), kept the same way.
    pay: String,
    /// The kept courier address chosen, and the bonuses typed.
    address_id: Option<String>,
    spasibo: String,
    /// Status points to spend, as typed.
    points: String,
    /// How many points this cart allows and why («… не больше 1 250 баллов»); none without points.
    points_cap: Option<String>,
    /// Money on the account (kopecks; the choice is offered when there is some), and whether
    /// the customer ticked it.
    balance: i64,
    use_balance: bool,
    wallets: &'static [&'static str],
    error: Option<String>,
}

impl CheckoutPage {
    /// The kept address the page comes back with, else the first (the default).
    fn address_checked(&self, id: &str, first: &bool) -> bool {
        match &self.address_id {
            Some(kept) => kept == id,
            None => *first,
        }
    }
    fn brand(&self, b: &str) -> String {
        crate::payments::brand_name_in(b, self.page.l).to_owned()
    }
}

/// What the customer chose and typed on the checkout form, kept when the page comes back
/// («Пересчитать», or an error). Card numbers are never sent back.
#[derive(Default)]
struct Kept {
    address: String,
    address_id: Option<String>,
    courier: Option<bool>,
    pay: Option<String>,
    name: Option<String>,
    phone: Option<String>,
    spasibo: String,
    points: String,
    use_balance: bool,
}

impl Kept {
    fn of(f: &CheckoutForm) -> Self {
        Kept {
            address: f.address.clone().unwrap_or_default(),
            address_id: f.address_id.clone(),
            courier: Some(f.method.as_deref() == Some("courier")),
            pay: f.pay.clone(),
            name: f.recipient_name.clone(),
            phone: f.recipient_phone.clone(),
            spasibo: f.spasibo.clone().unwrap_or_default(),
            points: f.points.clone().unwrap_or_default(),
            use_balance: f.use_balance.is_some(),
        }
    }
}

async fn checkout_view(
    state: &AppState,
    page: Page,
    auth: &Authenticated,
    kept: Kept,
    error: Option<String>,
) -> AppResult<CheckoutPage> {
    let Kept {
        address,
        address_id,
        courier,
        pay,
        name,
        phone,
        spasibo,
        points,
        use_balance,
    } = kept;
    let cart = crate::cart::load(state, &auth.customer.id, page.l).await?;
    let point = crate::delivery::remembered(state, &auth.customer.id).await?;
    let c = &auth.customer;
    // The profile first; where it is empty, whoever received the last order.
    let last = if c.full_name().is_empty() || c.phone.is_none() {
        super::last_recipient(state, &c.id).await?
    } else {
        Default::default()
    };
    let to_point = Delivery::Point {
        id: String::new(),
        kind: Kind::PickupPoint,
    };
    let by_courier = Delivery::Courier {
        address: String::new(),
    };
    let cards = crate::payments::cards::list(&state.db, &auth.customer.id).await?;
    let now = state.clock.now_ms();
    let available = crate::loyalty::available(&state.db, &auth.customer.id, now).await?;
    let points_cap = (available > 0).then(|| {
        let cap = crate::loyalty::cap(crate::domain::money::Kopecks::new(cart.total), available);
        let args: Vec<(&str, String)> = cap.args.iter().map(|(k, v)| (*k, v.clone())).collect();
        page.l.ta(cap.key, &args)
    });
    let balance = crate::balance::balance(&state.db, &auth.customer.id)
        .await?
        .get();
    let pay = pay.unwrap_or_else(|| match cards.first() {
        Some(c) => format!("saved:{}", c.id),
        None => "new".into(),
    });
    Ok(CheckoutPage {
        pay,
        point_cost: super::delivery_cost(&to_point, cart.total),
        courier_cost: super::delivery_cost(&by_courier, cart.total),
        courier: courier.unwrap_or(point.is_none()),
        page,
        cart,
        point,
        name: name.unwrap_or_else(|| {
            Some(c.full_name())
                .filter(|n| !n.is_empty())
                .unwrap_or(last.0)
        }),
        phone: phone
            .unwrap_or_else(|| crate::auth::format_phone(c.phone.as_deref().unwrap_or(&last.1))),
        address_id,
        spasibo,
        points,
        points_cap,
        balance,
        use_balance,
        key: crate::auth::new_token(),
        address,
        addresses: crate::delivery::addresses::list(state, &auth.customer.id).await?,
        cards,
        wallets: crate::payments::WALLETS,
        error,
    })
}

async fn checkout_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
) -> AppResult<CheckoutPage> {
    checkout_view(&state, page, &auth, Kept::default(), None).await
}

#[derive(Deserialize)]
struct CheckoutForm {
    key: String,
    method: Option<String>,
    address: Option<String>,
    /// A kept courier address (used when `address` is empty).
    address_id: Option<String>,
    /// `new`, `saved:<id>`, `wallet:<provider>` or `sbp`.
    pay: Option<String>,
    save: Option<String>,
    card_number: Option<String>,
    exp_month: Option<String>,
    exp_year: Option<String>,
    cvc: Option<String>,
    /// Bonuses «Спасибо» to spend, in roubles (whole bonuses).
    spasibo: Option<String>,
    /// Status points to spend (whole points).
    points: Option<String>,
    /// Pay what is left from the account balance.
    use_balance: Option<String>,
    recipient_name: Option<String>,
    recipient_phone: Option<String>,
    /// «Пересчитать» (the page without JavaScript): show the total for the choices, pay nothing.
    recalc: Option<String>,
}

async fn checkout_submit(
    State(state): State<AppState>,
    mut page: Page,
    auth: Authenticated,
    CsrfForm(f): CsrfForm<CheckoutForm>,
) -> AppResult<Response> {
    let address = f.address.clone().unwrap_or_default();
    if f.recalc.is_some() {
        page.here = "/checkout".into();
        return Ok(checkout_view(&state, page, &auth, Kept::of(&f), None)
            .await?
            .into_response());
    }
    let result = async {
        let delivery = match f.method.as_deref() {
            Some("courier") => Delivery::Courier {
                address: match f.address_id.as_deref() {
                    Some(id) if address.trim().is_empty() => {
                        crate::delivery::addresses::get(&state, &auth.customer.id, id)
                            .await?
                            .address
                    }
                    _ => address.clone(),
                },
            },
            _ => {
                let p = crate::delivery::remembered(&state, &auth.customer.id)
                    .await?
                    .ok_or_else(|| AppError::bad_request("pickup_point_required"))?;
                let kind = Kind::parse(&p.kind).unwrap_or(Kind::PickupPoint);
                Delivery::Point { id: p.id, kind }
            }
        };
        let num = |s: &Option<String>| {
            s.as_deref()
                .unwrap_or("")
                .trim()
                .parse::<u32>()
                .unwrap_or(0)
        };
        let pay = f.pay.as_deref().unwrap_or("new");
        let payment = if let Some(id) = pay.strip_prefix("saved:") {
            Payment::SavedCard { id: id.to_owned() }
        } else if pay == "sbp" {
            Payment::Sbp
        } else if let Some(provider) = pay.strip_prefix("wallet:") {
            Payment::Wallet {
                provider: provider.to_owned(),
            }
        } else {
            Payment::Card {
                number: f.card_number.clone().unwrap_or_default(),
                exp_month: num(&f.exp_month),
                exp_year: num(&f.exp_year),
                cvc: f.cvc.clone().unwrap_or_default().trim().to_owned(),
                save: f.save.is_some(),
            }
        };
        let spasibo = match f.spasibo.as_deref().map(str::trim).unwrap_or("") {
            "" => 0,
            s => {
                s.replace([' ', '\u{a0}'], "")
                    .parse::<i64>()
                    .ok()
                    .filter(|b| (0..=10_000_000).contains(b))
                    .ok_or_else(|| AppError::bad_request("invalid_spasibo_amount"))?
                    * 100
            }
        };
        let points = match f.points.as_deref().map(str::trim).unwrap_or("") {
            "" => 0,
            s => s
                .replace([' ', '\u{a0}'], "")
                .parse::<i64>()
                .ok()
                .filter(|p| (0..=100_000_000).contains(p))
                .ok_or_else(|| AppError::bad_request("invalid_points"))?,
        };
        let recipient = super::Recipient {
            name: f.recipient_name.clone().unwrap_or_default(),
            phone: f.recipient_phone.clone().unwrap_or_default(),
        };
        super::checkout(
            &state,
            &auth,
            &f.key,
            delivery,
            payment,
            super::WalletUse {
                spasibo,
                points,
                use_balance: f.use_balance.is_some(),
            },
            Some(recipient),
        )
        .await
    }
    .await;
    match result {
        Ok(placed) if placed.paid => {
            Ok(Redirect::to(&format!("/orders/{}/thanks", placed.order.number)).into_response())
        }
        Ok(placed) => {
            let pay = f.pay.as_deref().unwrap_or("");
            let acquirer = if pay.starts_with("wallet:") {
                "wallet"
            } else if pay == "sbp" {
                "sbp"
            } else {
                "3ds"
            };
            Ok(Redirect::to(&format!("/pay/{acquirer}/{}", placed.order.number)).into_response())
        }
        Err(e) => {
            page.here = "/checkout".into();
            let msg = error_message(page.l, &e);
            let mut res = checkout_view(&state, page, &auth, Kept::of(&f), Some(msg))
                .await?
                .into_response();
            *res.status_mut() = e.status();
            Ok(res)
        }
    }
}

async fn own(state: &AppState, auth: &Authenticated, number: &str) -> AppResult<(String, Order)> {
    let number = super::OrderNumber::parse(number).ok_or_else(AppError::not_found)?;
    super::by_number(state, &auth.customer.id, &number)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Sends the customer to the acquirer's own page for the order's waiting payment (3-D Secure,
/// a wallet). Paid, cancelled or expired: nothing to confirm any more; the order page says
/// what happened.
async fn pay_page(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(number): Path<String>,
) -> AppResult<Redirect> {
    let (id, order) = own(&state, &auth, &number).await?;
    if order.status == OrderStatus::AwaitingPayment
        && let Some(url) = super::confirmation_url(&state, &id).await?
    {
        // The sandbox bank shares this origin: its page is a local path; a real provider's
        // hosted page is another site.
        let local = url
            .strip_prefix(state.base_url.trim_end_matches('/'))
            .and_then(crate::web::local_path);
        return Ok(Redirect::to(local.as_deref().unwrap_or(&url)));
    }
    Ok(Redirect::to(&format!("/orders/{number}")))
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/list.html")]
struct OrdersPage {
    page: Page,
    tab: String,
    orders: Vec<Order>,
}

impl OrdersPage {
    fn status(&self, s: &OrderStatus) -> String {
        self.page.t(&format!("status-{s}"))
    }
}

#[derive(Deserialize)]
struct Tab {
    tab: Option<String>,
}

async fn orders_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(t): ApiQuery<Tab>,
) -> AppResult<OrdersPage> {
    let tab = t.tab.unwrap_or_else(|| "active".into());
    let (all, _) = super::list(&state, &auth.customer.id, None, 100).await?;
    let orders = all
        .into_iter()
        .filter(|o| match tab.as_str() {
            "received" => o.status == OrderStatus::Received,
            "cancelled" => o.status == OrderStatus::Cancelled,
            _ => !o.status.is_finished(),
        })
        .collect();
    Ok(OrdersPage { page, tab, orders })
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/detail.html")]
struct OrderPage {
    page: Page,
    order: Order,
    parcels: Vec<crate::cart::ParcelView>,
    cancellable: bool,
    /// Received and still inside the return window (`returns.window_days`).
    returnable: bool,
}

impl OrderPage {
    fn phone(&self, e164: &str) -> String {
        crate::auth::format_phone(e164)
    }
    fn status(&self, s: &OrderStatus) -> String {
        self.page.t(&format!("status-{s}"))
    }
    fn pay_url(&self) -> String {
        let via = if self.order.payment.method == "sbp" {
            "sbp"
        } else if self.order.payment.provider.is_some() {
            "wallet"
        } else {
            "3ds"
        };
        format!("/pay/{via}/{}", self.order.number)
    }
}

async fn order_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    Path(number): Path<String>,
) -> AppResult<OrderPage> {
    let (_, order) = own(&state, &auth, &number).await?;
    // The return window is the config's (the returns capability, a floor up, checks it again).
    let window_ms = state.config.returns.window_days.max(0) * 86_400_000;
    let returnable = order.status == OrderStatus::Received
        && order
            .received_at
            .as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .is_some_and(|t| state.clock.now_ms() - t.as_millisecond() <= window_ms);
    Ok(OrderPage {
        parcels: super::parcels(&state, &order, page.l).await?,
        cancellable: order.status.is_cancellable(),
        returnable,
        page,
        order,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/thanks.html")]
struct ThanksPage {
    page: Page,
    order: Order,
    parcels: Vec<crate::cart::ParcelView>,
}

/// «Спасибо за заказ»: where a paid checkout lands.
async fn thanks_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    Path(number): Path<String>,
) -> AppResult<Response> {
    let (_, order) = own(&state, &auth, &number).await?;
    if !order.was_paid() || order.status == OrderStatus::Cancelled {
        return Ok(Redirect::to(&format!("/orders/{number}")).into_response());
    }
    Ok(ThanksPage {
        parcels: super::parcels(&state, &order, page.l).await?,
        page,
        order,
    }
    .into_response())
}

/// Why a customer cancels (kept with the order for the shop).
const CANCEL_REASONS: &[&str] = &[
    "changed_mind",
    "found_cheaper",
    "too_slow",
    "mistake",
    "other",
];

#[derive(Template, WebTemplate)]
#[template(path = "orders/cancel.html")]
struct CancelPage {
    page: Page,
    order: Order,
    reasons: &'static [&'static str],
}

/// The confirmation step before cancelling: what happens to the money, and why.
async fn cancel_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    Path(number): Path<String>,
) -> AppResult<Response> {
    let (_, order) = own(&state, &auth, &number).await?;
    if !order.status.is_cancellable() {
        return Ok(Redirect::to(&format!("/orders/{number}")).into_response());
    }
    Ok(CancelPage {
        page,
        order,
        reasons: CANCEL_REASONS,
    }
    .into_response())
}

#[derive(Deserialize)]
struct CancelForm {
    reason: Option<String>,
}

async fn cancel_submit(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(number): Path<String>,
    CsrfForm(f): CsrfForm<CancelForm>,
) -> AppResult<Redirect> {
    let reason = f.reason.as_deref().unwrap_or("other");
    if !CANCEL_REASONS.contains(&reason) {
        return Err(AppError::bad_request("invalid_cancel_reason"));
    }
    let (id, _) = own(&state, &auth, &number).await?;
    super::cancel(&state, &id).await?;
    super::note_cancel_reason(&state, &id, reason).await?;
    Ok(Redirect::to(&format!("/orders/{number}")))
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/purchases.html")]
struct PurchasesPage {
    page: Page,
    f: PurchaseSearch,
    items: Vec<Purchase>,
    categories: Vec<crate::catalog::Category>,
    /// (id, name) of the sellers the customer bought from.
    sellers: Vec<(String, String)>,
    error: Option<String>,
}

impl PurchasesPage {
    fn filtered(&self) -> bool {
        [
            &self.f.q,
            &self.f.from,
            &self.f.to,
            &self.f.min_price,
            &self.f.max_price,
            &self.f.category,
            &self.f.seller,
        ]
        .iter()
        .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()))
    }
}

/// The page's filters as typed: words, a date range (the shop's days), a price range in whole
/// roubles, a category and a seller.
#[derive(Deserialize, Default)]
struct PurchaseSearch {
    q: Option<String>,
    from: Option<String>,
    to: Option<String>,
    min_price: Option<String>,
    max_price: Option<String>,
    category: Option<String>,
    seller: Option<String>,
}

impl PurchaseSearch {
    fn text(v: &Option<String>) -> Option<String> {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }
    fn value(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or("")
    }
}

/// A day typed as YYYY-MM-DD: its first (or last) millisecond in the shop's time zone.
fn shop_day(state: &AppState, s: &str, end_of_day: bool) -> AppResult<i64> {
    let d: jiff::civil::Date = s
        .trim()
        .parse()
        .map_err(|_| AppError::bad_request("invalid_date"))?;
    let start = d
        .to_zoned(state.zone.clone())
        .map_err(|_| AppError::bad_request("invalid_date"))?;
    let at = if end_of_day {
        start
            .tomorrow()
            .map_err(|_| AppError::bad_request("invalid_date"))?
            .start_of_day()
            .map_err(|_| AppError::bad_request("invalid_date"))?
            .timestamp()
            .as_millisecond()
            - 1
    } else {
        start.timestamp().as_millisecond()
    };
    Ok(at)
}

async fn purchases_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(s): ApiQuery<PurchaseSearch>,
) -> AppResult<Response> {
    let filter = (|| -> AppResult<PurchaseFilter> {
        Ok(PurchaseFilter {
            q: PurchaseSearch::text(&s.q),
            from: PurchaseSearch::text(&s.from)
                .map(|d| shop_day(&state, &d, false))
                .transpose()?,
            to: PurchaseSearch::text(&s.to)
                .map(|d| shop_day(&state, &d, true))
                .transpose()?,
            min_price: crate::domain::money::typed_roubles(PurchaseSearch::value(&s.min_price))?,
            max_price: crate::domain::money::typed_roubles(PurchaseSearch::value(&s.max_price))?,
            category: PurchaseSearch::text(&s.category),
            seller: PurchaseSearch::text(&s.seller),
        })
    })();
    let (items, error) = match filter {
        Ok(f) => (
            super::purchases(&state, &auth.customer.id, &f, None, 100)
                .await?
                .0,
            None,
        ),
        Err(e) => (Vec::new(), Some(e)),
    };
    let all = super::purchases(
        &state,
        &auth.customer.id,
        &PurchaseFilter::default(),
        None,
        100,
    )
    .await?
    .0;
    let mut sellers: Vec<(String, String)> = Vec::new();
    for p in &all {
        if !sellers.iter().any(|(id, _)| *id == p.seller_id) {
            sellers.push((p.seller_id.clone(), p.seller_name.clone()));
        }
    }
    sellers.sort_by(|a, b| a.1.cmp(&b.1));
    let status = error.as_ref().map(|e| e.status());
    let mut res = PurchasesPage {
        error: error.map(|e| error_message(page.l, &e)),
        categories: crate::catalog::categories(&state).await?,
        sellers,
        items,
        f: s,
        page,
    }
    .into_response();
    if let Some(st) = status {
        *res.status_mut() = st;
    }
    Ok(res)
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/cards.html")]
struct CardsPage {
    page: Page,
    cards: Vec<crate::payments::SavedCard>,
    done: bool,
}

impl CardsPage {
    fn brand(&self, b: &str) -> String {
        crate::payments::brand_name_in(b, self.page.l).to_owned()
    }
}

/// «Способы оплаты»: the saved cards (brand, last digits, expiry), each can be forgotten.
async fn cards_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(d): ApiQuery<crate::web::DoneQuery>,
) -> AppResult<Response> {
    // Payment data wants a sign-in at most 15 minutes old, as the API's `/me/cards` does.
    if crate::auth::credentials::require_fresh(&state, &auth).is_err() {
        return Ok(Redirect::to(CARDS_REAUTH).into_response());
    }
    Ok(CardsPage {
        cards: crate::payments::cards::list(&state.db, &auth.customer.id).await?,
        done: d.done.is_some(),
        page,
    }
    .into_response())
}

/// Sign in again, then back to «Способы оплаты».
const CARDS_REAUTH: &str = "/login?next=%2Faccount%2Fpayment-methods";

async fn card_delete(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Redirect> {
    if crate::auth::credentials::require_fresh(&state, &auth).is_err() {
        return Ok(Redirect::to(CARDS_REAUTH));
    }
    crate::payments::cards::forget(&state.db, &auth.customer.id, &id).await?;
    Ok(Redirect::to("/account/payment-methods?done=1"))
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/receipt.html")]
struct ReceiptPage {
    page: Page,
    number: String,
    receipt: crate::fiscal::Receipt,
}

impl ReceiptPage {
    /// «Приход» or «Возврат прихода».
    fn sign(&self) -> String {
        self.page
            .t(&format!("receipt-sign-{}", self.receipt.kind.as_str()))
    }
}

/// «Кассовый чек» of an order's payment or refund: the customer's own only (another's order
/// or receipt is simply not found).
async fn receipt_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    Path((number, id)): Path<(String, String)>,
) -> AppResult<ReceiptPage> {
    let (order_id, order) = own(&state, &auth, &number).await?;
    let receipt = crate::fiscal::get(&state.db, &order_id, &id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(ReceiptPage {
        page,
        number: order.number,
        receipt,
    })
}
