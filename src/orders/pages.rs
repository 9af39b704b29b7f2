//! Checkout, the sandbox 3-D Secure page, «Мои заказы» and «Купленные товары» pages.

use super::{Delivery, Order, Payment, Purchase, PurchaseFilter};
use crate::app::AppState;
use crate::auth::sessions::Authenticated;
use crate::cart::Cart;
use crate::catalog::rubles;
use crate::delivery::{Kind, Point};
use crate::error::{AppError, AppResult};
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use crate::web::{ApiQuery, error_message};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/checkout", get(checkout_page).post(checkout_submit))
        .route(
            "/pay/3ds/{number}",
            get(three_ds_page).post(three_ds_submit),
        )
        .route(
            "/pay/wallet/{number}",
            get(three_ds_page).post(three_ds_submit),
        )
        .route("/orders", get(orders_page))
        .route("/orders/{number}", get(order_page))
        .route("/orders/{number}/cancel", post(cancel_submit))
        .route("/purchases", get(purchases_page))
}

fn money(k: &i64) -> String {
    rubles(*k)
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
    cards: Vec<super::SavedCard>,
    /// Delivery prices for this cart: to a point, by courier.
    point_cost: i64,
    courier_cost: i64,
    /// The delivery the customer picked (kept when the page comes back with an error).
    courier: bool,
    wallets: &'static [&'static str],
    error: Option<String>,
}

impl CheckoutPage {
    fn money(&self, k: &i64) -> String {
        money(k)
    }
    fn brand(&self, b: &str) -> String {
        crate::payments::brand_name(b).to_owned()
    }
}

async fn checkout_view(
    state: &AppState,
    page: Page,
    auth: &Authenticated,
    address: String,
    courier: Option<bool>,
    error: Option<String>,
) -> AppResult<CheckoutPage> {
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
    Ok(CheckoutPage {
        point_cost: super::delivery_cost(&to_point, cart.total),
        courier_cost: super::delivery_cost(&by_courier, cart.total),
        courier: courier.unwrap_or(point.is_none()),
        page,
        cart,
        point,
        name: Some(c.full_name())
            .filter(|n| !n.is_empty())
            .unwrap_or(last.0),
        phone: crate::auth::format_phone(c.phone.as_deref().unwrap_or(&last.1)),
        key: crate::auth::new_token(),
        address,
        addresses: crate::delivery::addresses::list(state, &auth.customer.id).await?,
        cards: super::saved_cards(state, &auth.customer.id).await?,
        wallets: crate::payments::WALLETS,
        error,
    })
}

async fn checkout_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
) -> AppResult<CheckoutPage> {
    checkout_view(&state, page, &auth, String::new(), None, None).await
}

#[derive(Deserialize)]
struct CheckoutForm {
    key: String,
    method: Option<String>,
    address: Option<String>,
    /// A kept courier address (used when `address` is empty).
    address_id: Option<String>,
    /// `new`, `saved:<id>` or `wallet:<provider>`.
    pay: Option<String>,
    save: Option<String>,
    card_number: Option<String>,
    exp_month: Option<String>,
    exp_year: Option<String>,
    cvc: Option<String>,
    /// Bonuses «Спасибо» to spend, in roubles (whole bonuses).
    spasibo: Option<String>,
    recipient_name: Option<String>,
    recipient_phone: Option<String>,
}

async fn checkout_submit(
    State(state): State<AppState>,
    mut page: Page,
    auth: Authenticated,
    CsrfForm(f): CsrfForm<CheckoutForm>,
) -> AppResult<Response> {
    let address = f.address.clone().unwrap_or_default();
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
            spasibo,
            Some(recipient),
        )
        .await
    }
    .await;
    match result {
        Ok(placed) if placed.paid => {
            Ok(Redirect::to(&format!("/orders/{}", placed.order.number)).into_response())
        }
        Ok(placed) => {
            Ok(Redirect::to(&format!("/pay/3ds/{}", placed.order.number)).into_response())
        }
        Err(e) => {
            page.here = "/checkout".into();
            let msg = error_message(page.l, &e);
            let mut res = checkout_view(
                &state,
                page,
                &auth,
                address,
                Some(f.method.as_deref() == Some("courier")),
                Some(msg),
            )
            .await?
            .into_response();
            *res.status_mut() = e.status;
            Ok(res)
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/three_ds.html")]
struct ThreeDsPage {
    page: Page,
    order: Order,
}

impl ThreeDsPage {
    fn money(&self, k: &i64) -> String {
        money(k)
    }
}

async fn own(state: &AppState, auth: &Authenticated, number: &str) -> AppResult<(String, Order)> {
    super::by_number(state, &auth.customer.id, number)
        .await?
        .ok_or_else(AppError::not_found)
}

async fn three_ds_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    Path(number): Path<String>,
) -> AppResult<ThreeDsPage> {
    let (_, order) = own(&state, &auth, &number).await?;
    Ok(ThreeDsPage { page, order })
}

#[derive(Deserialize)]
struct Decision {
    decision: Option<String>,
}

async fn three_ds_submit(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(number): Path<String>,
    CsrfForm(d): CsrfForm<Decision>,
) -> AppResult<Redirect> {
    let (id, _) = own(&state, &auth, &number).await?;
    if d.decision.as_deref() == Some("confirm") {
        super::confirm_payment(&state, &id).await?;
    } else {
        super::cancel(&state, &id).await?;
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
    fn money(&self, k: &i64) -> String {
        money(k)
    }
    fn status(&self, s: &str) -> String {
        self.page.t(&format!("status-{s}"))
    }
    fn date(&self, s: &str) -> String {
        s.get(..10).unwrap_or(s).to_owned()
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
            "received" => o.status == "received",
            "cancelled" => o.status == "cancelled",
            _ => o.status != "received" && o.status != "cancelled",
        })
        .collect();
    Ok(OrdersPage { page, tab, orders })
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/detail.html")]
struct OrderPage {
    page: Page,
    order: Order,
    cancellable: bool,
}

impl OrderPage {
    fn money(&self, k: &i64) -> String {
        money(k)
    }
    /// «Мир ·· 0004» for a card, the wallet's name for a wallet.
    fn paid_with(&self) -> String {
        let p = &self.order.payment;
        match p["provider"].as_str() {
            Some(w) => self.page.t(&format!("wallet-{w}")),
            None => format!(
                "{} ·· {}",
                crate::payments::brand_name(p["card_brand"].as_str().unwrap_or("")),
                p["card_last4"].as_str().unwrap_or("")
            ),
        }
    }
    fn phone(&self, e164: &str) -> String {
        crate::auth::format_phone(e164)
    }
    fn spasibo(&self) -> i64 {
        self.order.payment["spasibo"].as_i64().unwrap_or(0)
    }
    fn card_amount(&self) -> i64 {
        self.order.payment["card_amount"]
            .as_i64()
            .unwrap_or(self.order.total)
    }
    fn status(&self, s: &str) -> String {
        self.page.t(&format!("status-{s}"))
    }
    fn when(&self, s: &str) -> String {
        s.replace('T', " ")
            .trim_end_matches('Z')
            .get(..16)
            .unwrap_or(s)
            .to_owned()
    }
}

async fn order_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    Path(number): Path<String>,
) -> AppResult<OrderPage> {
    let (_, order) = own(&state, &auth, &number).await?;
    let cancellable = matches!(
        order.status.as_str(),
        "awaiting_payment" | "paid" | "assembling"
    );
    Ok(OrderPage {
        page,
        order,
        cancellable,
    })
}

async fn cancel_submit(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(number): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Redirect> {
    let (id, _) = own(&state, &auth, &number).await?;
    super::cancel(&state, &id).await?;
    Ok(Redirect::to(&format!("/orders/{number}")))
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/purchases.html")]
struct PurchasesPage {
    page: Page,
    q: String,
    items: Vec<Purchase>,
}

impl PurchasesPage {
    fn money(&self, k: &i64) -> String {
        money(k)
    }
}

#[derive(Deserialize)]
struct PurchaseSearch {
    q: Option<String>,
}

async fn purchases_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(s): ApiQuery<PurchaseSearch>,
) -> AppResult<PurchasesPage> {
    let f = PurchaseFilter {
        q: s.q.clone(),
        ..PurchaseFilter::default()
    };
    let (items, _) = super::purchases(&state, &auth.customer.id, &f, None, 100).await?;
    Ok(PurchasesPage {
        page,
        q: s.q.unwrap_or_default(),
        items,
    })
}
