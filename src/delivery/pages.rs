//! «Пункты выдачи»: choose a pickup point or a parcel locker from a list (no JavaScript needed).

use super::Point;
use super::api::PointQuery;
use crate::auth::sessions::{Authenticated, MaybeAuthenticated};
use crate::cart::CartOwner;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use crate::web::{ApiQuery, error_message};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/pickup-points", get(page))
        .route("/pickup-points/choose", post(choose))
        .route("/account/addresses", get(addresses_page).post(address_add))
        .route("/account/addresses/{id}/default", post(address_default))
        .route("/account/addresses/{id}/delete", post(address_delete))
}

#[derive(Template, WebTemplate)]
#[template(path = "delivery/points.html")]
struct PointsPage {
    page: Page,
    q: String,
    lat: String,
    lon: String,
    kind: String,
    fits: bool,
    points: Vec<Point>,
    chosen: Option<Point>,
    signed_in: bool,
    /// Something is in the cart: offer the way back to checkout.
    cart_full: bool,
    /// A search was made (an empty list then says so).
    asked: bool,
    /// `/checkout` when choosing should return there.
    back: String,
    error: Option<String>,
}

impl PointsPage {
    fn km(&self, m: &Option<i64>) -> String {
        m.map(|m| format!("{:.1} км", m as f64 / 1000.0).replace('.', ","))
            .unwrap_or_default()
    }
}

/// The page's filters: like the API's, but coordinates arrive as typed (or as the browser's
/// geolocation filled them) and are checked here, so a typo gets a Russian sentence.
#[derive(Deserialize, Default)]
struct PageQuery {
    lat: Option<String>,
    lon: Option<String>,
    q: Option<String>,
    kind: Option<String>,
    fits: Option<String>,
    /// Where choosing a point returns to (`/checkout` when checkout sent the customer here).
    back: Option<String>,
}

/// A coordinate in degrees within ±`max` («55,75» and «55.75» both read).
fn degrees(s: Option<&str>, max: f64) -> Result<Option<f64>, crate::error::AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && v.abs() <= max)
            .map(Some)
            .ok_or_else(|| crate::error::AppError::bad_request("invalid_coordinates")),
    }
}

async fn page(
    State(state): State<AppState>,
    page: Page,
    auth: MaybeAuthenticated,
    owner: CartOwner,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Response> {
    let coords = degrees(q.lat.as_deref(), 90.0).and_then(|lat| {
        let lon = degrees(q.lon.as_deref(), 180.0)?;
        match (lat, lon) {
            (Some(a), Some(b)) => Ok(Some((a, b))),
            (None, None) => Ok(None),
            _ => Err(crate::error::AppError::bad_request("invalid_coordinates")),
        }
    });
    let text = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (points, error, asked) = match coords {
        Err(e) => (Vec::new(), Some(error_message(page.l, &e)), true),
        Ok(coords) if text.is_some() || coords.is_some() => {
            let query = PointQuery {
                lat: coords.map(|c| c.0),
                lon: coords.map(|c| c.1),
                q: if coords.is_some() {
                    None
                } else {
                    text.map(str::to_owned)
                },
                limit: None,
                kind: q.kind.clone(),
                fits: q.fits.clone(),
            };
            match super::api::find(&state, &query, &owner).await {
                Ok(p) => (p, None, true),
                Err(e) => (Vec::new(), Some(error_message(page.l, &e)), true),
            }
        }
        Ok(_) => (Vec::new(), None, false),
    };
    let chosen = match &auth.0 {
        Some(a) => super::remembered(&state, &a.customer.id).await?,
        None => None,
    };
    let back = q
        .back
        .as_deref()
        .filter(|b| *b == "/checkout")
        .unwrap_or("")
        .to_owned();
    Ok(PointsPage {
        q: q.q.clone().unwrap_or_default(),
        lat: q.lat.clone().unwrap_or_default(),
        lon: q.lon.clone().unwrap_or_default(),
        kind: q.kind.clone().unwrap_or_default(),
        fits: q.fits.as_deref() == Some("cart"),
        signed_in: auth.0.is_some(),
        cart_full: !crate::cart::product_ids(&state, &owner).await?.is_empty(),
        asked,
        back,
        points,
        chosen,
        error,
        page,
    }
    .into_response())
}

#[derive(Deserialize)]
struct ChooseForm {
    pickup_point_id: String,
    back: Option<String>,
}

async fn choose(
    State(state): State<AppState>,
    auth: Authenticated,
    CsrfForm(f): CsrfForm<ChooseForm>,
) -> AppResult<Redirect> {
    super::get(&state, &f.pickup_point_id)
        .await?
        .ok_or_else(crate::error::AppError::not_found)?;
    super::remember(&state, &auth.customer.id, &f.pickup_point_id).await?;
    Ok(Redirect::to(if f.back.as_deref() == Some("/checkout") {
        "/checkout"
    } else {
        "/pickup-points?done=1"
    }))
}

#[derive(Template, WebTemplate)]
#[template(path = "delivery/addresses.html")]
struct AddressesPage {
    page: Page,
    addresses: Vec<super::addresses::Address>,
    address: String,
    error: Option<String>,
    notice: Option<String>,
}

async fn addresses_view(
    state: &AppState,
    page: Page,
    auth: &Authenticated,
    address: String,
    error: Option<String>,
    notice: Option<String>,
) -> AppResult<AddressesPage> {
    Ok(AddressesPage {
        addresses: super::addresses::list(state, &auth.customer.id).await?,
        page,
        address,
        error,
        notice,
    })
}

/// «Адреса доставки»: the courier address book — view, add, make default, delete.
async fn addresses_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(d): ApiQuery<crate::web::DoneQuery>,
) -> AppResult<AddressesPage> {
    let notice = d
        .done
        .as_deref()
        .filter(|k| matches!(*k, "added" | "default" | "deleted"))
        .map(|k| page.t(&format!("addresses-{k}")));
    addresses_view(&state, page, &auth, String::new(), None, notice).await
}

#[derive(Deserialize)]
struct AddressForm {
    address: Option<String>,
    default: Option<String>,
}

async fn address_add(
    State(state): State<AppState>,
    mut page: Page,
    auth: Authenticated,
    CsrfForm(f): CsrfForm<AddressForm>,
) -> AppResult<Response> {
    let text = f.address.unwrap_or_default();
    match super::addresses::add(&state, &auth.customer.id, &text, f.default.is_some()).await {
        Ok(_) => Ok(Redirect::to("/account/addresses?done=added").into_response()),
        Err(e) => {
            page.here = "/account/addresses".into();
            let msg = error_message(page.l, &e);
            let mut res = addresses_view(&state, page, &auth, text, Some(msg), None)
                .await?
                .into_response();
            *res.status_mut() = e.status();
            Ok(res)
        }
    }
}

async fn address_default(
    State(state): State<AppState>,
    auth: Authenticated,
    axum::extract::Path(id): axum::extract::Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Redirect> {
    super::addresses::set_default(&state, &auth.customer.id, &id).await?;
    Ok(Redirect::to("/account/addresses?done=default"))
}

async fn address_delete(
    State(state): State<AppState>,
    auth: Authenticated,
    axum::extract::Path(id): axum::extract::Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Redirect> {
    super::addresses::remove(&state, &auth.customer.id, &id).await?;
    Ok(Redirect::to("/account/addresses?done=deleted"))
}
