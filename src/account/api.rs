//! JSON API of the account.

use super::Me;
use crate::app::AppState;
use crate::auth::sessions::Authenticated;
use crate::error::ErrorBody;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

/// The signed-in customer.
#[utoipa::path(get, path = "/me", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn me(auth: Authenticated) -> Json<Me> {
    Json(Me::from(&auth.customer))
}
