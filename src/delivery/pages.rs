//! «Пункты выдачи»: choose a pickup point or a parcel locker from a list (no JavaScript needed).

use super::Point;
use super::api::PointQuery;
use crate::app::AppState;
use crate::auth::sessions::{Authenticated, MaybeAuthenticated};
use crate::cart::CartOwner;
use crate::error::AppResult;
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
    error: Option<String>,
}

impl PointsPage {
    fn km(&self, m: &Option<i64>) -> String {
        m.map(|m| format!("{:.1} км", m as f64 / 1000.0).replace('.', ","))
            .unwrap_or_default()
    }
}

async fn page(
    State(state): State<AppState>,
    page: Page,
    auth: MaybeAuthenticated,
    owner: CartOwner,
    ApiQuery(q): ApiQuery<PointQuery>,
) -> AppResult<Response> {
    let asked = q.q.as_deref().is_some_and(|s| !s.trim().is_empty())
        || (q.lat.is_some() && q.lon.is_some());
    let (points, error) = if asked {
        match super::api::find(&state, &q, &owner).await {
            Ok(p) => (p, None),
            Err(e) => (Vec::new(), Some(error_message(page.l, &e))),
        }
    } else {
        (Vec::new(), None)
    };
    let chosen = match &auth.0 {
        Some(a) => super::remembered(&state, &a.customer.id).await?,
        None => None,
    };
    Ok(PointsPage {
        q: q.q.clone().unwrap_or_default(),
        lat: q.lat.map(|v| v.to_string()).unwrap_or_default(),
        lon: q.lon.map(|v| v.to_string()).unwrap_or_default(),
        kind: q.kind.clone().unwrap_or_default(),
        fits: q.fits.as_deref() == Some("cart"),
        signed_in: auth.0.is_some(),
        cart_full: !crate::cart::product_ids(&state, &owner).await?.is_empty(),
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
    Ok(Redirect::to("/pickup-points?done=1"))
}
