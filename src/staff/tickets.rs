//! The console's support requests (issue 13): the queue (open first, the longest waiting on
//! top), a request's thread with an answer form (the customer is told), closing. The rules are
//! `support`'s; this file checks the role and writes the audit trail (reading a thread too:
//! it shows what a customer wrote).

use super::api::limit_of;
use super::pages::Console;
use super::{Area, Staff};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use crate::support::api::{MessageBody, TicketSummary, TicketThread};
use crate::support::{Author, Thread, Ticket, TicketStatus};
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
        .routes(routes!(queue_api))
        .routes(routes!(one_api))
        .routes(routes!(answer_api))
        .routes(routes!(close_api))
}

pub fn pages_router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/staff/tickets", get(queue_page))
        .route("/staff/tickets/{id}", get(one_page))
        .route("/staff/tickets/{id}/messages", post(answer_submit))
        .route("/staff/tickets/{id}/close", post(close_submit))
}

// ---- Rules ----

/// `None`: any status; blank → open.
fn status_of(s: Option<&str>) -> AppResult<Option<TicketStatus>> {
    match s.map(str::trim) {
        None | Some("") => Ok(Some(TicketStatus::Open)),
        Some("any") => Ok(None),
        Some(s) => TicketStatus::parse(s)
            .map(Some)
            .ok_or_else(|| AppError::bad_request("invalid_ticket_status")),
    }
}

pub async fn queue(
    state: &AppState,
    staff: &Staff,
    status: Option<TicketStatus>,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Ticket>, Option<String>)> {
    staff.require(Area::Tickets)?;
    crate::support::queue(state, status, cursor, limit).await
}

pub async fn view(state: &AppState, staff: &Staff, id: &str) -> AppResult<Thread> {
    staff.require(Area::Tickets)?;
    let t = crate::support::any_thread(state, id).await?;
    super::audit(state, staff, "ticket_viewed", &t.ticket.id, "").await?;
    Ok(t)
}

pub async fn answer(state: &AppState, staff: &Staff, id: &str, text: &str) -> AppResult<Ticket> {
    staff.require(Area::Tickets)?;
    let t = crate::support::answer(state, &staff.id, id, text).await?;
    super::audit(state, staff, "ticket_answered", &t.id, "").await?;
    Ok(t)
}

pub async fn close(state: &AppState, staff: &Staff, id: &str) -> AppResult<Ticket> {
    staff.require(Area::Tickets)?;
    let t = crate::support::close(state, None, id).await?;
    super::audit(state, staff, "ticket_closed", &t.id, "").await?;
    Ok(t)
}

// ---- API ----

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `open` (default), `answered`, `closed` or `any`.
    pub status: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketQueue {
    pub items: Vec<TicketSummary>,
    pub next_cursor: Option<String>,
}

/// Support, admin: requests in a status (open by default), the longest waiting first.
#[utoipa::path(get, path = "/staff/tickets", tag = "staff", operation_id = "staff_tickets", security(("bearer" = [])), params(QueueQuery),
    responses((status = 200, body = TicketQueue, description = "A page of the queue"),
        (status = 400, body = ErrorBody, description = "`invalid_ticket_status`, `invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`")))]
async fn queue_api(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> AppResult<Json<TicketQueue>> {
    let limit = limit_of(q.limit)?;
    let status = status_of(q.status.as_deref())?;
    let (items, next_cursor) = queue(&state, &staff, status, q.cursor.as_deref(), limit).await?;
    Ok(Json(TicketQueue {
        items: items.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}

/// Support, admin: a request with its messages (the reading is audited).
#[utoipa::path(get, path = "/staff/tickets/{id}", tag = "staff", operation_id = "staff_ticket", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = TicketThread, description = "The thread"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`ticket_not_found`")))]
async fn one_api(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<Json<TicketThread>> {
    Ok(Json(view(&state, &staff, &id).await?.into()))
}

/// Support, admin: answer a request; it becomes `answered` and the customer is told.
#[utoipa::path(post, path = "/staff/tickets/{id}/messages", tag = "staff", operation_id = "staff_ticket_answer", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")), request_body = MessageBody,
    responses((status = 200, body = TicketSummary, description = "Answered"),
        (status = 400, body = ErrorBody, description = "`message_required`, `message_too_long`"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`ticket_not_found`"),
        (status = 409, body = ErrorBody, description = "`ticket_closed`")))]
async fn answer_api(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<MessageBody>,
) -> AppResult<Json<TicketSummary>> {
    Ok(Json(answer(&state, &staff, &id, &b.text).await?.into()))
}

/// Support, admin: close a request.
#[utoipa::path(post, path = "/staff/tickets/{id}/close", tag = "staff", operation_id = "staff_ticket_close", security(("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses((status = 200, body = TicketSummary, description = "Closed"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`ticket_not_found`"),
        (status = 409, body = ErrorBody, description = "`ticket_closed`: closed already")))]
async fn close_api(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<Json<TicketSummary>> {
    Ok(Json(close(&state, &staff, &id).await?.into()))
}

// ---- Pages ----

#[derive(Template, WebTemplate)]
#[template(path = "staff/tickets.html")]
struct QueuePage {
    page: Page,
    me: Console,
    /// `open`, `answered`, `closed` or `any`.
    status: String,
    items: Vec<Ticket>,
    next: Option<String>,
}

impl QueuePage {
    fn filters(&self) -> [&'static str; 4] {
        ["open", "answered", "closed", "any"]
    }
    fn more_link(&self, cursor: &str) -> String {
        url::form_urlencoded::Serializer::new("/staff/tickets?".to_owned())
            .append_pair("status", &self.status)
            .append_pair("cursor", cursor)
            .finish()
    }
}

#[derive(Deserialize)]
struct QueueForm {
    status: Option<String>,
    cursor: Option<String>,
}

async fn queue_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    ApiQuery(f): ApiQuery<QueueForm>,
) -> AppResult<QueuePage> {
    let status = status_of(f.status.as_deref())?;
    let (items, next) = queue(&state, &staff, status, f.cursor.as_deref(), 50).await?;
    Ok(QueuePage {
        me: Console::of(&staff),
        page,
        status: status.map_or("any", TicketStatus::as_str).to_owned(),
        items,
        next,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/tickets_one.html")]
struct OnePage {
    page: Page,
    me: Console,
    t: Thread,
    notice: Option<String>,
    error: Option<String>,
    text: String,
}

impl OnePage {
    fn by_shop(&self, a: &Author) -> bool {
        *a == Author::Staff
    }
    fn closed(&self) -> bool {
        self.t.ticket.status == TicketStatus::Closed
    }
    fn status_key(&self) -> String {
        format!("ticket-status-{}", self.t.ticket.status.as_str())
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn one_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DoneQuery>,
) -> AppResult<OnePage> {
    let t = view(&state, &staff, &id).await?;
    let notice = match q.done.as_deref() {
        Some("answered") => Some(page.t("staff-ticket-answered")),
        Some("closed") => Some(page.t("ticket-done-closed")),
        _ => None,
    };
    Ok(OnePage {
        me: Console::of(&staff),
        page,
        t,
        notice,
        error: None,
        text: String::new(),
    })
}

#[derive(Deserialize)]
struct AnswerForm {
    text: Option<String>,
}

async fn answer_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<AnswerForm>,
) -> AppResult<Response> {
    let text = f.text.unwrap_or_default();
    match answer(&state, &staff, &id, &text).await {
        Ok(_) => Ok(Redirect::to(&format!("/staff/tickets/{id}?done=answered")).into_response()),
        Err(e)
            if e.is_client_error()
                && !matches!(
                    e.code,
                    "forbidden_role" | "ticket_not_found" | "unauthorized"
                ) =>
        {
            let status = e.status();
            let error = Some(crate::web::error_message(page.l, &e));
            let t = crate::support::any_thread(&state, &id).await?;
            let mut res = OnePage {
                me: Console::of(&staff),
                page,
                t,
                notice: None,
                error,
                text,
            }
            .into_response();
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn close_submit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    match close(&state, &staff, &id).await {
        Ok(_) => Ok(Redirect::to(&format!("/staff/tickets/{id}?done=closed")).into_response()),
        Err(e) if e.code == "ticket_closed" => {
            Ok(Redirect::to(&format!("/staff/tickets/{id}")).into_response())
        }
        Err(e) => Err(e),
    }
}
