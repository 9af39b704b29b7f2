//! The staff console's JSON API under `/api/v1/staff` (PRODUCT §5 «Staff»): enrolment,
//! sign-in and sign-out, members and the audit trail. The console's other areas add their
//! calls in their own files (`cases.rs`, `customers.rs`, `orders.rs`, `wares.rs`).

use super::{AuditEntry, Role, Staff};
use crate::customers::Actor;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::{ApiJson, ApiQuery};
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
        .routes(routes!(enrol))
        .routes(routes!(enrol_confirm))
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
        .routes(routes!(me))
        .routes(routes!(members, invite))
        .routes(routes!(set_role))
        .routes(routes!(disable))
        .routes(routes!(resend))
        .routes(routes!(audit))
        .merge(super::cases::api_router())
        .merge(super::customers::api_router())
        .merge(super::orders::api_router())
        .merge(super::returns::api_router())
        .merge(super::reviews::api_router())
        .merge(super::tickets::api_router())
        .merge(super::wares::api_router())
}

/// A list limit from the query: 1–100, default 20.
pub fn limit_of(limit: Option<i64>) -> AppResult<i64> {
    let limit = limit.unwrap_or(20);
    if (1..=100).contains(&limit) {
        Ok(limit)
    } else {
        Err(AppError::bad_request("invalid_limit"))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolBody {
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolAnswer {
    /// `otpauth://totp/Kabinet:email?secret=BASE32&issuer=Kabinet…` (RFC 6238, SHA-1, 6
    /// digits, 30 s).
    pub totp_uri: String,
}

/// Enrolment, step 1: the member's password; answers the authenticator's URI.
#[utoipa::path(post, path = "/staff/enrol/{token}", tag = "staff", operation_id = "staff_enrol",
    params(("token" = String, Path, description = "From the enrolment link")), request_body = EnrolBody,
    responses(
        (status = 200, body = EnrolAnswer, description = "Add this to an authenticator app, then confirm a code"),
        (status = 400, body = ErrorBody, description = "The password breaks the rules (`password_too_short`, …)"),
        (status = 404, body = ErrorBody, description = "`enrolment_link_invalid`: used, expired or unknown")))]
async fn enrol(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiJson(b): ApiJson<EnrolBody>,
) -> AppResult<Json<EnrolAnswer>> {
    let e = super::enrol(&state, &token, &b.password).await?;
    Ok(Json(EnrolAnswer {
        totp_uri: e.totp_uri,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpBody {
    /// The 6-digit code of the authenticator.
    pub totp: String,
}

/// Enrolment, step 2: a code from the authenticator; the link is used up.
#[utoipa::path(post, path = "/staff/enrol/{token}/confirm", tag = "staff", operation_id = "staff_enrol_confirm",
    params(("token" = String, Path, description = "From the enrolment link")), request_body = TotpBody,
    responses(
        (status = 204, description = "Enrolled: sign in with password and a code"),
        (status = 400, body = ErrorBody, description = "`invalid_totp`"),
        (status = 404, body = ErrorBody, description = "`enrolment_link_invalid`"),
        (status = 409, body = ErrorBody, description = "`enrolment_password_first`")))]
async fn enrol_confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
    actor: Actor,
    ApiJson(b): ApiJson<TotpBody>,
) -> AppResult<StatusCode> {
    super::enrol_confirm(&state, &token, &b.totp, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    pub email: String,
    pub password: String,
    pub totp: String,
    pub captcha_id: Option<String>,
    pub captcha_answer: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignedIn {
    /// A staff token: `Authorization: Bearer …` on `/api/v1/staff` only.
    pub token: String,
    pub role: Role,
}

/// Staff sign-in: email, password and a TOTP code (each code works once). Sets the staff
/// cookie too (12 h, 30 min idle).
#[utoipa::path(post, path = "/staff/sessions", tag = "staff", operation_id = "staff_sign_in", request_body = SignInBody,
    responses(
        (status = 200, body = SignedIn, description = "Signed in"),
        (status = 400, body = ErrorBody, description = "`captcha_required`, `invalid_captcha`"),
        (status = 401, body = ErrorBody, description = "`staff_sign_in_failed` (any part wrong, or the code used already)"),
        (status = 429, body = ErrorBody, description = "Too many tries from this address")))]
async fn sign_in(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(b): ApiJson<SignInBody>,
) -> AppResult<Response> {
    let captcha = b.captcha_id.as_deref().zip(b.captcha_answer.as_deref());
    let (token, staff) =
        super::sign_in(&state, &b.email, &b.password, &b.totp, captcha, &actor).await?;
    let cookie = session_cookie(&state, &token);
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(SignedIn {
            token,
            role: staff.role,
        }),
    )
        .into_response())
}

/// The staff cookie: HttpOnly, SameSite=Strict, `__Host-` on https, 12 hours.
pub fn session_cookie(state: &AppState, token: &str) -> axum::http::HeaderValue {
    crate::web::set_cookie(
        state,
        state.staff_cookie_name,
        token,
        Some(super::SESSION_MS / 1000),
        true,
    )
}

/// Ends this staff session.
#[utoipa::path(post, path = "/staff/logout", tag = "staff", operation_id = "staff_sign_out", security(("bearer" = [])),
    responses((status = 204, description = "Signed out"), (status = 401, body = ErrorBody, description = "Not a staff session")))]
async fn sign_out(State(state): State<AppState>, staff: Staff) -> AppResult<Response> {
    super::sign_out(&state, &staff).await?;
    let clear = crate::web::set_cookie(&state, state.staff_cookie_name, "", Some(0), true);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub email: String,
    pub role: Role,
}

/// The signed-in member.
#[utoipa::path(get, path = "/staff/me", tag = "staff", operation_id = "staff_me", security(("bearer" = [])),
    responses((status = 200, body = Me, description = "The member"), (status = 401, body = ErrorBody, description = "Not a staff session")))]
async fn me(staff: Staff) -> Json<Me> {
    Json(Me {
        id: staff.id,
        email: staff.email,
        role: staff.role,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Members {
    pub items: Vec<super::members::MemberView>,
    pub next_cursor: Option<String>,
}

/// Admin: the staff.
#[utoipa::path(get, path = "/staff/members", tag = "staff", operation_id = "staff_members", security(("bearer" = [])),
    responses((status = 200, body = Members, description = "Every member"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`")))]
async fn members(State(state): State<AppState>, staff: Staff) -> AppResult<Json<Members>> {
    Ok(Json(Members {
        items: super::members::list(&state, &staff).await?,
        next_cursor: None,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    pub email: String,
    pub role: Role,
}

/// Admin: adds a member; the enrolment link (24 h) goes to their email.
#[utoipa::path(post, path = "/staff/members", tag = "staff", operation_id = "staff_invite", security(("bearer" = [])), request_body = InviteBody,
    responses((status = 201, description = "Added; the link is emailed"),
        (status = 400, body = ErrorBody, description = "`invalid_email`"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 409, body = ErrorBody, description = "`staff_exists`")))]
async fn invite(
    State(state): State<AppState>,
    staff: Staff,
    locale: Locale,
    ApiJson(b): ApiJson<InviteBody>,
) -> AppResult<StatusCode> {
    super::members::invite(&state, &staff, &b.email, b.role, locale).await?;
    Ok(StatusCode::CREATED)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    pub role: Role,
}

/// Admin: changes another member's role.
#[utoipa::path(post, path = "/staff/members/{id}/role", tag = "staff", operation_id = "staff_set_role", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RoleBody,
    responses((status = 204, description = "Changed"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`staff_not_found`"),
        (status = 409, body = ErrorBody, description = "`staff_self`: not one's own")))]
async fn set_role(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RoleBody>,
) -> AppResult<StatusCode> {
    super::set_role(&state, &staff, &id, b.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Admin: disables another member; their sessions end at once.
#[utoipa::path(post, path = "/staff/members/{id}/disable", tag = "staff", operation_id = "staff_disable", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204, description = "Disabled"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`staff_not_found`"),
        (status = 409, body = ErrorBody, description = "`staff_self`, `staff_disabled`")))]
async fn disable(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    super::disable(&state, &staff, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Admin: emails another member a new enrolment link (24 h), e.g. after a lost authenticator.
#[utoipa::path(post, path = "/staff/members/{id}/enrolment", tag = "staff", operation_id = "staff_resend_enrolment", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204, description = "Sent"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`staff_not_found`"),
        (status = 409, body = ErrorBody, description = "`staff_self`, `staff_disabled`")))]
async fn resend(
    State(state): State<AppState>,
    staff: Staff,
    locale: Locale,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    super::members::resend(&state, &staff, &id, locale).await?;
    Ok(StatusCode::NO_CONTENT)
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
pub struct Audit {
    pub items: Vec<AuditEntry>,
    pub next_cursor: Option<String>,
}

/// Admin: the audit trail, newest first.
#[utoipa::path(get, path = "/staff/audit", tag = "staff", operation_id = "staff_audit", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Audit, description = "A page of the audit trail"),
        (status = 400, body = ErrorBody, description = "`invalid_limit`, `invalid_cursor`"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`")))]
async fn audit(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Json<Audit>> {
    let limit = limit_of(q.limit)?;
    let (items, next_cursor) =
        super::audit_page(&state, &staff, q.cursor.as_deref(), limit).await?;
    Ok(Json(Audit { items, next_cursor }))
}
