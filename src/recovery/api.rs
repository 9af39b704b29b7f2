//! JSON API of recovery (PRODUCT §3).

use super::Evidence;
use crate::auth::api::{CodeValue, FlowStarted};
use crate::customers::Actor;
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
        .routes(routes!(request_link))
        .routes(routes!(phone_code))
        .routes(routes!(complete))
        .routes(routes!(support_request))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryRequest {
    pub email: String,
    pub captcha_id: String,
    pub captcha_answer: String,
}

/// «Забыли пароль?»: always 202 (a wrong captcha is 400 `invalid_captcha`); a known email gets
/// a link valid for an hour.
#[utoipa::path(post, path = "/recovery", tag = "recovery", operation_id = "request_recovery_link",
    request_body = RecoveryRequest,
    responses(
        (status = 202, description = "Accepted; a known email gets a link (the same answer for an unknown one)"),
        (status = 400, body = ErrorBody, description = "`invalid_captcha`, `invalid_email`"),
        (status = 429, body = ErrorBody, description = "`too_many_requests`; with `Retry-After`")))]
async fn request_link(
    State(state): State<AppState>,
    locale: Locale,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<RecoveryRequest>,
) -> AppResult<StatusCode> {
    crate::auth::captcha::redeem(&state, &b.captcha_id, &b.captcha_answer).await?;
    super::request(&state, &b.email, &ip.to_string(), locale).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryPhone {
    pub phone: String,
    /// `sms` or `voice`.
    pub channel: String,
}

/// A code to the NEW phone of a lost-phone recovery.
#[utoipa::path(post, path = "/recovery/{token}/phone", tag = "recovery", operation_id = "recovery_phone_code",
    request_body = RecoveryPhone,
    params(("token" = String, Path, description = "Token from the emailed recovery link")),
    responses(
        (status = 202, body = FlowStarted, description = "Code sent to the new phone"),
        (status = 400, body = ErrorBody, description = "`invalid_phone`, `invalid_channel`, `captcha_required`"),
        (status = 404, body = ErrorBody, description = "Unknown, used or expired token"),
        (status = 409, body = ErrorBody, description = "`voice_needs_sms`: a voice call only after an SMS to the same number; `contact_fixed`: a support case's link brings its own contact"),
        (status = 429, body = ErrorBody, description = "Too many codes; with `Retry-After`")))]
async fn phone_code(
    State(state): State<AppState>,
    locale: Locale,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    ApiJson(b): ApiJson<RecoveryPhone>,
) -> AppResult<(StatusCode, Json<FlowStarted>)> {
    let s = super::phone_code(
        &state,
        &token,
        &b.phone,
        &b.channel,
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoveryComplete {
    pub password: String,
    pub flow_id: Option<String>,
    #[schema(value_type = Option<String>)]
    pub code: Option<CodeValue>,
}

/// Finish: a new password, and with `flow_id` + `code` the new phone replaces the old one; a
/// link a support case sent puts the case's new contact on the account (an email confirmed, or
/// the phone). Every session ends; sign in afterwards.
#[utoipa::path(post, path = "/recovery/{token}/complete", tag = "recovery", operation_id = "complete_recovery",
    request_body = RecoveryComplete,
    params(("token" = String, Path, description = "Token from the emailed recovery link")),
    responses(
        (status = 204, description = "Password set (and phone replaced); every session ended"),
        (status = 400, body = ErrorBody, description = "`code_required`, `invalid_code`, `code_expired`, `password_too_short`, `password_too_long`, `password_common`"),
        (status = 404, body = ErrorBody, description = "Unknown, used or expired token"),
        (status = 409, body = ErrorBody, description = "`contact_taken`: the new contact belongs to another account (the link is not spent); `contact_fixed`: a support case's link takes no phone code")))]
async fn complete(
    State(state): State<AppState>,
    actor: Actor,
    locale: Locale,
    Path(token): Path<String>,
    ApiJson(b): ApiJson<RecoveryComplete>,
) -> AppResult<StatusCode> {
    let code = b.code.as_ref().map(CodeValue::text);
    let phone = match (&b.flow_id, &code) {
        (Some(f), Some(c)) => Some((f.as_str(), c.as_str())),
        (None, None) => None,
        _ => return Err(AppError::bad_request("code_required")),
    };
    super::complete(&state, &token, &b.password, phone, &actor, locale).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupportRequest {
    /// ФИО.
    pub full_name: String,
    pub old_email: String,
    /// A phone or an email to reach the customer now.
    pub new_contact: String,
    pub order_number: Option<String>,
    pub delivery_address: Option<String>,
    pub card_last4: Option<String>,
    #[serde(default)]
    pub comment: String,
    /// Needed when this address sent many requests this hour (`captcha_required`).
    pub captcha_id: Option<String>,
    pub captcha_answer: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseOpened {
    pub id: String,
}

/// Support-assisted recovery: a case with evidence (two of: a recent order number, a delivery
/// address, the card's last 4 digits). Staff answer with a one-time link to the new contact.
#[utoipa::path(post, path = "/support/recovery-requests", tag = "recovery", operation_id = "open_support_recovery_case",
    request_body = SupportRequest,
    responses(
        (status = 202, body = CaseOpened, description = "Case opened; staff will answer at the new contact"),
        (status = 400, body = ErrorBody, description = "`full_name_required`, `invalid_email`, `invalid_contact`, `not_enough_evidence`, `comment_too_long`, `captcha_required`, `invalid_captcha`"),
        (status = 429, body = ErrorBody, description = "Too many requests; with `Retry-After`")))]
async fn support_request(
    State(state): State<AppState>,
    locale: Locale,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<SupportRequest>,
) -> AppResult<(StatusCode, Json<CaseOpened>)> {
    let evidence = Evidence {
        order_number: b.order_number,
        delivery_address: b.delivery_address,
        card_last4: b.card_last4,
    };
    let id = super::open_case(
        &state,
        &b.full_name,
        &b.old_email,
        &b.new_contact,
        evidence,
        &b.comment,
        &ip.to_string(),
        b.captcha_id.as_deref().zip(b.captcha_answer.as_deref()),
        locale,
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(CaseOpened { id })))
}
