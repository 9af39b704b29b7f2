//! Sign-in pages: «Войти» (phone, or «Войти по почте»), then «Код» + «Войти», resend with a
//! countdown, «Позвонить». Everything works with plain forms; JS only runs the countdowns.

use super::codes::{self, FlowView};
use super::sessions::MaybeAuthenticated;
use super::{Channel, Purpose};
use crate::account::Actor;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
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
        .route("/logout", post(logout))
}

/// Only local paths may be redirect targets.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.contains(['\r', '\n']) =>
        {
            n.to_owned()
        }
        _ => "/account".to_owned(),
    }
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
struct LoginPage {
    page: Page,
    by_email: bool,
    value: String,
    next: String,
    next_encoded: String,
    error: Option<String>,
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
    LoginPage {
        page,
        by_email: q.by.as_deref() == Some("email"),
        value: String::new(),
        next_encoded: encode(&next),
        next,
        error: None,
    }
    .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    by: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    next: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    page: Page,
    ClientIp(ip): ClientIp,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Response {
    let by_email = form.by.as_deref() == Some("email");
    let (channel, raw) = if by_email {
        (Channel::Email, form.email.unwrap_or_default())
    } else {
        (Channel::Sms, form.phone.unwrap_or_default())
    };
    let next = safe_next(form.next.as_deref());
    let started = async {
        let contact = codes::parse_contact(&state, channel, &raw)?;
        codes::start(
            &state,
            Purpose::Login,
            channel,
            &contact,
            &ip.to_string(),
            page.l,
        )
        .await
    }
    .await;
    match started {
        Ok(s) => Redirect::to(&code_page_url(&s.flow_id, &next)).into_response(),
        Err(e) => {
            let status = e.status;
            let mut page = page;
            let by = if by_email { "by=email&" } else { "" };
            page.here = format!("/login?{by}next={}", encode(&next));
            let mut res = LoginPage {
                error: Some(error_message(page.l, &e)),
                page,
                by_email,
                value: raw,
                next_encoded: encode(&next),
                next,
            }
            .into_response();
            *res.status_mut() = status;
            res
        }
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
}

impl CodePage {
    fn new(page: Page, flow: String, next: String, v: FlowView, error: Option<String>) -> Self {
        let l = page.l;
        let key = if v.channel == Channel::Voice {
            "login-sent-voice"
        } else {
            "login-sent-to"
        };
        Self {
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
    CsrfForm(form): CsrfForm<CodeForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    match codes::sign_in(
        &state,
        &form.flow,
        form.code.as_deref().unwrap_or(""),
        &actor,
    )
    .await
    {
        Ok(s) => Ok((
            StatusCode::SEE_OTHER,
            [
                (
                    header::SET_COOKIE,
                    super::api::session_cookie(&state, &s.token),
                ),
                (
                    header::LOCATION,
                    axum::http::HeaderValue::from_str(&next).map_err(AppError::internal)?,
                ),
            ],
        )
            .into_response()),
        Err(e) => rerender(&state, page, &form.flow, next, e).await,
    }
}

/// Shows the code page again with the error of the last action.
async fn rerender(
    state: &AppState,
    mut page: Page,
    flow_id: &str,
    next: String,
    e: AppError,
) -> AppResult<Response> {
    let Some(flow) = codes::flow(state, flow_id).await? else {
        return Err(e);
    };
    let view = codes::view(state, &flow).await?;
    let msg = error_message(page.l, &e);
    page.here = code_page_url(&flow.id, &next);
    let mut res = CodePage::new(page, flow.id, next, view, Some(msg)).into_response();
    *res.status_mut() = e.status;
    if let Some(secs) = e.retry_after {
        res.headers_mut().insert(header::RETRY_AFTER, secs.into());
    }
    Ok(res)
}

#[derive(Deserialize)]
struct FlowForm {
    flow: String,
    next: Option<String>,
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
    let contact = super::Contact::from_stored(&flow.contact);
    let channel = match (voice, contact.is_phone()) {
        (true, true) => Channel::Voice,
        (_, true) => Channel::Sms,
        (_, false) => Channel::Email,
    };
    match codes::start(
        &state,
        Purpose::Login,
        channel,
        &contact,
        &ip.to_string(),
        page.l,
    )
    .await
    {
        Ok(s) => Ok(Redirect::to(&code_page_url(&s.flow_id, &next)).into_response()),
        Err(e) => rerender(&state, page, &flow.id, next, e).await,
    }
}

async fn logout(
    State(state): State<AppState>,
    auth: MaybeAuthenticated,
    actor: Actor,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    if let Some(auth) = auth.0 {
        super::sessions::end(&state, &auth, &auth.session_id).await?;
        let now = state.clock.now_ms();
        crate::account::log_event(
            &state.db,
            now,
            &actor,
            Some(&auth.customer.id),
            None,
            "sign_out",
            "ok",
        )
        .await?;
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
