//! Recovery pages: «Забыли пароль?», the emailed link's page (new password, «Сменить номер
//! телефона»), and the support form for those who lost their email too.

use super::Evidence;
use crate::auth::captcha;
use crate::customers::Actor;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::layout::{NoticePage, Page};
use crate::web::{ApiQuery, ClientIp, error_message};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/recovery", get(request_page).post(request_submit))
        .route("/recovery/support", get(support_page).post(support_submit))
        .route("/recovery/{token}", get(reset_page))
        .route("/recovery/{token}/phone", post(phone_submit))
        .route("/recovery/{token}/complete", post(complete_submit))
}

fn with_status(mut res: Response, e: &AppError) -> Response {
    *res.status_mut() = e.status();
    res
}

#[derive(Template, WebTemplate)]
#[template(path = "recovery/request.html")]
struct RequestPage {
    page: Page,
    email: String,
    captcha_id: String,
    captcha_image: String,
    error: Option<String>,
}

async fn request_page(
    State(state): State<AppState>,
    page: Page,
    ClientIp(ip): ClientIp,
) -> AppResult<RequestPage> {
    let (captcha_id, captcha_image) = captcha::issue(&state, &ip.to_string()).await?;
    Ok(RequestPage {
        page,
        email: String::new(),
        captcha_id,
        captcha_image,
        error: None,
    })
}

#[derive(Deserialize)]
struct RequestForm {
    email: Option<String>,
    captcha_id: Option<String>,
    captcha_answer: Option<String>,
}

async fn request_submit(
    State(state): State<AppState>,
    mut page: Page,
    ClientIp(ip): ClientIp,
    CsrfForm(f): CsrfForm<RequestForm>,
) -> AppResult<Response> {
    let email = f.email.unwrap_or_default();
    let done = async {
        captcha::redeem(
            &state,
            f.captcha_id.as_deref().unwrap_or(""),
            f.captcha_answer.as_deref().unwrap_or(""),
        )
        .await?;
        super::request(&state, &email, &ip.to_string(), page.l).await
    }
    .await;
    match done {
        Ok(()) => Ok(NoticePage {
            title: page.t("recovery-title"),
            text: page.t("recovery-sent"),
            action: Some(("/login".into(), page.t("nav-login"))),
            page,
        }
        .into_response()),
        Err(e) => {
            let (captcha_id, captcha_image) = captcha::issue(&state, &ip.to_string()).await?;
            page.here = "/recovery".into();
            let error = Some(error_message(page.l, &e));
            Ok(with_status(
                RequestPage {
                    page,
                    email,
                    captcha_id,
                    captcha_image,
                    error,
                }
                .into_response(),
                &e,
            ))
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "recovery/reset.html")]
struct ResetPage {
    page: Page,
    token: String,
    /// The phone-code flow, once a code was sent to the new phone.
    flow: Option<String>,
    /// «Код отправлен на …» for that flow.
    new_phone: Option<String>,
    phone: String,
    open_phone: bool,
    /// A support case's link: the contact that becomes the account's (no phone change here).
    support_contact: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct ResetQuery {
    flow: Option<String>,
}

async fn reset_view(
    state: &AppState,
    mut page: Page,
    token: String,
    flow: Option<String>,
    phone: String,
    error: Option<String>,
) -> AppResult<ResetPage> {
    let support_contact = match super::link(state, &token).await {
        Ok(l) => l.new_contact.map(|c| c.as_str().to_owned()),
        Err(_) => None,
    };
    let new_phone = match &flow {
        Some(f) => match crate::auth::codes::flow(state, f).await? {
            Some(fl) => Some(page.l.ta(
                "login-sent-to",
                &[("contact", fl.contact_typed()?.masked())],
            )),
            None => None,
        },
        None => None,
    };
    page.here = match &flow {
        Some(f) => format!("/recovery/{token}?flow={f}"),
        None => format!("/recovery/{token}"),
    };
    Ok(ResetPage {
        page,
        open_phone: !phone.is_empty(),
        token,
        flow: flow.filter(|_| new_phone.is_some()),
        new_phone,
        phone,
        support_contact,
        error,
    })
}

async fn reset_page(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    ApiQuery(q): ApiQuery<ResetQuery>,
) -> AppResult<ResetPage> {
    super::token_account(&state, &token).await?;
    reset_view(&state, page, token, q.flow, String::new(), None).await
}

#[derive(Deserialize)]
struct PhoneForm {
    phone: Option<String>,
    channel: Option<String>,
}

async fn phone_submit(
    State(state): State<AppState>,
    page: Page,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    CsrfForm(f): CsrfForm<PhoneForm>,
) -> AppResult<Response> {
    let phone = f.phone.unwrap_or_default();
    let channel = f.channel.unwrap_or_else(|| "sms".into());
    match super::phone_code(&state, &token, &phone, &channel, &ip.to_string(), page.l).await {
        Ok(s) => Ok(Redirect::to(&format!("/recovery/{token}?flow={}", s.flow_id)).into_response()),
        Err(e) if e.code == "recovery_link_invalid" => Err(e),
        Err(e) => {
            let msg = error_message(page.l, &e);
            Ok(with_status(
                reset_view(&state, page, token, None, phone, Some(msg))
                    .await?
                    .into_response(),
                &e,
            ))
        }
    }
}

#[derive(Deserialize)]
struct CompleteForm {
    password: Option<String>,
    flow: Option<String>,
    code: Option<String>,
}

async fn complete_submit(
    State(state): State<AppState>,
    page: Page,
    actor: Actor,
    Path(token): Path<String>,
    CsrfForm(f): CsrfForm<CompleteForm>,
) -> AppResult<Response> {
    let phone = f
        .flow
        .as_deref()
        .map(|fl| (fl, f.code.as_deref().unwrap_or("")));
    match super::complete(
        &state,
        &token,
        f.password.as_deref().unwrap_or(""),
        phone,
        &actor,
        page.l,
    )
    .await
    {
        Ok(()) => Ok(NoticePage {
            title: page.t("reset-title"),
            text: page.t("reset-done"),
            action: Some(("/login?by=password".into(), page.t("nav-login"))),
            page,
        }
        .into_response()),
        Err(e) if e.code == "recovery_link_invalid" => Err(e),
        Err(e) => {
            let msg = error_message(page.l, &e);
            Ok(with_status(
                reset_view(&state, page, token, f.flow, String::new(), Some(msg))
                    .await?
                    .into_response(),
                &e,
            ))
        }
    }
}

#[derive(Default, Deserialize)]
struct SupportForm {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    old_email: String,
    #[serde(default)]
    new_contact: String,
    #[serde(default)]
    order_number: String,
    #[serde(default)]
    delivery_address: String,
    #[serde(default)]
    card_last4: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    captcha_id: String,
    #[serde(default)]
    captcha_answer: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "recovery/support.html")]
struct SupportPage {
    page: Page,
    form: SupportForm,
    error: Option<String>,
    /// (id, image) when this address must solve an «Антиспам-код» first.
    captcha: Option<(String, String)>,
}

/// A captcha for a form whose next send from this address needs one.
async fn captcha_if_needed(
    state: &AppState,
    ip: &str,
    failed: Option<&AppError>,
) -> Result<Option<(String, String)>, AppError> {
    let needed = failed.is_some_and(|e| matches!(e.code, "captcha_required" | "invalid_captcha"))
        || crate::auth::volume::needs_captcha(state, crate::auth::volume::Volume::Requests, ip)
            .await?;
    Ok(if needed {
        Some(captcha::issue(state, ip).await?)
    } else {
        None
    })
}

async fn support_page(
    State(state): State<AppState>,
    page: Page,
    ClientIp(ip): ClientIp,
) -> Result<SupportPage, AppError> {
    Ok(SupportPage {
        captcha: captcha_if_needed(&state, &ip.to_string(), None).await?,
        page,
        form: SupportForm::default(),
        error: None,
    })
}

async fn support_submit(
    State(state): State<AppState>,
    mut page: Page,
    ClientIp(ip): ClientIp,
    CsrfForm(f): CsrfForm<SupportForm>,
) -> Response {
    let some = |s: &str| Some(s.to_owned()).filter(|v| !v.trim().is_empty());
    let evidence = Evidence {
        order_number: some(&f.order_number),
        delivery_address: some(&f.delivery_address),
        card_last4: some(&f.card_last4),
    };
    match super::open_case(
        &state,
        &f.full_name,
        &f.old_email,
        &f.new_contact,
        evidence,
        &f.comment,
        &ip.to_string(),
        Some((f.captcha_id.as_str(), f.captcha_answer.as_str())),
        page.l,
    )
    .await
    {
        Ok(_) => NoticePage {
            title: page.t("support-title"),
            text: page.t("support-done"),
            action: Some(("/".into(), page.t("error-page-home"))),
            page,
        }
        .into_response(),
        Err(e) => {
            page.here = "/recovery/support".into();
            let error = Some(error_message(page.l, &e));
            let captcha = match captcha_if_needed(&state, &ip.to_string(), Some(&e)).await {
                Ok(c) => c,
                Err(e) => return e.into_response(),
            };
            with_status(
                SupportPage {
                    page,
                    form: f,
                    error,
                    captcha,
                }
                .into_response(),
                &e,
            )
        }
    }
}
