//! JSON API of support requests (PRODUCT §5 «Account care»). The staff's calls are in
//! `staff::tickets`.

use super::{Author, Thread, Ticket, TicketStatus};
use crate::customers::Authenticated;
use crate::error::{AppResult, ErrorBody};
use crate::state::AppState;
use crate::web::{ApiJson, ApiQuery};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(mine, create))
        .routes(routes!(one))
        .routes(routes!(reply))
        .routes(routes!(close))
}

/// A list limit: 1–100, default 20.
pub fn limit_of(limit: Option<i64>) -> AppResult<i64> {
    let limit = limit.unwrap_or(20);
    if (1..=100).contains(&limit) {
        Ok(limit)
    } else {
        Err(crate::error::AppError::bad_request("invalid_limit"))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketBody {
    /// 1–200 characters.
    pub subject: String,
    /// 1–4000 characters.
    pub text: String,
    /// One of my orders.
    pub order_number: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketCreated {
    pub id: String,
    pub status: TicketStatus,
}

/// A request without its messages.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketSummary {
    pub id: String,
    pub subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    /// `open` (waiting for the shop), `answered` (the shop answered), `closed`.
    pub status: TicketStatus,
    pub created_at: String,
    /// The latest message or change.
    pub updated_at: String,
}

impl From<Ticket> for TicketSummary {
    fn from(t: Ticket) -> Self {
        TicketSummary {
            id: t.id,
            subject: t.subject,
            order_number: t.order_number,
            status: t.status,
            created_at: crate::clock::rfc3339(t.created_at),
            updated_at: crate::clock::rfc3339(t.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketMessage {
    pub id: String,
    /// `customer` or `staff` (the shop).
    pub author: Author,
    pub text: String,
    pub at: String,
}

/// A request and its messages, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketThread {
    #[serde(flatten)]
    pub ticket: TicketSummary,
    pub messages: Vec<TicketMessage>,
}

impl From<Thread> for TicketThread {
    fn from(t: Thread) -> Self {
        TicketThread {
            ticket: t.ticket.into(),
            messages: t
                .messages
                .into_iter()
                .map(|m| TicketMessage {
                    id: m.id,
                    author: m.author,
                    text: m.text,
                    at: crate::clock::rfc3339(m.at),
                })
                .collect(),
        }
    }
}

/// Write to the shop, optionally about one of my orders.
#[utoipa::path(post, path = "/support/tickets", tag = "support", operation_id = "create_ticket", security(("session_cookie" = []), ("bearer" = [])),
    request_body = TicketBody,
    responses(
        (status = 201, body = TicketCreated, description = "The request is open"),
        (status = 400, body = ErrorBody, description = "`subject_required`, `subject_too_long`, `message_required`, `message_too_long`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`order_not_found`: not one of my orders"),
        (status = 429, body = ErrorBody, description = "`too_many_tickets`: the day's new requests are used up (`Retry-After`)")))]
async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(b): ApiJson<TicketBody>,
) -> AppResult<(StatusCode, Json<TicketCreated>)> {
    let t = super::create(
        &state,
        &auth.customer.id,
        &b.subject,
        &b.text,
        b.order_number.as_deref(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(TicketCreated {
            id: t.id,
            status: t.status,
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Tickets {
    pub items: Vec<TicketSummary>,
    pub next_cursor: Option<String>,
}

/// My requests, the latest change first.
#[utoipa::path(get, path = "/support/tickets", tag = "support", operation_id = "my_tickets", security(("session_cookie" = []), ("bearer" = [])), params(PageQuery),
    responses(
        (status = 200, body = Tickets, description = "A page of my requests"),
        (status = 400, body = ErrorBody, description = "`invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn mine(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Json<Tickets>> {
    let limit = limit_of(q.limit)?;
    let (items, next_cursor) =
        super::mine(&state, &auth.customer.id, q.cursor.as_deref(), limit).await?;
    Ok(Json(Tickets {
        items: items.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}

/// One of my requests with its messages.
#[utoipa::path(get, path = "/support/tickets/{id}", tag = "support", operation_id = "my_ticket", security(("session_cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, body = TicketThread, description = "The thread"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`ticket_not_found` (or another customer's)")))]
async fn one(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> AppResult<Json<TicketThread>> {
    Ok(Json(
        super::thread(&state, &auth.customer.id, &id).await?.into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    /// 1–4000 characters.
    pub text: String,
}

/// Write again in my request: it is open again (waiting for the shop). A closed request takes
/// no messages (409 `ticket_closed`): open a new one.
#[utoipa::path(post, path = "/support/tickets/{id}/messages", tag = "support", operation_id = "reply_ticket", security(("session_cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Request id")), request_body = MessageBody,
    responses(
        (status = 200, body = TicketSummary, description = "Written; the request is open"),
        (status = 400, body = ErrorBody, description = "`message_required`, `message_too_long`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`ticket_not_found` (or another customer's)"),
        (status = 409, body = ErrorBody, description = "`ticket_closed`"),
        (status = 429, body = ErrorBody, description = "`too_many_messages`: the day's messages are used up (`Retry-After`)")))]
async fn reply(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<MessageBody>,
) -> AppResult<Json<TicketSummary>> {
    Ok(Json(
        super::reply(&state, &auth.customer.id, &id, &b.text)
            .await?
            .into(),
    ))
}

/// Close my request.
#[utoipa::path(post, path = "/support/tickets/{id}/close", tag = "support", operation_id = "close_ticket", security(("session_cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Request id")),
    responses(
        (status = 200, body = TicketSummary, description = "Closed"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`ticket_not_found` (or another customer's)"),
        (status = 409, body = ErrorBody, description = "`ticket_closed`: closed already")))]
async fn close(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> AppResult<Json<TicketSummary>> {
    Ok(Json(
        super::close(&state, Some(&auth.customer.id), &id)
            .await?
            .into(),
    ))
}
