//! «Обращения в поддержку» (`/support`): signed in — my requests with their status and a form
//! to write a new one (optionally about one of my orders); a thread page with a reply form and
//! «Закрыть обращение». Signed out — the same path shows how to reach the shop (configured
//! in `[support]`) and the ways back into an account (sign-in, recovery).

use super::{Author, Thread, Ticket};
use crate::customers::{Authenticated, MaybeAuthenticated};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::ApiQuery;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/support", get(support_page).post(create_submit))
        .route("/support/tickets/{id}", get(thread_page))
        .route("/support/tickets/{id}/messages", post(reply_submit))
        .route("/support/tickets/{id}/close", post(close_submit))
}

/// A messenger as configured: «Telegram|https://t.me/…» → (name, link).
pub struct Messenger {
    pub name: String,
    pub link: String,
}

fn messengers(state: &AppState) -> Vec<Messenger> {
    state
        .config
        .support
        .messengers
        .iter()
        .filter_map(|m| {
            let (name, link) = m.split_once('|')?;
            let link = link.trim();
            (link.starts_with("https://") || link.starts_with("http://")).then(|| Messenger {
                name: name.trim().to_owned(),
                link: link.to_owned(),
            })
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "support/contacts.html")]
struct ContactsPage {
    page: Page,
    phone: String,
    /// `tel:` form of the phone.
    tel: String,
    email: String,
    hours: String,
    messengers: Vec<Messenger>,
}

fn contacts(state: &AppState, page: Page) -> ContactsPage {
    let s = &state.config.support;
    let digits: String = s.phone.chars().filter(char::is_ascii_digit).collect();
    ContactsPage {
        page,
        tel: if s.phone.trim_start().starts_with('+') {
            format!("+{digits}")
        } else {
            digits
        },
        phone: s.phone.clone(),
        email: s.email.clone(),
        hours: s.hours.clone(),
        messengers: messengers(state),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "support/mine.html")]
struct MinePage {
    page: Page,
    tickets: Vec<Ticket>,
    /// The customer's orders for the choice list: (number, placed at).
    orders: Vec<(String, i64)>,
    subject: String,
    text: String,
    order: String,
    error: Option<String>,
    email: String,
    phone: String,
}

impl MinePage {
    fn status_key(&self, t: &Ticket) -> String {
        format!("ticket-status-{}", t.status.as_str())
    }
}

async fn mine_view(
    state: &AppState,
    page: Page,
    auth: &Authenticated,
    typed: (String, String, String),
    error: Option<String>,
) -> AppResult<MinePage> {
    let c = &auth.customer.id;
    let (tickets, _) = super::mine(state, c, None, 100).await?;
    let orders = crate::orders::numbers_of(&state.db, c, 50).await?;
    Ok(MinePage {
        page,
        tickets,
        orders,
        subject: typed.0,
        text: typed.1,
        order: typed.2,
        error,
        email: state.config.support.email.clone(),
        phone: state.config.support.phone.clone(),
    })
}

#[derive(Deserialize)]
struct SupportQuery {
    order: Option<String>,
}

async fn support_page(
    State(state): State<AppState>,
    page: Page,
    auth: MaybeAuthenticated,
    ApiQuery(q): ApiQuery<SupportQuery>,
) -> AppResult<Response> {
    match auth.0 {
        None => Ok(contacts(&state, page).into_response()),
        Some(a) => {
            let order = q.order.unwrap_or_default();
            Ok(mine_view(
                &state,
                page,
                &a,
                (String::new(), String::new(), order),
                None,
            )
            .await?
            .into_response())
        }
    }
}

#[derive(Deserialize)]
struct NewForm {
    subject: Option<String>,
    text: Option<String>,
    order: Option<String>,
}

async fn create_submit(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    CsrfForm(f): CsrfForm<NewForm>,
) -> AppResult<Response> {
    let subject = f.subject.unwrap_or_default();
    let text = f.text.unwrap_or_default();
    let order = f.order.unwrap_or_default();
    match super::create(&state, &auth.customer.id, &subject, &text, Some(&order)).await {
        Ok(t) => {
            Ok(Redirect::to(&format!("/support/tickets/{}?done=created", t.id)).into_response())
        }
        Err(e) if e.is_client_error() => {
            let status = e.status();
            let msg = crate::web::error_message(page.l, &e);
            let mut res = mine_view(&state, page, &auth, (subject, text, order), Some(msg))
                .await?
                .into_response();
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "support/thread.html")]
struct ThreadPage {
    page: Page,
    t: Thread,
    notice: Option<String>,
    error: Option<String>,
    text: String,
}

impl ThreadPage {
    fn status_key(&self) -> String {
        format!("ticket-status-{}", self.t.ticket.status.as_str())
    }
    fn by_shop(&self, a: &Author) -> bool {
        *a == Author::Staff
    }
    fn closed(&self) -> bool {
        self.t.ticket.status == super::TicketStatus::Closed
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn thread_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DoneQuery>,
) -> AppResult<ThreadPage> {
    let t = super::thread(&state, &auth.customer.id, &id).await?;
    let notice = match q.done.as_deref() {
        Some("created") => Some(page.t("ticket-done-created")),
        Some("sent") => Some(page.t("ticket-done-sent")),
        Some("closed") => Some(page.t("ticket-done-closed")),
        _ => None,
    };
    Ok(ThreadPage {
        page,
        t,
        notice,
        error: None,
        text: String::new(),
    })
}

#[derive(Deserialize)]
struct ReplyForm {
    text: Option<String>,
}

async fn reply_submit(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ReplyForm>,
) -> AppResult<Response> {
    let text = f.text.unwrap_or_default();
    match super::reply(&state, &auth.customer.id, &id, &text).await {
        Ok(_) => Ok(Redirect::to(&format!("/support/tickets/{id}?done=sent")).into_response()),
        Err(e) if e.is_client_error() && e.code != "ticket_not_found" => {
            let status = e.status();
            let error = Some(crate::web::error_message(page.l, &e));
            let t = super::thread(&state, &auth.customer.id, &id).await?;
            let mut res = ThreadPage {
                page,
                t,
                notice: None,
                error,
                text,
            }
            .into_response();
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn close_submit(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    match super::close(&state, Some(&auth.customer.id), &id).await {
        Ok(_) => Ok(Redirect::to(&format!("/support/tickets/{id}?done=closed")).into_response()),
        Err(e) if e.code == "ticket_closed" => {
            Ok(Redirect::to(&format!("/support/tickets/{id}")).into_response())
        }
        Err(e) => Err::<Response, AppError>(e),
    }
}
