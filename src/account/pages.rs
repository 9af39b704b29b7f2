//! «Личный кабинет» and «Безопасность» pages, plus the site's public pages.

use crate::auth::sessions::{self, Authenticated};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
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
        .route("/account", get(account))
        .route("/privacy", get(privacy))
        .route("/account/security", get(security))
        .route("/account/sessions/{id}/end", post(end_session))
        .route("/account/sessions/end-others", post(end_others))
        .route("/account/logout-all", post(logout_all))
        .route("/account/personal", get(personal).post(personal_submit))
        .route("/account/email", post(email_submit))
        .route("/account/phone", post(phone_submit))
        .route(
            "/account/contact-code",
            get(contact_code_page).post(contact_code_submit),
        )
        .route("/account/password", post(password_submit))
        .route(
            "/account/notifications",
            get(notifications).post(notifications_submit),
        )
        .route(
            "/account/revert/{token}",
            get(revert_page).post(revert_submit),
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
}

async fn home(page: Page) -> HomePage {
    HomePage { page }
}

/// An order on its way, as the account home lists it.
struct Underway {
    order: crate::orders::Order,
    parcels: usize,
    /// When the last parcel is expected («3 декабря»).
    expected: String,
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
    underway: Vec<Underway>,
    favorites: Vec<crate::catalog::Product>,
    cards: usize,
    /// The wallet at a glance: the status tier's name, points (in words) and the balance.
    tier: String,
    points: String,
    balance: i64,
}

/// The account home: orders on their way, favourites, contacts, and a nudge to give a name.
async fn account(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
) -> AppResult<AccountPage> {
    let c = &auth.customer;
    let greeting = match c.display_name() {
        Some(name) => page.l.ta("account-greeting", &[("name", name)]),
        None => page.t("account-greeting-anon"),
    };
    let (orders, _) = crate::orders::list(&state, &c.id, None, 20).await?;
    let summary = crate::loyalty::summary(&state.db, &c.id, state.clock.now_ms()).await?;
    let mut underway = Vec::new();
    for order in orders
        .into_iter()
        .filter(|o| !o.status.is_finished())
        .take(5)
    {
        let parcels = crate::orders::parcels(&state, &order, page.l).await?;
        let expected = parcels
            .iter()
            .max_by(|a, b| a.estimated_delivery.cmp(&b.estimated_delivery))
            .map(|p| p.estimated_delivery_text.clone())
            .unwrap_or_default();
        underway.push(Underway {
            parcels: parcels.len(),
            expected,
            order,
        });
    }
    Ok(AccountPage {
        greeting,
        full_name: c.full_name(),
        phone: c.phone.as_deref().map(crate::auth::format_phone),
        email: c.email.clone(),
        email_verified: c.email_verified != 0,
        underway,
        favorites: crate::cart::favorites::list(&state, &c.id).await?,
        cards: crate::payments::cards::list(&state.db, &c.id).await?.len(),
        tier: page.t(&format!("loyalty-tier-{}", summary.tier.as_str())),
        points: crate::rewards::pages::points_text(page.l, summary.points),
        balance: crate::balance::balance(&state.db, &c.id).await?.get(),
        page,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "account/security.html")]
struct SecurityPage {
    page: Page,
    has_password: bool,
    error: Option<String>,
    notice: Option<String>,
    sessions: Vec<sessions::SessionView>,
    /// (when, what, device, ip)
    events: Vec<(String, String, String, String)>,
}

async fn security(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    crate::web::ApiQuery(q): crate::web::ApiQuery<crate::web::DoneQuery>,
) -> AppResult<SecurityPage> {
    let notice = q.done.as_deref().map(|d| page.t(&format!("done-{d}")));
    security_view(&state, page, &auth, None, notice).await
}

async fn security_view(
    state: &AppState,
    page: Page,
    auth: &Authenticated,
    error: Option<String>,
    notice: Option<String>,
) -> AppResult<SecurityPage> {
    let sessions = sessions::list(state, auth).await?;
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
            let when = page.at(&e.at);
            // The shop's staff act from their console: the log names them, not a device.
            if e.actor == "staff" {
                return (when, what, page.t("actor-staff"), String::new());
            }
            (when, what, e.device, e.ip)
        })
        .collect();
    Ok(SecurityPage {
        page,
        has_password: auth.customer.password_hash.is_some(),
        error,
        notice,
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
        crate::db::autocommit(&state.db),
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
    sessions::sign_out(&state, &auth, &actor, sessions::SignOut::Others).await?;
    Ok(Redirect::to("/account/security"))
}

async fn logout_all(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: crate::account::Actor,
    CsrfForm(_): CsrfForm<IgnoredAny>,
) -> AppResult<Response> {
    sessions::sign_out(&state, &auth, &actor, sessions::SignOut::Everywhere).await?;
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

#[derive(Template, WebTemplate)]
#[template(path = "account/personal.html")]
struct PersonalPage {
    page: Page,
    first_name: String,
    last_name: String,
    patronymic: String,
    address_as: String,
    email: String,
    phone: String,
    /// «Письма и уведомления придут Игорю Валерьяновичу» — the form of address in the dative.
    preview: Option<String>,
    error: Option<String>,
    notice: Option<String>,
}

fn personal_view(
    page: Page,
    c: &super::CustomerRow,
    error: Option<String>,
    notice: Option<String>,
) -> PersonalPage {
    // Russian says whom letters go to in the dative («Игорю Валерьяновичу»); English keeps
    // the name as it is.
    let name = match page.l {
        crate::i18n::Locale::Ru => super::contacts::address_in(c, crate::petrovich::Case::Dative),
        crate::i18n::Locale::En => c.display_name(),
    };
    let preview = name.map(|n| page.l.ta("personal-preview", &[("name", n)]));
    PersonalPage {
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        patronymic: c.patronymic.clone(),
        address_as: c.address_as.clone(),
        email: c.email.clone().unwrap_or_default(),
        phone: c
            .phone
            .as_deref()
            .map(crate::auth::format_phone)
            .unwrap_or_default(),
        preview,
        error,
        notice,
        page,
    }
}

async fn personal(
    page: Page,
    auth: Authenticated,
    crate::web::ApiQuery(q): crate::web::ApiQuery<crate::web::DoneQuery>,
) -> PersonalPage {
    let notice = q.done.as_deref().map(|d| page.t(&format!("done-{d}")));
    personal_view(page, &auth.customer, None, notice)
}

async fn personal_submit(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    actor: crate::account::Actor,
    CsrfForm(f): CsrfForm<super::contacts::NamesPatchForm>,
) -> AppResult<Response> {
    match super::contacts::update_names(&state, &auth, &f.into(), &actor).await {
        Ok(_) => Ok(Redirect::to("/account/personal?done=profile").into_response()),
        Err(e) => {
            let msg = crate::web::error_message(page.l, &e);
            let mut res = personal_view(page, &auth.customer, Some(msg), None).into_response();
            *res.status_mut() = e.status();
            Ok(res)
        }
    }
}

#[derive(serde::Deserialize)]
struct EmailForm {
    email: Option<String>,
}

#[derive(serde::Deserialize)]
struct PhoneForm {
    phone: Option<String>,
}

async fn email_submit(
    state: State<AppState>,
    page: Page,
    auth: Authenticated,
    ip: crate::web::ClientIp,
    CsrfForm(f): CsrfForm<EmailForm>,
) -> AppResult<Response> {
    start_contact_change(
        state,
        page,
        auth,
        ip,
        crate::auth::Channel::Email,
        f.email.unwrap_or_default(),
    )
    .await
}

async fn phone_submit(
    state: State<AppState>,
    page: Page,
    auth: Authenticated,
    ip: crate::web::ClientIp,
    CsrfForm(f): CsrfForm<PhoneForm>,
) -> AppResult<Response> {
    start_contact_change(
        state,
        page,
        auth,
        ip,
        crate::auth::Channel::Sms,
        f.phone.unwrap_or_default(),
    )
    .await
}

async fn start_contact_change(
    State(state): State<AppState>,
    mut page: Page,
    auth: Authenticated,
    crate::web::ClientIp(ip): crate::web::ClientIp,
    channel: crate::auth::Channel,
    raw: String,
) -> AppResult<Response> {
    match super::contacts::start_change(&state, &auth, channel, &raw, &ip.to_string(), page.l).await
    {
        Ok(s) => {
            Ok(Redirect::to(&format!("/account/contact-code?flow={}", s.flow_id)).into_response())
        }
        // A sign-in older than 15 minutes: sign in again, then come back here.
        Err(e) if e.code == "reauth_required" => {
            Ok(Redirect::to("/login?next=%2Faccount%2Fpersonal").into_response())
        }
        Err(e) => {
            page.here = "/account/personal".into();
            let msg = crate::web::error_message(page.l, &e);
            let mut res = personal_view(page, &auth.customer, Some(msg), None).into_response();
            *res.status_mut() = e.status();
            Ok(res)
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/contact_code.html")]
struct ContactCodePage {
    page: Page,
    flow: String,
    sent_to: String,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
struct FlowQuery {
    flow: Option<String>,
}

async fn contact_code_view(
    state: &AppState,
    mut page: Page,
    auth: &Authenticated,
    flow_id: &str,
    error: Option<String>,
) -> AppResult<ContactCodePage> {
    let flow = crate::auth::codes::flow(state, flow_id)
        .await?
        .filter(|f| f.customer_id.as_deref() == Some(auth.customer.id.as_str()))
        .ok_or_else(AppError::not_found)?;
    page.here = format!("/account/contact-code?flow={}", flow.id);
    let contact = flow.contact_typed()?;
    Ok(ContactCodePage {
        sent_to: page.l.ta("login-sent-to", &[("contact", contact.masked())]),
        page,
        flow: flow.id,
        error,
    })
}

async fn contact_code_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    crate::web::ApiQuery(q): crate::web::ApiQuery<FlowQuery>,
) -> AppResult<ContactCodePage> {
    contact_code_view(&state, page, &auth, q.flow.as_deref().unwrap_or(""), None).await
}

#[derive(serde::Deserialize)]
struct CodeForm {
    flow: String,
    code: Option<String>,
}

async fn contact_code_submit(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    actor: crate::account::Actor,
    CsrfForm(f): CsrfForm<CodeForm>,
) -> AppResult<Response> {
    let phone = crate::auth::codes::flow(&state, &f.flow)
        .await?
        .is_some_and(|fl| fl.purpose == crate::auth::Purpose::ChangePhone.as_str());
    let code = f.code.as_deref().unwrap_or("");
    match super::contacts::confirm_change(&state, &auth, phone, &f.flow, code, &actor, page.l).await
    {
        Ok(()) => Ok(Redirect::to("/account/personal?done=contact").into_response()),
        Err(e) => {
            let msg = crate::web::error_message(page.l, &e);
            let mut res = contact_code_view(&state, page, &auth, &f.flow, Some(msg))
                .await?
                .into_response();
            *res.status_mut() = e.status();
            Ok(res)
        }
    }
}

#[derive(serde::Deserialize)]
struct PasswordForm {
    password: Option<String>,
}

async fn password_submit(
    State(state): State<AppState>,
    mut page: Page,
    auth: Authenticated,
    actor: crate::account::Actor,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> AppResult<Response> {
    match crate::auth::credentials::set_password(
        &state,
        &auth,
        f.password.as_deref().unwrap_or(""),
        &actor,
        page.l,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/account/security?done=password").into_response()),
        Err(e) if e.code == "reauth_required" => {
            Ok(Redirect::to("/login?next=%2Faccount%2Fsecurity").into_response())
        }
        Err(e) => {
            page.here = "/account/security".into();
            let msg = crate::web::error_message(page.l, &e);
            let mut res = security_view(&state, page, &auth, Some(msg), None)
                .await?
                .into_response();
            *res.status_mut() = e.status();
            Ok(res)
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/revert.html")]
struct RevertPage {
    page: Page,
    token: String,
}

async fn revert_page(page: Page, Path(token): Path<String>) -> RevertPage {
    RevertPage { page, token }
}

async fn revert_submit(
    State(state): State<AppState>,
    page: Page,
    actor: crate::account::Actor,
    Path(token): Path<String>,
    CsrfForm(_): CsrfForm<IgnoredAny>,
) -> AppResult<Response> {
    let password_removed = super::contacts::revert(&state, &token, &actor).await?;
    let text = if password_removed {
        format!(
            "{} {}",
            page.t("revert-done"),
            page.t("revert-password-removed")
        )
    } else {
        page.t("revert-done")
    };
    let mut res = crate::web::layout::NoticePage {
        title: page.t("revert-title"),
        text,
        action: Some(("/login".into(), page.t("nav-login"))),
        page,
    }
    .into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        crate::auth::api::clear_session_cookie(&state),
    );
    Ok(res)
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    page: Page,
}

/// The built-in personal-data policy (a shop links its own with `KABINET_PRIVACY_POLICY_URL`).
async fn privacy(page: Page) -> PrivacyPage {
    PrivacyPage { page }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/notifications.html")]
struct NotificationsPage {
    page: Page,
    settings: crate::customers::notices::Settings,
    has_phone: bool,
    has_email: bool,
    notice: Option<String>,
}

/// «Уведомления»: a checkbox per topic and channel; security notices shown, always on.
async fn notifications(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    crate::web::ApiQuery(q): crate::web::ApiQuery<crate::web::DoneQuery>,
) -> AppResult<NotificationsPage> {
    let c = &auth.customer;
    Ok(NotificationsPage {
        settings: crate::customers::notices::settings(&state.db, &c.id).await?,
        has_phone: c.phone.is_some(),
        has_email: c.email.is_some() && c.email_verified != 0,
        notice: q.done.map(|_| page.t("notifications-saved")),
        page,
    })
}

/// The form sends the checked boxes only: an unchecked box is "off".
#[derive(serde::Deserialize)]
struct NotificationsForm {
    order_sms: Option<IgnoredAny>,
    order_email: Option<IgnoredAny>,
    support_sms: Option<IgnoredAny>,
    support_email: Option<IgnoredAny>,
    promotions_sms: Option<IgnoredAny>,
    promotions_email: Option<IgnoredAny>,
}

async fn notifications_submit(
    State(state): State<AppState>,
    auth: Authenticated,
    actor: crate::account::Actor,
    CsrfForm(f): CsrfForm<NotificationsForm>,
) -> AppResult<Redirect> {
    use crate::customers::notices::{ChannelsChange, SettingsChange};
    let pair = |sms: &Option<IgnoredAny>, email: &Option<IgnoredAny>| {
        Some(ChannelsChange {
            sms: Some(sms.is_some()),
            email: Some(email.is_some()),
        })
    };
    let change = SettingsChange {
        order_status: pair(&f.order_sms, &f.order_email),
        support: pair(&f.support_sms, &f.support_email),
        promotions: pair(&f.promotions_sms, &f.promotions_email),
        security: None,
    };
    crate::customers::notices::change(&state, &auth.customer.id, &change, &actor).await?;
    Ok(Redirect::to("/account/notifications?done=saved"))
}
