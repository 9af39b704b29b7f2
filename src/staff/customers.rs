//! The console's customers (issue 12): support and admins find a customer by name, phone or
//! email and see them with their contacts masked (`+7916 ***-**-67`, `i***@mail.ru`). The full
//! contacts open only with a reason, which goes to the audit trail and — as «Служба поддержки
//! открыла ваши контактные данные» — into the customer's own security log.

use super::api::limit_of;
use super::pages::Console;
use super::{Area, Staff, mask_contact};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::orders::{OrderSearch, OrderSummary};
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use crate::web::{ApiJson, ApiQuery};
use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_api))
        .routes(routes!(one_api))
        .routes(routes!(reveal_api))
}

pub fn pages_router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/staff/customers", get(search_page))
        .route("/staff/customers/{id}", get(one_page))
        .route("/staff/customers/{id}/reveal", post(reveal_submit))
}

/// How many of a customer's orders their card shows.
const RECENT_ORDERS: i64 = 20;

// ---- Rules ----

/// A customer in the console: contacts masked until opened with a reason.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerCard {
    pub id: String,
    /// «Фамилия Имя Отчество» as the customer gave it (empty when they did not).
    pub name: String,
    /// Masked: `+7916 ***-**-67`.
    pub phone: Option<String>,
    /// Masked: `i***@mail.ru`.
    pub email: Option<String>,
    pub created_at: String,
}

fn masked(f: crate::customers::Found) -> CustomerCard {
    CustomerCard {
        phone: f.phone.as_deref().map(mask_contact),
        email: f.email.as_deref().map(mask_contact),
        created_at: crate::clock::rfc3339(f.created_at),
        id: f.id,
        name: f.name,
    }
}

/// Customers whose name contains `q` (any case), or whose phone (any common typing) or email is
/// `q`; everyone when `q` is empty. Newest first, contacts masked.
pub async fn search(
    state: &AppState,
    staff: &Staff,
    q: &str,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<CustomerCard>, Option<String>)> {
    staff.require(Area::Customers)?;
    let (found, next) = crate::customers::search(state, q, cursor, limit).await?;
    // Every look at the customer base is written down, a contact searched for only masked.
    super::audit(
        state,
        staff,
        "customers_searched",
        "",
        &super::query_for_audit(q),
    )
    .await?;
    Ok((found.into_iter().map(masked).collect(), next))
}

/// A customer with their contacts masked and their newest orders.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerView {
    #[serde(flatten)]
    pub customer: CustomerCard,
    /// The newest orders, at most 20.
    pub orders: Vec<OrderSummary>,
}

async fn found(state: &AppState, id: &str) -> AppResult<crate::customers::Found> {
    let not_found = || AppError::missing("customer_not_found");
    if !crate::db::looks_like_id(id) {
        return Err(not_found());
    }
    let c = crate::customers::by_id(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    let created_at = crate::customers::store::created_at(&state.db, id)
        .await?
        .unwrap_or(0);
    Ok(crate::customers::Found {
        name: c.full_name(),
        id: c.id,
        phone: c.phone,
        email: c.email,
        created_at,
    })
}

/// One customer (masked) and their newest orders; the look is written down.
pub async fn view(state: &AppState, staff: &Staff, id: &str) -> AppResult<CustomerView> {
    staff.require(Area::Customers)?;
    let customer = masked(found(state, id).await?);
    let f = OrderSearch {
        customer_id: Some(customer.id.clone()),
        ..OrderSearch::default()
    };
    let (orders, _) = crate::orders::search(&state.db, &f, None, RECENT_ORDERS).await?;
    super::audit(state, staff, "customer_viewed", &customer.id, "").await?;
    Ok(CustomerView { customer, orders })
}

/// A customer's contacts in full.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contacts {
    pub id: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Opens a customer's contacts, with a reason (3–500 characters, else 400 `reason_required`):
/// an audit row and a row in the customer's security log (actor: staff).
pub async fn reveal(
    state: &AppState,
    staff: &Staff,
    id: &str,
    reason: &str,
) -> AppResult<Contacts> {
    staff.require(Area::Customers)?;
    let reason = reason.trim();
    if !(3..=500).contains(&reason.chars().count()) {
        return Err(AppError::bad_request("reason_required"));
    }
    let c = found(state, id).await?;
    super::audit(state, staff, "customer_contacts_opened", &c.id, reason).await?;
    crate::customers::log_event(
        crate::db::autocommit(&state.db),
        state.clock.now_ms(),
        &staff.actor(),
        Some(&c.id),
        None,
        "support_contacts_opened",
        "ok",
    )
    .await?;
    Ok(Contacts {
        id: c.id,
        name: c.name,
        phone: c.phone,
        email: c.email,
    })
}

// ---- API ----

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// A part of the name (any case), or a phone (any common typing) or email exactly.
    pub q: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerPage {
    pub items: Vec<CustomerCard>,
    pub next_cursor: Option<String>,
}

/// Support, admin: customers by name, phone or email, newest first, contacts masked.
#[utoipa::path(get, path = "/staff/customers", tag = "staff", operation_id = "staff_customers", security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = CustomerPage, description = "A page of customers, contacts masked"),
        (status = 400, body = ErrorBody, description = "`query_too_long`, `invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`")))]
async fn search_api(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> AppResult<Json<CustomerPage>> {
    let limit = limit_of(q.limit)?;
    let (items, next_cursor) = search(
        &state,
        &staff,
        q.q.as_deref().unwrap_or(""),
        q.cursor.as_deref(),
        limit,
    )
    .await?;
    Ok(Json(CustomerPage { items, next_cursor }))
}

/// Support, admin: one customer (contacts masked) and their newest orders.
#[utoipa::path(get, path = "/staff/customers/{id}", tag = "staff", operation_id = "staff_customer", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 200, body = CustomerView, description = "The customer, masked, with their newest orders"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`customer_not_found`")))]
async fn one_api(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<Json<CustomerView>> {
    Ok(Json(view(&state, &staff, &id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealBody {
    /// Why the contacts are needed (3–500 characters), e.g. the support ticket.
    pub reason: Option<String>,
}

/// Support, admin: the customer's full contacts. The reason is kept in the audit trail, and the
/// customer sees «Служба поддержки открыла ваши контактные данные» in their security log.
#[utoipa::path(post, path = "/staff/customers/{id}/reveal", tag = "staff", operation_id = "staff_customer_reveal", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")), request_body = RevealBody,
    responses((status = 200, body = Contacts, description = "The full contacts"),
        (status = 400, body = ErrorBody, description = "`reason_required`: 3 to 500 characters"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`customer_not_found`")))]
async fn reveal_api(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RevealBody>,
) -> AppResult<Json<Contacts>> {
    let reason = b.reason.unwrap_or_default();
    Ok(Json(reveal(&state, &staff, &id, &reason).await?))
}

// ---- Pages ----

#[derive(Template, WebTemplate)]
#[template(path = "staff/customers.html")]
struct SearchPage {
    page: Page,
    me: Console,
    q: String,
    items: Vec<CustomerCard>,
    next: Option<String>,
    error: Option<String>,
}

impl SearchPage {
    fn more_link(&self, cursor: &str) -> String {
        url::form_urlencoded::Serializer::new("/staff/customers?".to_owned())
            .append_pair("q", &self.q)
            .append_pair("cursor", cursor)
            .finish()
    }
}

#[derive(Deserialize)]
struct SearchForm {
    q: Option<String>,
    cursor: Option<String>,
}

async fn search_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    ApiQuery(f): ApiQuery<SearchForm>,
) -> AppResult<Response> {
    let q = f.q.unwrap_or_default();
    let (items, next, error) = match search(&state, &staff, &q, f.cursor.as_deref(), 50).await {
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
        items,
        next,
        error,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/customers_one.html")]
struct OnePage {
    page: Page,
    me: Console,
    c: CustomerView,
    /// After «Показать контакты» with a reason: the contacts in full.
    opened: Option<Contacts>,
    error: Option<String>,
}

async fn one_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<OnePage> {
    let c = view(&state, &staff, &id).await?;
    Ok(OnePage {
        me: Console::of(&staff),
        page,
        c,
        opened: None,
        error: None,
    })
}

#[derive(Deserialize)]
struct RevealForm {
    reason: Option<String>,
}

/// Shows the contacts on the page it answers with (never in a URL to come back to).
async fn reveal_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<RevealForm>,
) -> AppResult<Response> {
    let done = reveal(&state, &staff, &id, f.reason.as_deref().unwrap_or("")).await;
    let (opened, error, status) = match done {
        Ok(c) => (Some(c), None, None),
        Err(e) if e.code == "reason_required" => (
            None,
            Some(crate::web::error_message(page.l, &e)),
            Some(e.status()),
        ),
        Err(e) => return Err(e),
    };
    let c = view(&state, &staff, &id).await?;
    let mut res = OnePage {
        me: Console::of(&staff),
        page,
        c,
        opened,
        error,
    }
    .into_response();
    if let Some(s) = status {
        *res.status_mut() = s;
    }
    Ok(res)
}
