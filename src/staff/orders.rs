//! The console's orders (issue 12): support and admins find an order by its number or its
//! customer's phone or email, see it whole, and move it along its way one step at a time — or
//! cancel it before it ships (goods and money back through `orders::cancel`). The rule of the
//! moves is `domain::order` ([`OrderStatus::next`]), the move itself `orders::advance` (one
//! conditional update, the customer told by SMS or email); this file checks the role, masks
//! the recipient's phone and writes the audit trail.

use super::api::limit_of;
use super::pages::Console;
use super::{Area, Staff};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::orders::{Order, OrderNumber, OrderSearch, OrderStatus, OrderSummary};
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use crate::web::{ApiJson, ApiQuery};
use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_api))
        .routes(routes!(one_api))
        .routes(routes!(move_api))
}

pub fn pages_router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/staff/orders", get(search_page))
        .route("/staff/orders/{number}", get(one_page))
        .route("/staff/orders/{number}/status", post(move_submit))
}

// ---- Rules ----

/// An order as staff see it: the customer's own view (the recipient's phone masked), whose it
/// is, and the moves it may make now (the next step first, then `cancelled` while it may be).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StaffOrder {
    #[serde(flatten)]
    pub order: Order,
    pub customer_id: String,
    pub customer_name: String,
    pub moves: Vec<OrderStatus>,
}

/// Orders matching `q` (an order number exactly, or the customer's phone in any common typing,
/// or their email) and `status`, newest first.
pub async fn search(
    state: &AppState,
    staff: &Staff,
    q: &str,
    status: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<OrderSummary>, Option<String>)> {
    staff.require(Area::Orders)?;
    let q = q.trim();
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            Some(OrderStatus::parse(s).ok_or_else(|| AppError::bad_request("invalid_status"))?)
        }
        None => None,
    };
    let customer_id = if q.is_empty() {
        None
    } else {
        crate::customers::by_typed_contact(state, q)
            .await?
            .map(|c| c.id)
    };
    let f = OrderSearch {
        number: OrderNumber::parse(q),
        customer_id,
        everything: q.is_empty(),
        status,
    };
    // A search by phone or email shows that customer's orders and name: written down (masked).
    if !q.is_empty() && OrderNumber::parse(q).is_none() {
        super::audit(
            state,
            staff,
            "orders_searched",
            "",
            &super::query_for_audit(q),
        )
        .await?;
    }
    crate::orders::search(&state.db, &f, cursor, limit).await
}

/// One order, for staff; reading it (names, address) is written down.
pub async fn view(state: &AppState, staff: &Staff, number: &str) -> AppResult<StaffOrder> {
    staff.require(Area::Orders)?;
    let order = load(state, number).await?;
    super::audit(state, staff, "order_viewed", &order.order.number, "").await?;
    Ok(order)
}

async fn load(state: &AppState, number: &str) -> AppResult<StaffOrder> {
    let not_found = || AppError::missing("order_not_found");
    let number = OrderNumber::parse(number).ok_or_else(not_found)?;
    let (customer_id, mut order) = crate::orders::any_by_number(state, &number)
        .await?
        .ok_or_else(not_found)?;
    let customer = crate::customers::by_id(&state.db, &customer_id).await?;
    let recipient = &mut order.delivery.recipient.phone;
    if !recipient.is_empty() {
        *recipient = super::mask_contact(recipient);
    }
    Ok(StaffOrder {
        moves: order.status.moves(&order.delivery.method),
        customer_name: customer.map(|c| c.full_name()).unwrap_or_default(),
        customer_id,
        order,
    })
}

/// Moves an order (the next step, or `cancelled` before shipping) and writes down who did it.
pub async fn move_order(
    state: &AppState,
    staff: &Staff,
    number: &str,
    status: &str,
) -> AppResult<StaffOrder> {
    staff.require(Area::Orders)?;
    let moved = crate::orders::advance(state, number, status).await?;
    let (action, detail) = if moved.to == OrderStatus::Cancelled {
        ("order_cancelled", format!("{} → {}", moved.from, moved.to))
    } else {
        (
            "order_status_changed",
            format!("{} → {}", moved.from, moved.to),
        )
    };
    super::audit(state, staff, action, moved.number.as_str(), &detail).await?;
    load(state, moved.number.as_str()).await
}

// ---- API ----

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// An order number, or the customer's phone (any common typing) or email.
    pub q: Option<String>,
    /// Only orders in this status (`paid`, `assembling`, …).
    pub status: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<OrderSummary>,
    pub next_cursor: Option<String>,
}

/// Support, admin: orders by number, customer phone or email, and status; newest first.
#[utoipa::path(get, path = "/staff/orders", tag = "staff", operation_id = "staff_orders", security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = OrderPage, description = "A page of orders, newest first"),
        (status = 400, body = ErrorBody, description = "`invalid_status`, `invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`")))]
async fn search_api(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> AppResult<Json<OrderPage>> {
    let limit = limit_of(q.limit)?;
    let (items, next_cursor) = search(
        &state,
        &staff,
        q.q.as_deref().unwrap_or(""),
        q.status.as_deref(),
        q.cursor.as_deref(),
        limit,
    )
    .await?;
    Ok(Json(OrderPage { items, next_cursor }))
}

/// Support, admin: one order whole (lines, totals, delivery, payment, timeline, receipts), its
/// customer and the moves it may make now.
#[utoipa::path(get, path = "/staff/orders/{number}", tag = "staff", operation_id = "staff_order", security(("bearer" = [])),
    params(("number" = String, Path, description = "Order number")),
    responses((status = 200, body = StaffOrder, description = "The order"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`order_not_found`")))]
async fn one_api(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> AppResult<Json<StaffOrder>> {
    Ok(Json(view(&state, &staff, &number).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// The next step (`assembling`, `shipped`, `ready_for_pickup`, `received`) or `cancelled`.
    pub status: String,
}

/// Support, admin: moves an order one step on (paid → assembling → shipped → ready_for_pickup
/// for pickup points and lockers, or received for couriers → received), or cancels it before it
/// ships (goods, bonuses, points, balance and the card's money go back). The customer gets an
/// SMS, else an email.
#[utoipa::path(post, path = "/staff/orders/{number}/status", tag = "staff", operation_id = "staff_order_status", security(("bearer" = [])),
    params(("number" = String, Path, description = "Order number")), request_body = StatusBody,
    responses((status = 200, body = StaffOrder, description = "Moved: the order as it is now"),
        (status = 400, body = ErrorBody, description = "`invalid_status`: not a status at all"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`order_not_found`"),
        (status = 409, body = ErrorBody, description = "`illegal_transition`: not the next step, cancelling after shipping, a finished order, or someone moved it first")))]
async fn move_api(
    State(state): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    ApiJson(b): ApiJson<StatusBody>,
) -> AppResult<Json<StaffOrder>> {
    Ok(Json(move_order(&state, &staff, &number, &b.status).await?))
}

// ---- Pages ----

/// Every status, for the search page's filter.
fn statuses() -> Vec<&'static str> {
    OrderStatus::ALL.iter().map(|s| s.as_str()).collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/orders.html")]
struct SearchPage {
    page: Page,
    me: Console,
    q: String,
    status: String,
    statuses: Vec<&'static str>,
    items: Vec<OrderSummary>,
    next: Option<String>,
    error: Option<String>,
}

impl SearchPage {
    fn more_link(&self, cursor: &str) -> String {
        url::form_urlencoded::Serializer::new("/staff/orders?".to_owned())
            .append_pair("q", &self.q)
            .append_pair("status", &self.status)
            .append_pair("cursor", cursor)
            .finish()
    }
}

#[derive(Deserialize)]
struct SearchForm {
    q: Option<String>,
    status: Option<String>,
    cursor: Option<String>,
}

async fn search_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    ApiQuery(f): ApiQuery<SearchForm>,
) -> AppResult<Response> {
    let q = f.q.unwrap_or_default();
    let status = f.status.unwrap_or_default();
    let found = search(&state, &staff, &q, Some(&status), f.cursor.as_deref(), 50).await;
    let (items, next, error) = match found {
        Ok((items, next)) => (items, next, None),
        Err(e) if e.is_client_error() && e.code != "forbidden_role" => (
            Vec::new(),
            None,
            Some(crate::web::error_message(page.l, &e)),
        ),
        Err(e) => return Err(e),
    };
    Ok(SearchPage {
        me: Console::of(&staff),
        page,
        q,
        status,
        statuses: statuses(),
        items,
        next,
        error,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/orders_one.html")]
struct OnePage {
    page: Page,
    me: Console,
    o: StaffOrder,
    notice: Option<String>,
    error: Option<String>,
}

impl OnePage {
    fn next_step(&self) -> Option<&'static str> {
        self.o
            .moves
            .iter()
            .find(|s| **s != OrderStatus::Cancelled)
            .map(|s| s.as_str())
    }
    fn status_name(&self, s: &OrderStatus) -> String {
        self.page.t(&format!("status-{s}"))
    }
    fn delivery_name(&self) -> String {
        self.page
            .t(&format!("staff-delivery-{}", self.o.order.delivery.method))
    }
    fn cancellable(&self) -> bool {
        self.o.moves.contains(&OrderStatus::Cancelled)
    }
}

#[derive(Deserialize)]
struct MovedQuery {
    done: Option<String>,
}

async fn one_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(number): Path<String>,
    ApiQuery(q): ApiQuery<MovedQuery>,
) -> AppResult<OnePage> {
    let o = view(&state, &staff, &number).await?;
    let notice = q.done.as_deref().and_then(OrderStatus::parse).map(|s| {
        page.ta1(
            "staff-order-moved",
            "status",
            page.t(&format!("status-{s}")),
        )
    });
    Ok(OnePage {
        me: Console::of(&staff),
        page,
        o,
        notice,
        error: None,
    })
}

#[derive(Deserialize)]
struct StatusForm {
    status: Option<String>,
}

async fn move_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(number): Path<String>,
    CsrfForm(f): CsrfForm<StatusForm>,
) -> AppResult<Response> {
    let status = f.status.unwrap_or_default();
    match move_order(&state, &staff, &number, &status).await {
        Ok(o) => Ok(Redirect::to(&format!(
            "/staff/orders/{}?done={}",
            o.order.number, o.order.status
        ))
        .into_response()),
        Err(e)
            if e.is_client_error()
                && !matches!(
                    e.code,
                    "forbidden_role" | "order_not_found" | "unauthorized"
                ) =>
        {
            let error = Some(crate::web::error_message(page.l, &e));
            let o = load(&state, &number).await?;
            let mut res = OnePage {
                me: Console::of(&staff),
                page,
                o,
                notice: None,
                error,
            }
            .into_response();
            *res.status_mut() = e.status();
            Ok(res)
        }
        Err(e) => Err(e),
    }
}
