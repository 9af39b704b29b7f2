//! JSON API of returns (PRODUCT §5 «Account care»): `POST /returns`, `GET /returns`.

use super::Return;
use crate::customers::Authenticated;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use crate::web::{ApiJson, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBody {
    /// A received order of mine.
    pub order_number: String,
    /// A line of that order.
    pub product_id: String,
    /// 1 to what was bought less what is requested or returned already.
    pub quantity: i64,
    /// `defect`, `wrong_item`, `not_as_described`, `changed_mind`, `other` — or the
    /// customer's own words (kept as the comment, with reason `other`), up to 500 characters.
    pub reason: String,
    /// Optional words of the customer, up to 1 000 characters.
    #[serde(default)]
    pub comment: Option<String>,
    /// `card` (back to the card, wallet or СБП that paid the order) or `balance`.
    pub refund_to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Requested {
    pub id: String,
    /// `requested`; under the auto-approve threshold (`returns.auto_approve_below`) the request
    /// is decided at once: `refunded` (or `approved` while the card's refund waits).
    pub status: super::Status,
}

/// Asks to return goods of a received order, within the return window (30 days).
#[utoipa::path(post, path = "/returns", tag = "returns", operation_id = "request_return",
    security(("session_cookie" = []), ("bearer" = [])), request_body = ReturnBody,
    responses(
        (status = 201, body = Requested, description = "Requested (or decided at once under the auto-approve threshold)"),
        (status = 400, body = ErrorBody, description = "`invalid_return_quantity`, `invalid_refund_to`, `return_reason_required`, `reason_too_long`, `comment_too_long`, `text_has_html`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`order_not_found` (also another customer's order), `product_not_in_order`"),
        (status = 409, body = ErrorBody, description = "`order_not_received`, `return_window_closed`, `return_quantity_exceeded`, `card_refund_unavailable` (no card, wallet or СБП paid the order), `card_refund_exceeded` (the card's part left is less than the money)")))]
async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(b): ApiJson<ReturnBody>,
) -> AppResult<(StatusCode, Json<Requested>)> {
    let r = super::request(
        &state,
        &auth.customer.id,
        super::Request {
            order_number: &b.order_number,
            product_id: &b.product_id,
            quantity: b.quantity,
            reason: &b.reason,
            comment: b.comment.as_deref(),
            refund_to: &b.refund_to,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Requested {
            id: r.id,
            status: r.status,
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnsQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnList {
    pub items: Vec<Return>,
    pub next_cursor: Option<String>,
}

/// «Возвраты»: my returns, newest first, with status, amount, where the money goes and the
/// reject reason.
#[utoipa::path(get, path = "/returns", tag = "returns", operation_id = "list_returns",
    security(("session_cookie" = []), ("bearer" = [])), params(ReturnsQuery),
    responses(
        (status = 200, body = ReturnList, description = "A page of my returns"),
        (status = 400, body = ErrorBody, description = "`invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<ReturnsQuery>,
) -> AppResult<Json<ReturnList>> {
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::bad_request("invalid_limit"));
    }
    let (items, next_cursor) =
        super::mine(&state, &auth.customer.id, q.cursor.as_deref(), limit).await?;
    Ok(Json(ReturnList { items, next_cursor }))
}
