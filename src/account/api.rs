//! JSON API of the account: profile, contacts, password, security log.

use super::contacts::{self, NamesPatch};
use super::{Actor, Me, SecurityEvent};
use crate::auth::api::{CodeValue, FlowStarted};
use crate::auth::sessions::Authenticated;
use crate::auth::{Channel, credentials};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::{ApiJson, ClientIp};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me, patch_me))
        .routes(routes!(change_email))
        .routes(routes!(change_phone))
        .routes(routes!(confirm_email))
        .routes(routes!(confirm_phone))
        .routes(routes!(set_password))
        .routes(routes!(security_events))
        .routes(routes!(revert_change))
        .routes(routes!(notifications, put_notifications))
}

/// Which channels each kind of notice goes by («Уведомления»). Orders and support answers go
/// by SMS and email until changed; promotions only after the customer turns them on.
#[utoipa::path(get, path = "/me/notifications", tag = "account", security(("session_cookie" = []), ("bearer" = [])),
    responses((status = 200, body = crate::customers::notices::Settings, description = "The settings"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn notifications(
    State(state): State<AppState>,
    auth: Authenticated,
) -> AppResult<Json<crate::customers::notices::Settings>> {
    Ok(Json(
        crate::customers::notices::settings(&state.db, &auth.customer.id).await?,
    ))
}

/// Changes the notification settings; topics and channels left out stay as they are.
/// Turning promotions on records the consent (38-ФЗ) in the security log, turning them off
/// withdraws it.
#[utoipa::path(put, path = "/me/notifications", tag = "account", security(("session_cookie" = []), ("bearer" = [])),
    request_body = crate::customers::notices::SettingsChange,
    responses((status = 200, body = crate::customers::notices::Settings, description = "The settings now"),
        (status = 400, body = ErrorBody, description = "`security_notices_required` (security notices cannot be switched off), `invalid_json`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn put_notifications(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: Actor,
    ApiJson(change): ApiJson<crate::customers::notices::SettingsChange>,
) -> AppResult<Json<crate::customers::notices::Settings>> {
    Ok(Json(
        crate::customers::notices::change(&state, &auth.customer.id, &change, &actor).await?,
    ))
}

/// The signed-in customer.
#[utoipa::path(get, path = "/me", tag = "account", operation_id = "get_me", security(("session_cookie" = []), ("bearer" = [])),
    responses((status = 200, body = Me, description = "The customer's profile"), (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn me(auth: Authenticated) -> Json<Me> {
    Json(Me::from(&auth.customer))
}

/// Change names and the form of address (no confirmation needed).
#[utoipa::path(patch, path = "/me", tag = "account", operation_id = "patch_me", security(("session_cookie" = []), ("bearer" = [])),
    request_body = NamesPatch,
    responses(
        (status = 200, body = Me, description = "The updated profile"),
        (status = 400, body = ErrorBody, description = "`name_required`, `invalid_name`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn patch_me(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: Actor,
    ApiJson(patch): ApiJson<NamesPatch>,
) -> AppResult<Json<Me>> {
    let c = contacts::update_names(&state, &auth, &patch, &actor).await?;
    Ok(Json(Me::from(&c)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailChange {
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneChange {
    pub phone: String,
    /// `sms` (default) or `voice`.
    #[serde(default)]
    pub channel: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeConfirm {
    pub flow_id: String,
    #[schema(value_type = String)]
    pub code: CodeValue,
}

/// A new email: needs a sign-in ≤ 15 min old (`reauth_required`); the code goes to the new
/// address; a taken address is refused (`contact_taken`) without saying whose.
#[utoipa::path(post, path = "/me/email", tag = "account", operation_id = "change_email", security(("session_cookie" = []), ("bearer" = [])),
    request_body = EmailChange,
    responses(
        (status = 202, body = FlowStarted, description = "Code sent to the new address"),
        (status = 400, body = ErrorBody, description = "`invalid_email`, `contact_unchanged`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 403, body = ErrorBody, description = "`reauth_required`: sign in again (a sign-in at most 15 minutes old is needed)"),
        (status = 409, body = ErrorBody, description = "`contact_taken`, `contact_change_on_hold`"),
        (status = 429, body = ErrorBody, description = "Too many codes; with `Retry-After`")))]
async fn change_email(
    State(state): State<AppState>,
    auth: Authenticated,
    locale: Locale,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<EmailChange>,
) -> AppResult<(StatusCode, Json<FlowStarted>)> {
    let s = contacts::start_change(
        &state,
        &auth,
        Channel::Email,
        &b.email,
        &ip.to_string(),
        locale,
    )
    .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(FlowStarted {
            flow_id: s.flow_id,
            resend_in: s.resend_in,
        }),
    ))
}

/// A new phone: as for email, the code by SMS or a call to the new number.
#[utoipa::path(post, path = "/me/phone", tag = "account", operation_id = "change_phone", security(("session_cookie" = []), ("bearer" = [])),
    request_body = PhoneChange,
    responses(
        (status = 202, body = FlowStarted, description = "Code sent to the new number"),
        (status = 400, body = ErrorBody, description = "`invalid_phone`, `invalid_channel`, `contact_unchanged`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 403, body = ErrorBody, description = "`reauth_required`: sign in again (a sign-in at most 15 minutes old is needed)"),
        (status = 409, body = ErrorBody, description = "`contact_taken`, `contact_change_on_hold`"),
        (status = 429, body = ErrorBody, description = "Too many codes; with `Retry-After`")))]
async fn change_phone(
    State(state): State<AppState>,
    auth: Authenticated,
    locale: Locale,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<PhoneChange>,
) -> AppResult<(StatusCode, Json<FlowStarted>)> {
    let channel = match b.channel.as_deref().unwrap_or("sms") {
        "sms" => Channel::Sms,
        "voice" => Channel::Voice,
        _ => return Err(AppError::bad_request("invalid_channel")),
    };
    let s =
        contacts::start_change(&state, &auth, channel, &b.phone, &ip.to_string(), locale).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(FlowStarted {
            flow_id: s.flow_id,
            resend_in: s.resend_in,
        }),
    ))
}

/// Confirm the new email with its code; the old address gets an «Это был не я» link.
#[utoipa::path(post, path = "/me/email/confirm", tag = "account", operation_id = "confirm_email", security(("session_cookie" = []), ("bearer" = [])),
    request_body = CodeConfirm,
    responses(
        (status = 204, description = "The new email is the account's"),
        (status = 400, body = ErrorBody, description = "`invalid_code`, `code_expired`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 409, body = ErrorBody, description = "`contact_taken`: the address was taken meanwhile")))]
async fn confirm_email(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: Actor,
    locale: Locale,
    ApiJson(b): ApiJson<CodeConfirm>,
) -> AppResult<StatusCode> {
    contacts::confirm_change(
        &state,
        &auth,
        false,
        &b.flow_id,
        &b.code.text(),
        &actor,
        locale,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Confirm the new phone with its code; the old number gets an «Это был не я» link.
#[utoipa::path(post, path = "/me/phone/confirm", tag = "account", operation_id = "confirm_phone", security(("session_cookie" = []), ("bearer" = [])),
    request_body = CodeConfirm,
    responses(
        (status = 204, description = "The new phone is the account's"),
        (status = 400, body = ErrorBody, description = "`invalid_code`, `code_expired`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 409, body = ErrorBody, description = "`contact_taken`: the number was taken meanwhile")))]
async fn confirm_phone(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: Actor,
    locale: Locale,
    ApiJson(b): ApiJson<CodeConfirm>,
) -> AppResult<StatusCode> {
    contacts::confirm_change(
        &state,
        &auth,
        true,
        &b.flow_id,
        &b.code.text(),
        &actor,
        locale,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    pub password: String,
}

/// Set or change the password (sign-in ≤ 15 min old). Other sessions end.
#[utoipa::path(post, path = "/me/password", tag = "account", operation_id = "set_password", security(("session_cookie" = []), ("bearer" = [])),
    request_body = NewPassword,
    responses(
        (status = 204, description = "Password set; other sessions ended"),
        (status = 400, body = ErrorBody, description = "`password_too_short`, `password_too_long`, `password_common`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 403, body = ErrorBody, description = "`reauth_required`: sign in again (a sign-in at most 15 minutes old is needed)")))]
async fn set_password(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: Actor,
    locale: Locale,
    ApiJson(b): ApiJson<NewPassword>,
) -> AppResult<StatusCode> {
    credentials::set_password(&state, &auth, &b.password, &actor, locale).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<SecurityEvent>,
    pub next_cursor: Option<String>,
}

/// The security log of the last 90 days, newest first.
#[utoipa::path(get, path = "/me/security-events", tag = "account", operation_id = "list_security_events", security(("session_cookie" = []), ("bearer" = [])),
    responses((status = 200, body = EventList, description = "Security events, newest first"), (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn security_events(
    State(state): State<AppState>,
    auth: Authenticated,
) -> AppResult<Json<EventList>> {
    let items = super::recent_events(&state.db, &auth.customer.id, state.clock.now_ms()).await?;
    Ok(Json(EventList {
        items,
        next_cursor: None,
    }))
}

/// «Это был не я»: the token from the notice puts the old contact back, removes a password set
/// since the change, voids recovery links and ends every session.
#[utoipa::path(post, path = "/contact-changes/{token}/revert", tag = "account", operation_id = "revert_contact_change",
    params(("token" = String, Path, description = "Token from the «Это был не я» notice")),
    responses(
        (status = 204, description = "The old contact is back and every session ended"),
        (status = 404, body = ErrorBody, description = "Unknown, used or expired token")))]
async fn revert_change(
    State(state): State<AppState>,
    actor: Actor,
    Path(token): Path<String>,
) -> AppResult<StatusCode> {
    contacts::revert(&state, &token, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
