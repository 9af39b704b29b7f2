//! «Личный кабинет» and «Безопасность» pages, plus the site's public pages.

use crate::app::AppState;
use crate::auth::sessions::{self, Authenticated};
use crate::error::AppResult;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::de::IgnoredAny;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/catalog", get(catalog))
        .route("/account", get(account))
        .route("/account/security", get(security))
        .route("/account/sessions/{id}/end", post(end_session))
        .route("/account/sessions/end-others", post(end_others))
        .route("/account/logout-all", post(logout_all))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
}

async fn home(page: Page) -> HomePage {
    HomePage { page }
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog.html")]
struct CatalogPage {
    page: Page,
}

async fn catalog(page: Page) -> CatalogPage {
    CatalogPage { page }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/home.html")]
struct AccountPage {
    page: Page,
    greeting: String,
    full_name: String,
    phone: Option<String>,
    email: Option<String>,
    email_verified: bool,
}

async fn account(page: Page, auth: Authenticated) -> AccountPage {
    let c = &auth.customer;
    let greeting = match c.display_name() {
        Some(name) => page.l.ta("account-greeting", &[("name", name)]),
        None => page.t("account-greeting-anon"),
    };
    AccountPage {
        greeting,
        full_name: c.full_name(),
        phone: c.phone.as_deref().map(crate::auth::format_phone),
        email: c.email.clone(),
        email_verified: c.email_verified != 0,
        page,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/security.html")]
struct SecurityPage {
    page: Page,
    sessions: Vec<sessions::SessionView>,
    /// (when, what, device, ip)
    events: Vec<(String, String, String, String)>,
}

async fn security(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
) -> AppResult<SecurityPage> {
    let sessions = sessions::list(&state, &auth).await?;
    let now = state.clock.now_ms();
    let events = super::recent_events(&state.db, &auth.customer.id, now)
        .await?
        .into_iter()
        .map(|e| {
            let key = format!("event-{}", e.event);
            let what = if page.l.has(&key) {
                page.t(&key)
            } else {
                e.event.clone()
            };
            let when =
                time::OffsetDateTime::parse(&e.at, &time::format_description::well_known::Rfc3339)
                    .map(|t| crate::clock::human((t.unix_timestamp_nanos() / 1_000_000) as i64))
                    .unwrap_or(e.at);
            (when, what, e.device, e.ip)
        })
        .collect();
    Ok(SecurityPage {
        page,
        sessions,
        events,
    })
}

async fn end_session(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: crate::account::Actor,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<IgnoredAny>,
) -> AppResult<Response> {
    sessions::end(&state, &auth, &id).await?;
    super::log_event(
        &state.db,
        state.clock.now_ms(),
        &actor,
        Some(&auth.customer.id),
        None,
        "session_ended",
        "ok",
    )
    .await?;
    if id == auth.session_id {
        return Ok(signed_out(&state));
    }
    Ok(Redirect::to("/account/security").into_response())
}

async fn end_others(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: crate::account::Actor,
    CsrfForm(_): CsrfForm<IgnoredAny>,
) -> AppResult<Redirect> {
    sessions::end_all(&state, &auth, true).await?;
    super::log_event(
        &state.db,
        state.clock.now_ms(),
        &actor,
        Some(&auth.customer.id),
        None,
        "sessions_ended",
        "others",
    )
    .await?;
    Ok(Redirect::to("/account/security"))
}

async fn logout_all(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: crate::account::Actor,
    CsrfForm(_): CsrfForm<IgnoredAny>,
) -> AppResult<Response> {
    sessions::end_all(&state, &auth, false).await?;
    super::log_event(
        &state.db,
        state.clock.now_ms(),
        &actor,
        Some(&auth.customer.id),
        None,
        "sign_out_all",
        "ok",
    )
    .await?;
    Ok(signed_out(&state))
}

fn signed_out(state: &AppState) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                crate::auth::api::clear_session_cookie(state),
            ),
            (header::LOCATION, axum::http::HeaderValue::from_static("/")),
        ],
    )
        .into_response()
}
