//! `GET /api/v1/dev/outbox` (PRODUCT §3): what would have been sent, for local use and tests.
//! 404 when the dev outbox is off, and to any client not on this machine.

use super::{ApiQuery, ClientIp};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::notify::dev::DevItem;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(outbox))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// A phone (any form), an email, or a captcha id.
    pub to: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxList {
    pub items: Vec<DevItem>,
    pub next_cursor: Option<String>,
}

/// Messages to one recipient, oldest first.
#[utoipa::path(get, path = "/dev/outbox", tag = "dev", operation_id = "dev_outbox", params(OutboxQuery),
    responses(
        (status = 200, body = OutboxList, description = "Messages to this recipient, oldest first"),
        (status = 404, body = ErrorBody, description = "The dev outbox is off, or the client is not on this machine")))]
async fn outbox(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<OutboxQuery>,
) -> AppResult<Json<OutboxList>> {
    // Development only, and only for a client on this machine (PRODUCT §5): codes must not be
    // readable by anyone who can reach a test server. A request that came through a proxy
    // (nginx on loopback in front of a development server) is not from this machine.
    let proxied = ["x-forwarded-for", "forwarded", "x-real-ip"]
        .iter()
        .any(|h| headers.contains_key(*h));
    let dev = state
        .notifier
        .dev_outbox()
        .filter(|_| !proxied && (ip.is_loopback() || ip.to_canonical().is_loopback()))
        .ok_or_else(AppError::not_found)?;
    use crate::domain::identity::{Email, Phone};
    let key = Phone::parse(&q.to, &state.config.allowed_countries)
        .map(Phone::into_string)
        .ok()
        .or_else(|| Email::parse(&q.to).map(Email::into_string))
        .unwrap_or_else(|| q.to.trim().to_owned());
    Ok(Json(OutboxList {
        items: dev.for_recipient(&key),
        next_cursor: None,
    }))
}
