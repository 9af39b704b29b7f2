//! JSON API of sign-in and sessions (PRODUCT §3).

use super::codes;
use super::sessions::{self, Authenticated, SessionView};
use super::{Channel, Purpose};
use crate::customers::{Actor, Me};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::{ApiJson, ClientIp};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_code))
        .routes(routes!(verify_code))
        .routes(routes!(no_email_access))
        .routes(routes!(register))
        .routes(routes!(password_sign_in))
        .routes(routes!(new_captcha))
        .routes(routes!(logout))
        .routes(routes!(logout_all))
        .routes(routes!(list_sessions, end_other_sessions))
        .routes(routes!(end_session))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// `sms`, `voice` or `email`.
    pub channel: String,
    /// A phone in any common form, or an email.
    pub to: String,
    /// `login`.
    #[serde(default = "login")]
    pub purpose: String,
    /// Needed when this address asked for many codes this hour (`captcha_required`).
    pub captcha_id: Option<String>,
    pub captcha_answer: Option<String>,
}

fn login() -> String {
    "login".into()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CodeStarted {
    pub flow_id: String,
    /// Seconds until another code may be asked for.
    pub resend_in: i64,
    /// Seconds the code stays valid.
    pub expires_in: i64,
}

/// Ask for a one-time code. The answer is the same for known and unknown contacts.
#[utoipa::path(post, path = "/auth/codes", tag = "auth", operation_id = "request_code",
    request_body = CodeRequest,
    responses(
        (status = 202, body = CodeStarted, description = "Code sent; the same answer for known and unknown contacts"),
        (status = 400, body = ErrorBody, description = "Bad input: `invalid_channel`, `invalid_purpose`, `invalid_phone`, `invalid_email`, `phone_not_supported`, `channel_not_available`, `captcha_required`, `invalid_captcha`"),
        (status = 409, body = ErrorBody, description = "`voice_needs_sms`: a voice call only after an SMS to the same number"),
        (status = 429, body = ErrorBody, description = "`resend_too_soon`, `voice_too_soon`, `too_many_codes`, `too_many_requests`; with `Retry-After`")))]
async fn request_code(
    State(state): State<AppState>,
    locale: Locale,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<CodeRequest>,
) -> AppResult<(StatusCode, Json<CodeStarted>)> {
    let purpose = Purpose::parse_public(&body.purpose)
        .ok_or_else(|| AppError::bad_request("invalid_purpose"))?;
    let channel =
        Channel::parse(&body.channel).ok_or_else(|| AppError::bad_request("invalid_channel"))?;
    let contact = codes::parse_contact(&state, channel, &body.to)?;
    let ip = ip.to_string();
    let captcha = body
        .captcha_id
        .as_deref()
        .zip(body.captcha_answer.as_deref());
    super::volume::guard(&state, super::volume::Volume::Codes, &ip, captcha).await?;
    let s = codes::start(&state, purpose, channel, &contact, &ip, locale).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(CodeStarted {
            flow_id: s.flow_id,
            resend_in: s.resend_in,
            expires_in: s.expires_in,
        }),
    ))
}

/// A code as digits in a string (any spacing) or as a JSON number.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum CodeValue {
    Text(String),
    Number(u64),
}

impl CodeValue {
    pub fn text(&self) -> String {
        match self {
            CodeValue::Text(s) => s.clone(),
            CodeValue::Number(n) => format!("{n:06}"),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    pub flow_id: String,
    #[schema(value_type = String)]
    pub code: CodeValue,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignedInBody {
    /// Session token: send as `Authorization: Bearer <token>`; the same value is set as the cookie.
    pub token: String,
    pub customer: Me,
    /// True when this sign-in opened a new account.
    pub created: bool,
}

/// Enter the code: signs in (opening the account on first sign-in) and sets the session cookie.
#[utoipa::path(post, path = "/auth/codes/verify", tag = "auth", operation_id = "verify_code",
    request_body = VerifyRequest,
    responses(
        (status = 200, body = SignedInBody, description = "Signed in; the session cookie is set too"),
        (status = 400, body = ErrorBody, description = "`invalid_code`, `code_expired`"),
        (status = 409, body = ErrorBody, description = "`email_code_required`: a phone code reached a long-unused account; confirm by email or use `no-email-access`"),
        (status = 429, body = ErrorBody, description = "Code entry locked for this contact; with `Retry-After`")))]
async fn verify_code(
    State(state): State<AppState>,
    actor: Actor,
    locale: Locale,
    ApiJson(body): ApiJson<VerifyRequest>,
) -> AppResult<Response> {
    let s = codes::sign_in(&state, &body.flow_id, &body.code.text(), &actor, locale).await?;
    Ok(signed_in(&state, s))
}

/// The answer to every successful sign-in: the token in the body and as the cookie.
pub fn signed_in(state: &AppState, s: codes::SignedIn) -> Response {
    let cookie = session_cookie(state, &s.token);
    (
        [(header::SET_COOKIE, cookie)],
        Json(SignedInBody {
            token: s.token,
            customer: Me::from(&s.customer),
            created: s.created,
        }),
    )
        .into_response()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowRef {
    pub flow_id: String,
}

/// «Нет доступа к почте»: after `email_code_required` (a phone code reached a long-unused
/// account), detach the number from that account and open a new one with it.
#[utoipa::path(post, path = "/auth/codes/no-email-access", tag = "auth", operation_id = "no_email_access",
    request_body = FlowRef,
    responses(
        (status = 200, body = SignedInBody, description = "Signed in to a new account with this phone"),
        (status = 400, body = ErrorBody, description = "The flow is unknown, expired or not waiting for this step")))]
async fn no_email_access(
    State(state): State<AppState>,
    actor: Actor,
    locale: Locale,
    ApiJson(body): ApiJson<FlowRef>,
) -> AppResult<Response> {
    let s = codes::no_email_access(&state, &body.flow_id, &actor, locale).await?;
    Ok(signed_in(&state, s))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub password: String,
    /// Needed when this address asked for many codes this hour (`captcha_required`).
    pub captcha_id: Option<String>,
    pub captcha_answer: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlowStarted {
    pub flow_id: String,
    pub resend_in: i64,
}

/// Register with a password: a code (and a link) to the email; confirming it with
/// `POST /auth/codes/verify` signs in. The same answer whether or not the email is taken.
#[utoipa::path(post, path = "/auth/register", tag = "auth", operation_id = "register",
    request_body = RegisterRequest,
    responses(
        (status = 202, body = FlowStarted, description = "Code sent to the email (the same answer when the email is taken)"),
        (status = 400, body = ErrorBody, description = "Bad input: `invalid_email`, `name_required`, `invalid_name`, `password_too_short`, `password_too_long`, `password_common`, `captcha_required`, `invalid_captcha`"),
        (status = 429, body = ErrorBody, description = "Too many codes; with `Retry-After`")))]
async fn register(
    State(state): State<AppState>,
    locale: Locale,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<RegisterRequest>,
) -> AppResult<(StatusCode, Json<FlowStarted>)> {
    let s = super::credentials::register(
        &state,
        &b.first_name,
        &b.last_name,
        &b.email,
        &b.password,
        &ip.to_string(),
        b.captcha_id.as_deref().zip(b.captcha_answer.as_deref()),
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
pub struct PasswordRequest {
    /// Email or phone.
    pub login: String,
    pub password: String,
    /// Required after 5 failures in a row (`captcha_required`): from `GET /captcha`.
    pub captcha_id: Option<String>,
    pub captcha_answer: Option<String>,
}

/// Sign in with email or phone and password. Every wrong login or password gets the same
/// `invalid_credentials` answer.
#[utoipa::path(post, path = "/auth/password", tag = "auth", operation_id = "password_sign_in",
    request_body = PasswordRequest,
    responses(
        (status = 200, body = SignedInBody, description = "Signed in; the session cookie is set too"),
        (status = 400, body = ErrorBody, description = "`captcha_required`, `invalid_captcha`"),
        (status = 401, body = ErrorBody, description = "`invalid_credentials`: the same for a wrong login and a wrong password")))]
async fn password_sign_in(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(b): ApiJson<PasswordRequest>,
) -> AppResult<Response> {
    let captcha = b.captcha_id.as_deref().zip(b.captcha_answer.as_deref());
    let s = super::credentials::password_sign_in(&state, &b.login, &b.password, captcha, &actor)
        .await?;
    Ok(signed_in(&state, s))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaptchaBody {
    pub captcha_id: String,
    /// `data:image/png;base64,…`
    pub image: String,
}

/// A new «антиспам-код»: single use, 10 minutes, case-insensitive.
#[utoipa::path(get, path = "/captcha", tag = "auth", operation_id = "new_captcha",
    responses((status = 200, body = CaptchaBody, description = "A new captcha image and its id")))]
async fn new_captcha(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
) -> AppResult<Json<CaptchaBody>> {
    let (captcha_id, image) = super::captcha::issue(&state, &ip.to_string()).await?;
    Ok(Json(CaptchaBody { captcha_id, image }))
}

pub fn session_cookie(state: &AppState, token: &str) -> axum::http::HeaderValue {
    crate::web::set_cookie(
        state,
        state.cookie_name,
        token,
        Some(state.config.limits.session_days * 86_400),
        false,
    )
}

pub fn clear_session_cookie(state: &AppState) -> axum::http::HeaderValue {
    crate::web::set_cookie(state, state.cookie_name, "", Some(0), false)
}

/// Sign out: the session ends on the server; its token gets 401 from then on.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", operation_id = "logout", security(("session_cookie" = []), ("bearer" = [])),
    responses((status = 204, description = "Signed out; the cookie is cleared"), (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn logout(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: Actor,
) -> AppResult<Response> {
    sessions::sign_out(&state, &auth, &actor, sessions::SignOut::This).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, clear_session_cookie(&state))],
    )
        .into_response())
}

/// Sign out everywhere: every session of the customer ends, this one included.
#[utoipa::path(post, path = "/auth/logout-all", tag = "auth", operation_id = "logout_all", security(("session_cookie" = []), ("bearer" = [])),
    responses((status = 204, description = "Every session ended; the cookie is cleared"), (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn logout_all(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: Actor,
) -> AppResult<Response> {
    sessions::sign_out(&state, &auth, &actor, sessions::SignOut::Everywhere).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, clear_session_cookie(&state))],
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    pub items: Vec<SessionView>,
    pub next_cursor: Option<String>,
}

/// The customer's sessions, with `current` marking this one.
#[utoipa::path(get, path = "/sessions", tag = "sessions", operation_id = "list_sessions", security(("session_cookie" = []), ("bearer" = [])),
    responses((status = 200, body = SessionList, description = "The customer's sessions"), (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn list_sessions(
    State(state): State<AppState>,
    auth: Authenticated,
) -> AppResult<Json<SessionList>> {
    Ok(Json(SessionList {
        items: sessions::list(&state, &auth).await?,
        next_cursor: None,
    }))
}

/// End every session but this one.
#[utoipa::path(delete, path = "/sessions", tag = "sessions", operation_id = "end_other_sessions", security(("session_cookie" = []), ("bearer" = [])),
    responses((status = 204, description = "Every other session ended"), (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn end_other_sessions(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: Actor,
) -> AppResult<StatusCode> {
    sessions::end_all(&state, &auth, true).await?;
    let now = state.clock.now_ms();
    crate::customers::log_event(
        crate::db::autocommit(&state.db),
        now,
        &actor,
        Some(&auth.customer.id),
        None,
        "sessions_ended",
        "others",
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End one of the customer's sessions. Another customer's session id is not found (404).
#[utoipa::path(delete, path = "/sessions/{id}", tag = "sessions", operation_id = "end_session", security(("session_cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Session id from `GET /sessions`")),
    responses(
        (status = 204, description = "Session ended (the cookie is cleared when it was this one)"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "No such session of this customer")))]
async fn end_session(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: Actor,
    Path(id): Path<String>,
) -> AppResult<Response> {
    sessions::end(&state, &auth, &id).await?;
    let now = state.clock.now_ms();
    crate::customers::log_event(
        crate::db::autocommit(&state.db),
        now,
        &actor,
        Some(&auth.customer.id),
        None,
        "session_ended",
        "ok",
    )
    .await?;
    if id == auth.session_id {
        return Ok((
            StatusCode::NO_CONTENT,
            [(header::SET_COOKIE, clear_session_cookie(&state))],
        )
            .into_response());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
