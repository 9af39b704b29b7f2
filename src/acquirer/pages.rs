//! The sandbox bank's confirmation page (see the module's documentation).

use crate::auth::sessions::Authenticated;
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
    /// The shop's order number.
    order: String,
    /// СБП: the QR code (inline SVG) the customer scans with their bank's app, and the link
    /// it encodes (what «Оплатить в приложении банка» opens on a phone).
    sbp: Option<SbpCode>,
}

struct SbpCode {
    svg: String,
    payload: String,
}

/// An СБП payment link like the ones the НСПК issues (`https://qr.nspk.ru/…?type=02&sum=…`):
/// in the sandbox it opens this bank's page for the charge, which plays the bank app.
fn sbp_payload(base_url: &str, reference: &str, amount: i64) -> String {
    format!(
        "{}/sandbox-bank/{reference}?type=02&sum={amount}&cur=RUB",
        base_url.trim_end_matches('/')
    )
}

impl ConfirmPage {
    fn title(&self) -> String {
        if self.sbp.is_some() {
            return self.page.t("sbp-pay-title");
        }
        match &self.wallet {
            Some(w) => self.page.l.ta("wallet-pay-title", &[("wallet", w.clone())]),
            None => self.page.t("three-ds-title"),
        }
    }
}

/// The charge behind a reference, if it pays an order of this customer. The sandbox bank
/// shares Kabinet's origin, so it can ask for the shop's session as a real bank asks for its
/// own sign-in: a reference seen by someone else opens nothing.
async fn own_charge(
    state: &AppState,
    auth: &Authenticated,
    reference: &str,
) -> AppResult<crate::payments::store::SandboxPayment> {
    let owner = crate::orders::payment_owner(state, reference).await?;
    if owner.as_deref() != Some(auth.customer.id.as_str()) {
        return Err(AppError::not_found());
    }
    bank(state)
        .payment(reference)
        .await?
        .ok_or_else(AppError::not_found)
}

/// The bank's page for a charge waiting for the customer; anything else (answered, dropped,
/// past its time) goes back to where the charge said, whose page tells what happened.
async fn page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    Path(reference): Path<String>,
) -> AppResult<Response> {
    let p = own_charge(&state, &auth, &reference).await?;
    if !p.waits(state.clock.now_ms()) {
        return Ok(Redirect::to(&back(&p.return_url)).into_response());
    }
    let (wallet, last4) = match p.instrument.split_once(':') {
        Some(("wallet", w)) => (Some(page.t(&format!("wallet-{w}"))), String::new()),
        Some((_, last4)) => (None, last4.to_owned()),
        None => (None, String::new()),
    };
    let sbp = if p.instrument == "sbp" {
        let payload = sbp_payload(&state.base_url, &reference, p.amount);
        Some(SbpCode {
            svg: crate::web::qr_svg(&payload)?,
            payload,
        })
    } else {
        None
    };
    Ok(ConfirmPage {
        page,
        amount: p.amount,
        wallet,
        last4,
        order: p.description,
        sbp,
    }
    .into_response())
}

#[derive(Deserialize)]
struct Decision {
    decision: Option<String>,
}

/// «Подтвердить» or «Отменить»: the bank records the answer, notifies Kabinet and sends the
/// customer back. Nothing waiting any more (answered, or past the 30 minutes): 409
/// `payment_not_pending`.
async fn decide(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(reference): Path<String>,
    CsrfForm(d): CsrfForm<Decision>,
) -> AppResult<Redirect> {
    let p = own_charge(&state, &auth, &reference).await?;
    let approve = d.decision.as_deref() == Some("confirm");
    if !bank(&state)
        .decide(&reference, approve, state.clock.now_ms())
        .await?
    {
        return Err(AppError::conflict("payment_not_pending"));
    }
    crate::orders::payment_notice(&state, &reference).await?;
    Ok(Redirect::to(&back(&p.return_url)))
}

/// The return URL as a local path (the bank and the shop share one origin in the sandbox).
fn back(url: &str) -> String {
    let path = url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| &url[i + 3 + j..]))
        .unwrap_or(url);
    crate::web::local_path(path).unwrap_or_else(|| "/".to_owned())
}
