//! Sign-in pages: «Войти» (phone, or «Войти по почте»), then «Код» + «Войти», resend with a
//! countdown, «Позвонить». Everything works with plain forms; JS only runs the countdowns.

use super::codes::{self, FlowView};
use super::sessions::MaybeAuthenticated;
use super::volume::{self, Volume};
use super::{Channel, Purpose};
use crate::customers::Actor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use crate::web::{ApiQuery, ClientIp, error_message};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/login/code", get(code_page).post(code_submit))
        .route("/login/resend", post(resend))
        .route("/login/call", post(call))
        .route("/login/no-email", post(no_email))
        .route("/login/password", post(password_submit))
        .route("/register", get(register_page).post(register_submit))
        .route("/register/confirm", get(register_confirm_page))
        .route("/logout", post(logout))
}

/// Only local paths may be redirect targets.
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(crate::web::local_path)
        .unwrap_or_else(|| "/account".to_owned())
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
struct LoginPage {
    page: Page,
    /// `phone`, `email` or `password`.
    by: &'static str,
    value: String,
    next: String,
    next_encoded: String,
    error: Option<String>,
    /// (id, image) when the password form needs an «Антиспам-код».
    captcha: Option<(String, String)>,
}

impl LoginPage {
    fn new(
        page: Page,
        by: &'static str,
        value: String,
        next: String,
        error: Option<String>,
    ) -> Self {
        Self {
            page,
            by,
            value,
            next_encoded: encode(&next),
            next,
            error,
            captcha: None,
        }
    }
}

fn by_of(by: Option<&str>) -> &'static str {
    match by {
        Some("email") => "email",
        Some("password") => "password",
        _ => "phone",
    }
}

#[derive(Deserialize)]
struct LoginQuery {
    by: Option<String>,
    next: Option<String>,
}

async fn login_page(
    page: Page,
    auth: MaybeAuthenticated,
    ApiQuery(q): ApiQuery<LoginQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    if auth.0.is_some() {
        return Redirect::to(&next).into_response();
    }
    LoginPage::new(page, by_of(q.by.as_deref()), String::new(), next, None).into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    by: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    next: Option<String>,
    captcha_id: Option<String>,
    captcha_answer: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    page: Page,
    ClientIp(ip): ClientIp,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Response {
    let by = if form.by.as_deref() == Some("email") {
        "email"
    } else {
        "phone"
    };
    let (channel, raw) = if by == "email" {
        (Channel::Email, form.email.unwrap_or_default())
    } else {
        (Channel::Sms, form.phone.unwrap_or_default())
    };
    let next = safe_next(form.next.as_deref());
    let ip = ip.to_string();
    let captcha = form
        .captcha_id
        .as_deref()
        .zip(form.captcha_answer.as_deref());
    let started = async {
        let contact = codes::parse_contact(&state, channel, &raw)?;
        volume::guard(&state, Volume::Codes, &ip, captcha).await?;
        codes::start(&state, Purpose::Login, channel, &contact, &ip, page.l).await
    }
    .await;
    match started {
        Ok(s) => Redirect::to(&code_page_url(&s.flow_id, &next)).into_response(),
        Err(e) => match captcha_after(&state, &e, &ip).await {
            Ok(captcha) => form_error(page, by, raw, next, &e, captcha),
            Err(e) => e.into_response(),
        },
    }
}

/// The sign-in form again, with the error and the address it should be reloaded from.
fn form_error(
    mut page: Page,
    by: &'static str,
    value: String,
    next: String,
    e: &AppError,
    captcha: Option<(String, String)>,
) -> Response {
    let q = if by == "phone" {
        String::new()
    } else {
        format!("by={by}&")
    };
    page.here = format!("/login?{q}next={}", encode(&next));
    let msg = error_message(page.l, e);
    let mut p = LoginPage::new(page, by, value, next, Some(msg));
    p.captcha = captcha;
    let mut res = p.into_response();
    *res.status_mut() = e.status();
    res
}

#[derive(Deserialize)]
struct PasswordForm {
    login: Option<String>,
    password: Option<String>,
    captcha_id: Option<String>,
    captcha_answer: Option<String>,
    next: Option<String>,
}

async fn password_submit(
    State(state): State<AppState>,
    page: Page,
    actor: Actor,
    headers: axum::http::HeaderMap,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    let login = form.login.unwrap_or_default();
    let captcha = form
        .captcha_id
        .as_deref()
        .zip(form.captcha_answer.as_deref());
    match super::credentials::password_sign_in(
        &state,
        &login,
        form.password.as_deref().unwrap_or(""),
        captcha,
        &actor,
    )
    .await
    {
        Ok(s) => signed_in_redirect(&state, &headers, &s, &next).await,
        Err(e) => {
            let captcha = if matches!(e.code, "captcha_required" | "invalid_captcha")
                || super::credentials::needs_captcha(&state, &login, &actor.ip).await?
            {
                Some(super::captcha::issue(&state, &actor.ip).await?)
            } else {
                None
            };
            Ok(form_error(page, "password", login, next, &e, captcha))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/register.html")]
struct RegisterPage {
    page: Page,
    first_name: String,
    last_name: String,
    email: String,
    error: Option<String>,
    captcha: Option<(String, String)>,
}

async fn register_page(
    State(state): State<AppState>,
    page: Page,
    ClientIp(ip): ClientIp,
) -> AppResult<RegisterPage> {
    let none = AppError::bad_request("none");
    Ok(RegisterPage {
        captcha: captcha_after(&state, &none, &ip.to_string()).await?,
        page,
        first_name: String::new(),
        last_name: String::new(),
        email: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct RegisterForm {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    captcha_id: Option<String>,
    captcha_answer: Option<String>,
    /// The personal-data consent box (152-ФЗ): required.
    consent: Option<String>,
}

async fn register_submit(
    State(state): State<AppState>,
    page: Page,
    ClientIp(ip): ClientIp,
    CsrfForm(f): CsrfForm<RegisterForm>,
) -> Response {
    let (first, last, email) = (
        f.first_name.unwrap_or_default(),
        f.last_name.unwrap_or_default(),
        f.email.unwrap_or_default(),
    );
    let started = async {
        if f.consent.is_none() {
            return Err(AppError::bad_request("consent_required"));
        }
        super::credentials::register(
            &state,
            &first,
            &last,
            &email,
            f.password.as_deref().unwrap_or(""),
            &ip.to_string(),
            f.captcha_id.as_deref().zip(f.captcha_answer.as_deref()),
            page.l,
        )
        .await
    }
    .await;
    match started {
        Ok(s) => Redirect::to(&code_page_url(&s.flow_id, "/account")).into_response(),
        Err(e) => {
            let status = e.status();
            let mut page = page;
            page.here = "/register".into();
            let captcha = match captcha_after(&state, &e, &ip.to_string()).await {
                Ok(c) => c,
                Err(e) => return e.into_response(),
            };
            let mut res = RegisterPage {
                error: Some(error_message(page.l, &e)),
                page,
                first_name: first,
                last_name: last,
                email,
                captcha,
            }
            .into_response();
            *res.status_mut() = status;
            res
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/confirm.html")]
struct ConfirmPage {
    page: Page,
    flow: String,
    code: String,
}

#[derive(Deserialize)]
struct ConfirmQuery {
    flow: Option<String>,
    code: Option<String>,
}

/// The registration letter's link: one button confirms (a GET never changes anything).
async fn register_confirm_page(page: Page, ApiQuery(q): ApiQuery<ConfirmQuery>) -> ConfirmPage {
    ConfirmPage {
        page,
        flow: q.flow.unwrap_or_default(),
        code: q.code.unwrap_or_default(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/code.html")]
struct CodePage {
    page: Page,
    flow: String,
    next: String,
    next_encoded: String,
    sent_to: String,
    resend_in: i64,
    resend_wait_text: String,
    call_in: Option<i64>,
    call_wait_text: String,
    error: Option<String>,
    /// The email step of a long-unused account: offers «Нет доступа к почте».
    dormant: bool,
    /// «Регистрация» or «Вход», as the flow is.
    title: String,
    /// (id, image) when the next code from this address needs an «Антиспам-код».
    captcha: Option<(String, String)>,
}

impl CodePage {
    fn new(page: Page, flow: String, next: String, v: FlowView, error: Option<String>) -> Self {
        let l = page.l;
        let key = if v.purpose == Purpose::DormantEmail {
            "login-dormant"
        } else if v.channel == Channel::Voice {
            "login-sent-voice"
        } else {
            "login-sent-to"
        };
        Self {
            title: l.t(if v.purpose == Purpose::Register {
                "register-confirm-title"
            } else {
                "login-title"
            }),
            dormant: v.purpose == Purpose::DormantEmail,
            sent_to: l.ta(key, &[("contact", v.contact.masked())]),
            resend_wait_text: l.ta("login-resend-in", &[("seconds", v.resend_in.to_string())]),
            call_wait_text: l.ta(
                "login-call-in",
                &[("seconds", v.call_in.unwrap_or(0).to_string())],
            ),
            resend_in: v.resend_in,
            call_in: v.call_in,
            next_encoded: encode(&next),
            next,
            flow,
            error,
            page,
            captcha: None,
        }
    }
}

#[derive(Deserialize)]
struct CodeQuery {
    flow: Option<String>,
    next: Option<String>,
}

/// The code page's own address: what the language switch and reloads come back to.
fn code_page_url(flow_id: &str, next: &str) -> String {
    format!("/login/code?flow={flow_id}&next={}", encode(next))
}

async fn code_page(
    State(state): State<AppState>,
    page: Page,
    ApiQuery(q): ApiQuery<CodeQuery>,
) -> AppResult<Response> {
    let next = safe_next(q.next.as_deref());
    // A lost or stale link starts sign-in over instead of showing an error.
    let Some(flow) = codes::flow(&state, q.flow.as_deref().unwrap_or("")).await? else {
        return Ok(Redirect::to(&format!("/login?next={}", encode(&next))).into_response());
    };
    let view = codes::view(&state, &flow).await?;
    Ok(CodePage::new(page, flow.id, next, view, None).into_response())
}

#[derive(Deserialize)]
struct CodeForm {
    flow: String,
    code: Option<String>,
    next: Option<String>,
}

async fn code_submit(
    State(state): State<AppState>,
    page: Page,
    actor: Actor,
    headers: axum::http::HeaderMap,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    let code = form.code.as_deref().unwrap_or("");
    match codes::sign_in(&state, &form.flow, code, &actor, page.l).await {
        Ok(s) => signed_in_redirect(&state, &headers, &s, &next).await,
        // A long-unused account behind this number: on to the code sent to its email.
        Err(e) if e.code == "email_code_required" => {
            let flow = e
                .details
                .iter()
                .find(|(k, _)| *k == "flow_id")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            Ok(Redirect::to(&code_page_url(&flow, &next)).into_response())
        }
        Err(e) => rerender(&state, page, &form.flow, next, e, &actor.ip).await,
    }
}

/// Sets the session cookie, moves the guest cart into the account (so whatever page comes
/// next — checkout included — shows the merged cart) and goes on to `next`.
pub async fn signed_in_redirect(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    s: &codes::SignedIn,
    next: &str,
) -> AppResult<Response> {
    crate::cart::http::merge_at_sign_in(state, headers, &s.customer.id).await?;
    // A new account opened from these pages: the sign-in and registration forms carry the
    // personal-data consent (152-ФЗ), and its moment is kept.
    if s.created {
        crate::customers::record_consent(state, &s.customer.id).await?;
    }
    Ok((
        StatusCode::SEE_OTHER,
        axum::response::AppendHeaders([
            (
                header::SET_COOKIE,
                super::api::session_cookie(state, &s.token),
            ),
            (
                header::SET_COOKIE,
                crate::cart::http::clear_guest_cookie(state),
            ),
            (
                header::LOCATION,
                axum::http::HeaderValue::from_str(next).map_err(AppError::internal)?,
            ),
        ]),
    )
        .into_response())
}

/// «Нет доступа к почте» on the dormant-account step.
async fn no_email(
    State(state): State<AppState>,
    page: Page,
    actor: Actor,
    headers: axum::http::HeaderMap,
    CsrfForm(form): CsrfForm<FlowForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    match codes::no_email_access(&state, &form.flow, &actor, page.l).await {
        Ok(s) => signed_in_redirect(&state, &headers, &s, &next).await,
        Err(e) => rerender(&state, page, &form.flow, next, e, &actor.ip).await,
    }
}

/// A captcha for a form that sends codes, when the last answer asked for one or the next send
/// from this address will.
async fn captcha_after(
    state: &AppState,
    e: &AppError,
    ip: &str,
) -> AppResult<Option<(String, String)>> {
    let needed = matches!(e.code, "captcha_required" | "invalid_captcha")
        || volume::needs_captcha(state, Volume::Codes, ip).await?;
    Ok(if needed {
        Some(super::captcha::issue(state, ip).await?)
    } else {
        None
    })
}

/// Shows the code page again with the error of the last action.
async fn rerender(
    state: &AppState,
    mut page: Page,
    flow_id: &str,
    next: String,
    e: AppError,
    ip: &str,
) -> AppResult<Response> {
    let Some(flow) = codes::flow(state, flow_id).await? else {
        return Err(e);
    };
    let view = codes::view(state, &flow).await?;
    let msg = error_message(page.l, &e);
    page.here = code_page_url(&flow.id, &next);
    let mut p = CodePage::new(page, flow.id, next, view, Some(msg));
    p.captcha = captcha_after(state, &e, ip).await?;
    let mut res = p.into_response();
    *res.status_mut() = e.status();
    if let Some(secs) = e.retry_after {
        res.headers_mut().insert(header::RETRY_AFTER, secs.into());
    }
    Ok(res)
}

#[derive(Deserialize)]
struct FlowForm {
    flow: String,
    next: Option<String>,
    captcha_id: Option<String>,
    captcha_answer: Option<String>,
}

async fn resend(
    state: State<AppState>,
    page: Page,
    ip: ClientIp,
    CsrfForm(form): CsrfForm<FlowForm>,
) -> AppResult<Response> {
    send_again(state, page, ip, form, false).await
}

async fn call(
    state: State<AppState>,
    page: Page,
    ip: ClientIp,
    CsrfForm(form): CsrfForm<FlowForm>,
) -> AppResult<Response> {
    send_again(state, page, ip, form, true).await
}

async fn send_again(
    State(state): State<AppState>,
    page: Page,
    ClientIp(ip): ClientIp,
    form: FlowForm,
    voice: bool,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    let flow = codes::flow(&state, &form.flow)
        .await?
        .ok_or_else(AppError::not_found)?;
    let captcha = form
        .captcha_id
        .as_deref()
        .zip(form.captcha_answer.as_deref());
    let sent = async {
        volume::guard(&state, Volume::Codes, &ip.to_string(), captcha).await?;
        codes::resend(&state, &flow, voice, &ip.to_string(), page.l).await
    }
    .await;
    match sent {
        Ok(s) => Ok(Redirect::to(&code_page_url(&s.flow_id, &next)).into_response()),
        Err(e) => rerender(&state, page, &flow.id, next, e, &ip.to_string()).await,
    }
}

async fn logout(
    State(state): State<AppState>,
    auth: MaybeAuthenticated,
    actor: Actor,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    if let Some(auth) = auth.0 {
        super::sessions::sign_out(&state, &auth, &actor, super::sessions::SignOut::This).await?;
    }
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, super::api::clear_session_cookie(&state)),
            (header::LOCATION, axum::http::HeaderValue::from_static("/")),
        ],
    )
        .into_response())
}
