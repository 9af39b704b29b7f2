//! JSON API of the balance and gift certificates (PRODUCT §5 «Wallet»).

use crate::balance::EntryKind;
use crate::customers::Authenticated;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use crate::web::{ApiJson, ApiQuery};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(balance))
        .routes(routes!(history))
        .routes(routes!(activate))
}

/// «Баланс средств»: money on the account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Balance {
    /// Kopecks the customer may spend on orders.
    pub balance: i64,
}

/// What the customer may spend from the account balance.
#[utoipa::path(get, path = "/balance", tag = "balance", operation_id = "get_balance", security(("session_cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Balance, description = "The customer's balance"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn balance(State(state): State<AppState>, auth: Authenticated) -> AppResult<Json<Balance>> {
    let b = crate::balance::balance(&state.db, &auth.customer.id).await?;
    Ok(Json(Balance { balance: b.get() }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceHistoryItem {
    /// RFC 3339, UTC.
    pub at: String,
    /// Signed kopecks: certificates, refunds and cancelled orders in (positive), orders out.
    pub amount: i64,
    pub kind: EntryKind,
    /// What it refers to: a certificate's masked number (`KABN-••••-••••-567X`) or an
    /// order's number.
    pub reference: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceHistory {
    pub items: Vec<BalanceHistoryItem>,
    pub next_cursor: Option<String>,
}

/// How money came onto the balance and went off it, newest first.
#[utoipa::path(get, path = "/balance/history", tag = "balance", operation_id = "balance_history", security(("session_cookie" = []), ("bearer" = [])), params(Page),
    responses(
        (status = 200, body = BalanceHistory, description = "A page of the balance history, newest first"),
        (status = 400, body = ErrorBody, description = "`invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn history(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(p): ApiQuery<Page>,
) -> AppResult<Json<BalanceHistory>> {
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::bad_request("invalid_limit"));
    }
    let (entries, next_cursor) =
        crate::balance::history(&state.db, &auth.customer.id, p.cursor.as_deref(), limit).await?;
    Ok(Json(BalanceHistory {
        items: entries
            .into_iter()
            .map(|e| BalanceHistoryItem {
                at: crate::clock::rfc3339(e.at),
                amount: e.amount.get(),
                kind: e.kind,
                reference: e.reference,
            })
            .collect(),
        next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivateBody {
    /// The number (`XXXX-XXXX-XXXX-XXXX` in any spacing or case) or the code word
    /// (`подарок-радуга-чайник-сказка`).
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivatedCertificate {
    /// The face value credited, kopecks.
    pub amount: i64,
    /// The balance after the credit, kopecks.
    pub balance: i64,
    /// The certificate's masked number, as the history names it.
    pub certificate: String,
}

/// Activates a gift certificate: its face value goes onto the balance, exactly once.
#[utoipa::path(post, path = "/gift-certificates/activate", tag = "balance", operation_id = "activate_gift_certificate", security(("session_cookie" = []), ("bearer" = [])),
    request_body = ActivateBody,
    responses(
        (status = 200, body = ActivatedCertificate, description = "Credited to the balance"),
        (status = 400, body = ErrorBody, description = "`invalid_certificate` (unknown, used or expired: one answer for all three; counts as a failure), `certificate_typo` (a wrong check character, length or word: not counted), `certificate_code_required`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 429, body = ErrorBody, description = "`too_many_certificate_attempts`: 10 failures this hour (`Retry-After`)")))]
async fn activate(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(b): ApiJson<ActivateBody>,
) -> AppResult<Json<ActivatedCertificate>> {
    let a = super::activate(&state, &auth.customer.id, &b.code).await?;
    Ok(Json(ActivatedCertificate {
        amount: a.amount.get(),
        balance: a.balance.get(),
        certificate: a.masked,
    }))
}
