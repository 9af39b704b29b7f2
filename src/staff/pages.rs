//! The staff console's pages under `/staff`: sign-in, enrolment, the start page, members and
//! the audit trail. Every form is CSRF-protected (the token is bound to the staff session);
//! the console's other areas add their pages in their own files.

use super::{Area, Role, Staff};
use crate::customers::Actor;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use crate::web::{ApiQuery, DoneQuery};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(home))
        .route("/staff/login", get(login_page).post(login_submit))
        .route("/staff/logout", post(logout))
        .route("/staff/enrol/{token}", get(enrol_page).post(enrol_submit))
        .route("/staff/enrol/{token}/confirm", post(enrol_confirm))
        .route("/staff/members", get(members_page).post(invite_submit))
        .route("/staff/members/{id}/role", post(role_submit))
        .route("/staff/members/{id}/disable", post(disable_submit))
        .route("/staff/members/{id}/enrolment", post(resend_submit))
        .route("/staff/audit", get(audit_page))
        .merge(super::cases::pages_router())
        .merge(super::customers::pages_router())
        .merge(super::orders::pages_router())
        .merge(super::returns::pages_router())
        .merge(super::reviews::pages_router())
        .merge(super::tickets::pages_router())
        .merge(super::wares::pages_router())
}

/// The console's header: who is signed in and which areas their role opens.
#[derive(Debug, Clone)]
pub struct Console {
    pub email: String,
    pub role: Role,
}

impl Console {
    pub fn of(staff: &Staff) -> Self {
        Self {
            email: staff.email.clone(),
            role: staff.role,
        }
    }
    pub fn may(&self, area: &str) -> bool {
        let area = match area {
            "cases" => Area::RecoveryCases,
            "customers" => Area::Customers,
            "orders" => Area::Orders,
            "cards" => Area::CardApplications,
            "reviews" => Area::Reviews,
            "returns" => Area::Returns,
            "tickets" => Area::Tickets,
            "certificates" => Area::Certificates,
            "imports" => Area::Imports,
            "staff" => Area::Staff,
            "audit" => Area::Audit,
            _ => return false,
        };
        self.role.may(area)
    }
    pub fn role_key(&self) -> String {
        format!("staff-role-{}", self.role.as_str())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/home.html")]
struct HomePage {
    page: Page,
    me: Console,
}

async fn home(page: Page, staff: Staff) -> HomePage {
    HomePage {
        page,
        me: Console::of(&staff),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/login.html")]
struct LoginPage {
    page: Page,
    next: String,
    email: String,
    notice: Option<String>,
    error: Option<String>,
    captcha: Option<(String, String)>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    done: Option<String>,
}

/// Where to go after signing in: a console path, else the start page.
fn console_next(next: Option<&str>) -> String {
    next.and_then(crate::web::local_path)
        .filter(|p| p == "/staff" || p.starts_with("/staff/"))
        .unwrap_or_else(|| "/staff".into())
}

async fn login_page(page: Page, ApiQuery(q): ApiQuery<NextQuery>) -> LoginPage {
    LoginPage {
        notice: (q.done.as_deref() == Some("enrolled")).then(|| page.t("staff-enrolled")),
        page,
        next: console_next(q.next.as_deref()),
        email: String::new(),
        error: None,
        captcha: None,
    }
}

#[derive(Deserialize)]
struct LoginForm {
    email: Option<String>,
    password: Option<String>,
    totp: Option<String>,
    captcha_id: Option<String>,
    captcha_answer: Option<String>,
    next: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    page: Page,
    actor: Actor,
    CsrfForm(f): CsrfForm<LoginForm>,
) -> AppResult<Response> {
    let next = console_next(f.next.as_deref());
    let email = f.email.unwrap_or_default();
    let captcha = f.captcha_id.as_deref().zip(f.captcha_answer.as_deref());
    match super::sign_in(
        &state,
        &email,
        f.password.as_deref().unwrap_or(""),
        f.totp.as_deref().unwrap_or(""),
        captcha,
        &actor,
    )
    .await
    {
        Ok((token, _)) => Ok((
            StatusCode::SEE_OTHER,
            [
                (
                    header::SET_COOKIE,
                    super::api::session_cookie(&state, &token),
                ),
                (
                    header::LOCATION,
                    axum::http::HeaderValue::from_str(&next).map_err(AppError::internal)?,
                ),
            ],
        )
            .into_response()),
        Err(e)
            if matches!(
                e.code,
                "staff_sign_in_failed" | "captcha_required" | "invalid_captcha"
            ) =>
        {
            let captcha = if e.code != "staff_sign_in_failed"
                || super::members::needs_captcha(&state, &email, &actor.ip).await?
            {
                Some(crate::auth::captcha::issue(&state, &actor.ip).await?)
            } else {
                None
            };
            let error = Some(crate::web::error_message(page.l, &e));
            Ok(LoginPage {
                page,
                next,
                email,
                notice: None,
                error,
                captcha,
            }
            .into_response())
        }
        Err(e) => Err(e),
    }
}

async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    super::sign_out(&state, &staff).await?;
    let clear = crate::web::set_cookie(&state, state.staff_cookie_name, "", Some(0), true);
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, clear),
            (
                header::LOCATION,
                axum::http::HeaderValue::from_static("/staff/login"),
            ),
        ],
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/enrol.html")]
struct EnrolPage {
    page: Page,
    token: String,
    email: String,
    error: Option<String>,
    /// After the password: the QR code, the URI and the secret to type by hand.
    totp: Option<(String, String, String)>,
}

async fn enrol_page(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
) -> AppResult<EnrolPage> {
    let email = super::members::enrolment_email(&state, &token).await?;
    Ok(EnrolPage {
        page,
        token,
        email,
        error: None,
        totp: None,
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    password: Option<String>,
}

async fn enrol_submit(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> AppResult<EnrolPage> {
    let email = super::members::enrolment_email(&state, &token).await?;
    match super::enrol(&state, &token, f.password.as_deref().unwrap_or("")).await {
        Ok(e) => Ok(EnrolPage {
            totp: Some((crate::web::qr_svg(&e.totp_uri)?, e.totp_uri, e.secret)),
            page,
            token,
            email,
            error: None,
        }),
        Err(e) if e.is_client_error() => Ok(EnrolPage {
            error: Some(crate::web::error_message(page.l, &e)),
            page,
            token,
            email,
            totp: None,
        }),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    totp: Option<String>,
}

async fn enrol_confirm(
    State(state): State<AppState>,
    page: Page,
    actor: Actor,
    Path(token): Path<String>,
    CsrfForm(f): CsrfForm<CodeForm>,
) -> AppResult<Response> {
    match super::enrol_confirm(&state, &token, f.totp.as_deref().unwrap_or(""), &actor).await {
        Ok(()) => Ok(Redirect::to("/staff/login?done=enrolled").into_response()),
        Err(e) if e.code == "invalid_totp" => {
            // The same QR again (the secret already in the app), with the error.
            let pending = super::members::pending_enrolment(&state, &token).await?;
            let email = super::members::enrolment_email(&state, &token).await?;
            let totp = match pending {
                Some(p) => Some((crate::web::qr_svg(&p.totp_uri)?, p.totp_uri, p.secret)),
                None => None,
            };
            let mut res = EnrolPage {
                error: Some(crate::web::error_message(page.l, &e)),
                page,
                token,
                email,
                totp,
            }
            .into_response();
            *res.status_mut() = StatusCode::BAD_REQUEST;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/members.html")]
struct MembersPage {
    page: Page,
    me: Console,
    members: Vec<super::members::MemberView>,
    roles: Vec<&'static str>,
    notice: Option<String>,
    error: Option<String>,
}

async fn members_view(
    state: &AppState,
    page: Page,
    staff: &Staff,
    notice: Option<String>,
    error: Option<String>,
) -> AppResult<MembersPage> {
    Ok(MembersPage {
        members: super::members::list(state, staff).await?,
        me: Console::of(staff),
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        page,
        notice,
        error,
    })
}

async fn members_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    ApiQuery(q): ApiQuery<DoneQuery>,
) -> AppResult<MembersPage> {
    let notice = match q.done.as_deref() {
        Some("invited") => Some(page.t("staff-members-invited")),
        Some("role") => Some(page.t("staff-members-role-changed")),
        Some("disabled") => Some(page.t("staff-members-disabled")),
        Some("resent") => Some(page.t("staff-members-resent")),
        _ => None,
    };
    members_view(&state, page, &staff, notice, None).await
}

#[derive(Deserialize)]
struct InviteForm {
    email: Option<String>,
    role: Option<String>,
}

async fn invite_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    locale: Locale,
    CsrfForm(f): CsrfForm<InviteForm>,
) -> AppResult<Response> {
    let role = f.role.as_deref().and_then(Role::parse);
    let done = match role {
        Some(role) => {
            super::members::invite(
                &state,
                &staff,
                f.email.as_deref().unwrap_or(""),
                role,
                locale,
            )
            .await
        }
        None => Err(AppError::bad_request("invalid_role")),
    };
    after(&state, page, &staff, done, "/staff/members?done=invited").await
}

/// After a members form: back to the list with a notice, or the list with the error.
async fn after(
    state: &AppState,
    page: Page,
    staff: &Staff,
    done: AppResult<()>,
    to: &str,
) -> AppResult<Response> {
    match done {
        Ok(()) => Ok(Redirect::to(to).into_response()),
        Err(e) if e.is_client_error() && e.code != "forbidden_role" => {
            let msg = crate::web::error_message(page.l, &e);
            let mut res = members_view(state, page, staff, None, Some(msg))
                .await?
                .into_response();
            *res.status_mut() = e.status();
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct RoleForm {
    role: Option<String>,
}

async fn role_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<RoleForm>,
) -> AppResult<Response> {
    let done = match f.role.as_deref().and_then(Role::parse) {
        Some(role) => super::set_role(&state, &staff, &id, role).await,
        None => Err(AppError::bad_request("invalid_role")),
    };
    after(&state, page, &staff, done, "/staff/members?done=role").await
}

async fn disable_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let done = super::disable(&state, &staff, &id).await;
    after(&state, page, &staff, done, "/staff/members?done=disabled").await
}

async fn resend_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    locale: Locale,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let done = super::members::resend(&state, &staff, &id, locale).await;
    after(&state, page, &staff, done, "/staff/members?done=resent").await
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/audit.html")]
struct AuditPage {
    page: Page,
    me: Console,
    items: Vec<super::AuditEntry>,
    next: Option<String>,
}

impl AuditPage {
    /// An action in words («Вход», «Роль изменена»), or as stored when it has none.
    fn label(&self, action: &str) -> String {
        let key = format!("staff-action-{action}");
        if self.page.l.has(&key) {
            self.page.t(&key)
        } else {
            action.to_owned()
        }
    }
}

#[derive(Deserialize)]
struct CursorQuery {
    cursor: Option<String>,
}

async fn audit_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    ApiQuery(q): ApiQuery<CursorQuery>,
) -> AppResult<AuditPage> {
    let (items, next) = super::audit_page(&state, &staff, q.cursor.as_deref(), 50).await?;
    Ok(AuditPage {
        page,
        me: Console::of(&staff),
        items,
        next,
    })
}
