//! JSON API of «Мои данные»: the export and deleting the account.

use crate::auth::sessions::Authenticated;
use crate::error::{AppResult, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export))
        .routes(routes!(delete_me))
}

/// Everything stored about me (152-ФЗ): profile, notification settings and consents, sessions,
/// orders, wallet totals, and under `stored` every row of every table that holds my id
/// (addresses, security history, ledgers, reviews, returns, support requests…), secrets left
/// out. Sent as a file to save (`kabinet-my-data.json`).
#[utoipa::path(get, path = "/me/export", tag = "account", security(("session_cookie" = []), ("bearer" = [])),
    responses((status = 200, body = Object, description = "Everything stored about the customer"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn export(
    State(state): State<AppState>,
    auth: Authenticated,
) -> AppResult<impl IntoResponse> {
    let data = super::export(&state, &auth).await?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"kabinet-my-data.json\"",
        )],
        Json(data),
    ))
}

/// Deletes my account: needs a sign-in at most 15 minutes old and no order on its way. Every
/// session ends at once; names, contacts, addresses, cards, reviews and requests are erased;
/// orders and ledgers stay for accounting without personal data; the phone and email become
/// free (signing in with them again opens a new, empty account). A letter (else an SMS) says so.
#[utoipa::path(delete, path = "/me", tag = "account", operation_id = "delete_me", security(("session_cookie" = []), ("bearer" = [])),
    responses((status = 204, description = "The account is deleted"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 403, body = ErrorBody, description = "`reauth_required`: sign in again (a sign-in at most 15 minutes old is needed)"),
        (status = 409, body = ErrorBody, description = "`orders_in_progress`: an order is still on its way")))]
async fn delete_me(State(state): State<AppState>, auth: Authenticated) -> AppResult<StatusCode> {
    super::delete(&state, &auth).await?;
    Ok(StatusCode::NO_CONTENT)
}
