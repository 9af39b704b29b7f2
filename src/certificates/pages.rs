//! «Баланс средств» (`/account/balance`) and «Сертификаты и промокоды»
//! (`/account/certificates`) pages. Plain forms, no JavaScript needed.

use super::Mine;
use crate::balance::{Entry, EntryKind};
use crate::customers::Authenticated;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::ApiQuery;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/balance", get(balance_page))
        .route(
            "/account/certificates",
            get(certificates_page).post(certificates_submit),
        )
}

/// One line of the history as the page shows it.
struct Line {
    when: String,
    what: String,
    /// The order's number, when the line is about an order (a link).
    order: Option<String>,
    /// The certificate's masked number or another reference, shown as text.
    reference: Option<String>,
    /// «+5 000,00 ₽», «−1 299,00 ₽».
    amount: String,
    plus: bool,
}

fn line(page: &Page, e: &Entry) -> Line {
    let key = match e.kind {
        EntryKind::Certificate => "balance-kind-certificate",
        EntryKind::Refund => "balance-kind-refund",
        EntryKind::Order => "balance-kind-order",
        EntryKind::OrderCancelled => "balance-kind-order-cancelled",
    };
    let is_order = matches!(
        e.kind,
        EntryKind::Order | EntryKind::OrderCancelled | EntryKind::Refund
    ) && crate::domain::order::OrderNumber::parse(&e.reference).is_some();
    let plus = e.amount.get() >= 0;
    let money = crate::domain::money::rubles(e.amount.get().abs());
    Line {
        when: page.when(e.at),
        what: page.t(key),
        order: is_order.then(|| e.reference.clone()),
        reference: (!is_order && !e.reference.is_empty()).then(|| e.reference.clone()),
        amount: if plus {
            format!("+{money}")
        } else {
            format!("−{money}")
        },
        plus,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "certificates/balance.html")]
struct BalancePage {
    page: Page,
    balance: String,
    history: Vec<Line>,
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct HistoryQuery {
    cursor: Option<String>,
}

async fn balance_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> AppResult<BalancePage> {
    let c = &auth.customer.id;
    let balance = crate::balance::balance(&state.db, c).await?;
    let (history, next_cursor) =
        crate::balance::history(&state.db, c, q.cursor.as_deref(), 20).await?;
    Ok(BalancePage {
        balance: crate::domain::money::rubles(balance.get()),
        history: history.iter().map(|e| line(&page, e)).collect(),
        next_cursor,
        page,
    })
}

/// A certificate in the page's list.
struct MineLine {
    masked: String,
    value: String,
    when: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "certificates/certificates.html")]
struct CertificatesPage {
    page: Page,
    balance: String,
    /// What was typed (kept after a mistake).
    code: String,
    error: Option<String>,
    notice: Option<String>,
    mine: Vec<MineLine>,
}

#[derive(Deserialize, Default)]
struct CertificatesQuery {
    done: Option<String>,
}

async fn certificates_view(
    state: &AppState,
    page: Page,
    auth: &Authenticated,
    code: String,
    error: Option<String>,
    notice: Option<String>,
) -> AppResult<CertificatesPage> {
    let c = &auth.customer.id;
    let balance = crate::balance::balance(&state.db, c).await?;
    let mine: Vec<Mine> = super::activated_by(&state.db, c).await?;
    Ok(CertificatesPage {
        balance: crate::domain::money::rubles(balance.get()),
        code,
        error,
        notice,
        mine: mine
            .iter()
            .map(|m| MineLine {
                masked: m.masked.clone(),
                value: crate::domain::money::rubles(m.value.get()),
                when: page.when(m.activated_at),
            })
            .collect(),
        page,
    })
}

async fn certificates_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<CertificatesQuery>,
) -> AppResult<CertificatesPage> {
    // After an activation: the customer's newest certificate says what was credited (read
    // from the books, never from the address).
    let notice = if q.done.as_deref() == Some("activated") {
        super::activated_by(&state.db, &auth.customer.id)
            .await?
            .first()
            .map(|m| {
                page.l.ta(
                    "certificate-activated",
                    &[
                        ("number", m.masked.clone()),
                        ("amount", crate::domain::money::rubles(m.value.get())),
                    ],
                )
            })
    } else {
        None
    };
    certificates_view(&state, page, &auth, String::new(), None, notice).await
}

#[derive(Deserialize)]
struct ActivateForm {
    code: Option<String>,
}

async fn certificates_submit(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    CsrfForm(f): CsrfForm<ActivateForm>,
) -> AppResult<Response> {
    let typed = f.code.unwrap_or_default();
    match super::activate(&state, &auth.customer.id, &typed).await {
        Ok(_) => Ok(Redirect::to("/account/certificates?done=activated").into_response()),
        Err(e) => {
            let msg = crate::web::error_message(page.l, &e);
            let status = e.status();
            let retry_after = e.retry_after;
            let typed: String = typed.chars().take(80).collect();
            let mut res = certificates_view(&state, page, &auth, typed, Some(msg), None)
                .await?
                .into_response();
            *res.status_mut() = status;
            if let Some(secs) = retry_after
                && let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string())
            {
                res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
            Ok(res)
        }
    }
}
