//! The console's returns (issue 13): support and admins see the queue of return requests and
//! one request with its order and customer (contacts masked), and approve it — the refund
//! happens through `returns::approve` (card or balance, points both ways, the receipt) — or
//! reject it with a reason the customer is told. This file checks the role and writes the
//! audit trail; the rules are `returns`.

use super::api::limit_of;
use super::pages::Console;
use super::{Area, Staff, mask_contact};
use crate::error::{AppResult, ErrorBody};
use crate::returns::{self, Return, Status};
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use crate::web::{ApiJson, ApiQuery, DoneQuery};
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
        .routes(routes!(list))
        .routes(routes!(one_api))
        .routes(routes!(approve))
        .routes(routes!(reject))
}

pub fn pages_router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/staff/returns", get(list_page))
        .route("/staff/returns/{id}", get(one_page))
        .route("/staff/returns/{id}/approve", post(approve_submit))
        .route("/staff/returns/{id}/reject", post(reject_submit))
}

// ---- Rules ----

/// A return as support reads it: the request, its order and its customer (contacts masked).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StaffReturn {
    #[serde(flatten)]
    pub ret: Return,
    pub customer_id: String,
    /// «Фамилия Имя Отчество» as the customer gave it (empty when they did not).
    pub customer_name: String,
    /// `+7916 ***-**-67`.
    pub customer_phone: Option<String>,
    /// `i***@mail.ru`.
    pub customer_email: Option<String>,
    /// When the order was received (RFC 3339).
    pub order_received_at: Option<String>,
    /// The order's total, kopecks.
    pub order_total: i64,
    /// What the order's card (wallet, СБП) paid, kopecks.
    pub order_card_amount: i64,
    /// Points the order was paid with, kopecks (1 point = 1 ₽).
    pub order_points: i64,
    /// The member who decided (their email), or `auto`.
    pub decided_by: Option<String>,
}

/// A page of returns (`requested`, `approved`, `refunded`, `rejected` or all), newest first.
pub async fn queue(
    state: &AppState,
    staff: &Staff,
    status: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Return>, Option<String>)> {
    staff.require(Area::Returns)?;
    returns::queue(state, status, cursor, limit).await
}

/// One return with its order and customer.
pub async fn one(state: &AppState, staff: &Staff, id: &str) -> AppResult<StaffReturn> {
    staff.require(Area::Returns)?;
    let ret = returns::one(state, id).await?;
    let customer = crate::customers::by_id(&state.db, &ret.customer_id).await?;
    let order = match crate::orders::OrderNumber::parse(&ret.order_number) {
        Some(n) => crate::orders::any_by_number(state, &n)
            .await?
            .map(|(_, o)| o),
        None => None,
    };
    let decided_by = match ret.decided_by.as_deref() {
        None => None,
        Some("auto") => Some("auto".to_owned()),
        Some(member) => Some(
            super::store::member_by_id(&state.db, member)
                .await?
                .map(|m| m.email)
                .unwrap_or_else(|| member.to_owned()),
        ),
    };
    Ok(StaffReturn {
        customer_id: ret.customer_id.clone(),
        customer_name: customer.as_ref().map(|c| c.full_name()).unwrap_or_default(),
        customer_phone: customer
            .as_ref()
            .and_then(|c| c.phone.as_deref())
            .map(mask_contact),
        customer_email: customer
            .as_ref()
            .and_then(|c| c.email.as_deref())
            .map(mask_contact),
        order_received_at: order.as_ref().and_then(|o| o.received_at.clone()),
        order_total: order.as_ref().map_or(0, |o| o.total),
        order_card_amount: order.as_ref().map_or(0, |o| o.card_amount()),
        order_points: order.as_ref().map_or(0, |o| o.payment.points),
        decided_by,
        ret,
    })
}

/// Approves and refunds; audited with what it left.
pub async fn approve_return(state: &AppState, staff: &Staff, id: &str) -> AppResult<Status> {
    staff.require(Area::Returns)?;
    let status = returns::approve(state, id, &staff.id).await?;
    super::audit(state, staff, "return_approved", id, status.as_str()).await?;
    Ok(status)
}

/// Rejects with a reason the customer is told; audited with the reason.
pub async fn reject_return(
    state: &AppState,
    staff: &Staff,
    id: &str,
    reason: &str,
) -> AppResult<()> {
    staff.require(Area::Returns)?;
    returns::reject(state, id, &staff.id, reason).await?;
    super::audit(state, staff, "return_rejected", id, reason.trim()).await?;
    Ok(())
}

// ---- JSON ----

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnsQuery {
    /// `requested`, `approved`, `refunded`, `rejected`; none or `all`: every return.
    pub status: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffReturnList {
    pub items: Vec<Return>,
    pub next_cursor: Option<String>,
}

/// Support: return requests, newest first.
#[utoipa::path(get, path = "/staff/returns", tag = "staff", operation_id = "staff_returns",
    security(("bearer" = [])), params(ReturnsQuery),
    responses((status = 200, body = StaffReturnList, description = "A page of returns"),
        (status = 400, body = ErrorBody, description = "`invalid_status`, `invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`")))]
async fn list(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(q): ApiQuery<ReturnsQuery>,
) -> AppResult<Json<StaffReturnList>> {
    let limit = limit_of(q.limit)?;
    let (items, next_cursor) = queue(
        &state,
        &staff,
        q.status.as_deref(),
        q.cursor.as_deref(),
        limit,
    )
    .await?;
    Ok(Json(StaffReturnList { items, next_cursor }))
}

/// Support: one return with its order and customer (contacts masked).
#[utoipa::path(get, path = "/staff/returns/{id}", tag = "staff", operation_id = "staff_return",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = StaffReturn, description = "The return"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`return_not_found`")))]
async fn one_api(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<Json<StaffReturn>> {
    Ok(Json(one(&state, &staff, &id).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnDecided {
    /// `refunded`, `approved` (the card's refund waits for the acquirer) or `rejected`.
    pub status: Status,
}

/// Support: approve — the refund happens at once (to the balance, or to the card through the
/// acquirer), points spent on the goods come back and points they earned are taken back.
#[utoipa::path(post, path = "/staff/returns/{id}/approve", tag = "staff", operation_id = "staff_approve_return",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ReturnDecided, description = "`refunded` (or `approved` while the card's refund waits for the acquirer)"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`return_not_found`"),
        (status = 409, body = ErrorBody, description = "`return_decided`, `card_refund_unavailable`, `card_refund_exceeded`")))]
async fn approve(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<Json<ReturnDecided>> {
    let status = approve_return(&state, &staff, &id).await?;
    Ok(Json(ReturnDecided { status }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectReturnBody {
    /// 1–500 characters; the customer is told it.
    pub reason: String,
}

/// Support: reject with a reason; nothing moves, the customer is told.
#[utoipa::path(post, path = "/staff/returns/{id}/reject", tag = "staff", operation_id = "staff_reject_return",
    security(("bearer" = [])), params(("id" = String, Path)), request_body = RejectReturnBody,
    responses((status = 200, body = ReturnDecided, description = "`rejected`"),
        (status = 400, body = ErrorBody, description = "`reason_required`, `reason_too_long`, `text_has_html`"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`return_not_found`"),
        (status = 409, body = ErrorBody, description = "`return_decided`")))]
async fn reject(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RejectReturnBody>,
) -> AppResult<Json<ReturnDecided>> {
    reject_return(&state, &staff, &id, &b.reason).await?;
    Ok(Json(ReturnDecided {
        status: Status::Rejected,
    }))
}

// ---- Pages ----

#[derive(Template, WebTemplate)]
#[template(path = "staff/returns.html")]
struct ListPage {
    page: Page,
    me: Console,
    items: Vec<Return>,
    /// The filter shown: a status or `all`.
    status: String,
    next: Option<String>,
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    cursor: Option<String>,
}

async fn list_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<ListPage> {
    let status = q.status.unwrap_or_else(|| "requested".into());
    let (items, next) = queue(&state, &staff, Some(&status), q.cursor.as_deref(), 50).await?;
    Ok(ListPage {
        page,
        me: Console::of(&staff),
        items,
        status,
        next,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/returns_one.html")]
struct OnePage {
    page: Page,
    me: Console,
    r: StaffReturn,
    notice: Option<String>,
    error: Option<String>,
    reason: String,
}

impl OnePage {
    fn reason_text(&self) -> String {
        self.page.t(&format!(
            "return-reason-{}",
            self.r.ret.reason.replace('_', "-")
        ))
    }
}

async fn one_view(
    state: &AppState,
    mut page: Page,
    staff: &Staff,
    id: &str,
    notice: Option<String>,
    error: Option<String>,
    reason: String,
) -> AppResult<OnePage> {
    let r = one(state, staff, id).await?;
    page.here = format!("/staff/returns/{id}");
    Ok(OnePage {
        page,
        me: Console::of(staff),
        r,
        notice,
        error,
        reason,
    })
}

async fn one_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DoneQuery>,
) -> AppResult<OnePage> {
    let notice = match q.done.as_deref() {
        Some("refunded") => Some(page.t("staff-return-done-refunded")),
        Some("approved") => Some(page.t("staff-return-done-approved")),
        Some("rejected") => Some(page.t("staff-return-done-rejected")),
        _ => None,
    };
    one_view(&state, page, &staff, &id, notice, None, String::new()).await
}

/// After a decision form: back to the return with a notice, or the return with the error.
async fn after(
    state: &AppState,
    page: Page,
    staff: &Staff,
    id: &str,
    done: AppResult<Status>,
    reason: String,
) -> AppResult<Response> {
    match done {
        Ok(s) => {
            Ok(Redirect::to(&format!("/staff/returns/{id}?done={}", s.as_str())).into_response())
        }
        Err(e)
            if e.is_client_error() && !matches!(e.code, "forbidden_role" | "return_not_found") =>
        {
            let msg = crate::web::error_message(page.l, &e);
            let mut res = one_view(state, page, staff, id, None, Some(msg), reason)
                .await?
                .into_response();
            *res.status_mut() = e.status();
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

async fn approve_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let done = approve_return(&state, &staff, &id).await;
    after(&state, page, &staff, &id, done, String::new()).await
}

#[derive(Deserialize)]
struct RejectForm {
    reason: Option<String>,
}

async fn reject_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<RejectForm>,
) -> AppResult<Response> {
    let reason = f.reason.unwrap_or_default();
    let done = reject_return(&state, &staff, &id, &reason)
        .await
        .map(|()| Status::Rejected);
    let kept: String = reason.chars().take(returns::MAX_REJECT_REASON).collect();
    after(&state, page, &staff, &id, done, kept).await
}
