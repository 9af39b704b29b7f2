//! The console's wares (API and pages).

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}

pub fn pages_router() -> axum::Router<AppState> {
    axum::Router::new()
}
