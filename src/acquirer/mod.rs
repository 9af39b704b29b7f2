//! The sandbox bank's own pages: where a real acquirer (ЮKassa, CloudPayments, Tinkoff) would
//! show its hosted 3-D Secure or wallet page. Kabinet sends the customer here
//! (`/pay/{3ds,wallet}/{number}` → [`crate::payments::PaymentProvider::confirmation_url`]);
//! the bank records the customer's answer in its own books, notifies Kabinet the way an
//! acquirer's webhook would (Kabinet then asks the bank what happened and settles), and sends
//! the customer back to the return URL given with the charge. The page is reached by the
//! charge's unguessable reference, as an acquirer's payment page is; it knows nothing of
//! Kabinet's customers and shows only what the bank itself holds.
//!
//! A real provider needs none of this module: its pages live on its own site.

use crate::error::{AppError, AppResult};
use crate::payments::sandbox::Sandbox;
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/sandbox-bank/{reference}", get(page).post(decide))
}

fn bank(state: &AppState) -> Sandbox {
    Sandbox::new(state.db.clone(), &state.base_url)
}

#[derive(Template, WebTemplate)]
#[template(path = "acquirer/confirm.html")]
struct ConfirmPage {
    page: Page,
    /// Kopecks.
    amount: i64,
    /// The wallet's name, or none for a card's 3-D Secure.
    wallet: Option<String>,
    /// The card's last four digits.
    last4: String,
    /// The shop's words: «Заказ № 1024».
    description: String,
}

impl ConfirmPage {
    fn title(&self) -> String {
        match &self.wallet {
            Some(w) => self.page.l.ta("wallet-pay-title", &[("wallet", w.clone())]),
            None => self.page.t("three-ds-title"),
        }
    }
}

/// The bank's page for a charge waiting for the customer; anything else goes back to where
/// the charge said (the order's page tells what happened).
async fn page(
    State(state): State<AppState>,
    page: Page,
    Path(reference): Path<String>,
) -> AppResult<Response> {
    let Some(p) = bank(&state).payment(&reference).await? else {
        return Err(AppError::not_found());
    };
    if p.outcome != "needs_confirmation" {
        return Ok(Redirect::to(&local(&state, &p.return_url)).into_response());
    }
    let (wallet, last4) = match p.instrument.split_once(':') {
        Some(("wallet", w)) => (Some(page.t(&format!("wallet-{w}"))), String::new()),
        Some((_, last4)) => (None, last4.to_owned()),
        None => (None, String::new()),
    };
    Ok(ConfirmPage {
        page,
        amount: p.amount,
        wallet,
        last4,
        description: p.description,
    }
    .into_response())
}

#[derive(Deserialize)]
struct Decision {
    decision: Option<String>,
}

/// «Подтвердить» or «Отменить»: the bank records the answer, notifies Kabinet and sends the
/// customer back.
async fn decide(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    CsrfForm(d): CsrfForm<Decision>,
) -> AppResult<Redirect> {
    let bank = bank(&state);
    let Some(p) = bank.payment(&reference).await? else {
        return Err(AppError::not_found());
    };
    bank.decide(&reference, d.decision.as_deref() == Some("confirm"))
        .await?;
    crate::orders::payment_notice(&state, &reference).await?;
    Ok(Redirect::to(&local(&state, &p.return_url)))
}

/// A URL of this server as a path (the bank and the shop share one origin in the sandbox).
fn local(state: &AppState, url: &str) -> String {
    url.strip_prefix(state.base_url.trim_end_matches('/'))
        .filter(|p| p.starts_with('/'))
        .unwrap_or("/")
        .to_owned()
}
