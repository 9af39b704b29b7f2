//! JSON API of delivery points.

use super::addresses::Address;
use super::{Filter, Kind, Point};
use crate::auth::sessions::Authenticated;
use crate::cart::CartOwner;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use crate::web::{ApiJson, ApiQuery};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(remembered, remember))
        .routes(routes!(address_list, address_add))
        .routes(routes!(address_remove))
        .routes(routes!(address_default))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AddressList {
    pub items: Vec<Address>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAddress {
    pub address: String,
    /// Make it the default for courier delivery (the first address always is).
    #[serde(default)]
    pub default: bool,
}

/// The courier address book, the default first.
#[utoipa::path(get, path = "/me/addresses", tag = "delivery", operation_id = "list_addresses", security(("session_cookie" = []), ("bearer" = [])),
    responses((status = 200, body = AddressList, description = "Kept courier addresses, the default first"), (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn address_list(
    State(state): State<AppState>,
    auth: Authenticated,
) -> AppResult<Json<AddressList>> {
    Ok(Json(AddressList {
        items: super::addresses::list(&state, &auth.customer.id).await?,
        next_cursor: None,
    }))
}

/// Keep an address (the same text again is the same address).
#[utoipa::path(post, path = "/me/addresses", tag = "delivery", operation_id = "add_address", security(("session_cookie" = []), ("bearer" = [])),
    request_body = NewAddress,
    responses(
        (status = 201, body = Address, description = "The kept address"),
        (status = 400, body = ErrorBody, description = "`invalid_address`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 409, body = ErrorBody, description = "`too_many_addresses`")))]
async fn address_add(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(b): ApiJson<NewAddress>,
) -> AppResult<(StatusCode, Json<Address>)> {
    let a = super::addresses::add(&state, &auth.customer.id, &b.address, b.default).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// Forget an address.
#[utoipa::path(delete, path = "/me/addresses/{id}", tag = "delivery", operation_id = "remove_address", security(("session_cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Address id")),
    responses(
        (status = 204, description = "Forgotten"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`address_not_found`")))]
async fn address_remove(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    super::addresses::remove(&state, &auth.customer.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Make an address the default.
#[utoipa::path(put, path = "/me/addresses/{id}/default", tag = "delivery", operation_id = "set_default_address", security(("session_cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Address id")),
    responses(
        (status = 204, description = "It is the default now"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`address_not_found`")))]
async fn address_default(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    super::addresses::set_default(&state, &auth.customer.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PointQuery {
    /// Latitude (WGS 84), with `lon`.
    pub lat: Option<f64>,
    /// Longitude (WGS 84), with `lat`.
    pub lon: Option<f64>,
    /// Address or city words (instead of coordinates).
    pub q: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<usize>,
    /// `pickup_point` or `parcel_locker`.
    pub kind: Option<String>,
    /// `cart`: only points where every parcel of the cart fits.
    pub fits: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PointList {
    pub items: Vec<Point>,
    pub next_cursor: Option<String>,
}

/// Shared by the API and the page: parse the filters and search.
pub async fn find(state: &AppState, q: &PointQuery, owner: &CartOwner) -> AppResult<Vec<Point>> {
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::bad_request("invalid_limit"));
    }
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(Kind::parse(k).ok_or_else(|| AppError::bad_request("invalid_kind"))?),
    };
    let fits = match q.fits.as_deref().filter(|f| !f.is_empty()) {
        None => None,
        Some("cart") => Some(super::cart_parcels(state, &owner.owner).await?),
        Some(_) => return Err(AppError::bad_request("invalid_fits")),
    };
    let filter = Filter { kind, fits };
    match (
        q.lat,
        q.lon,
        q.q.as_deref().filter(|s| !s.trim().is_empty()),
    ) {
        (Some(lat), Some(lon), _) => super::nearest(state, lat, lon, limit, &filter).await,
        (None, None, Some(text)) => super::by_text(state, text, limit, &filter).await,
        _ => Err(AppError::bad_request("query_required")),
    }
}

/// Pickup points and parcel lockers: nearest to `lat`/`lon` first (with `distance_m`), or
/// by address words (`q`).
#[utoipa::path(get, path = "/pickup-points", tag = "delivery", operation_id = "search_pickup_points", security((), ("session_cookie" = []), ("bearer" = [])),
    params(PointQuery),
    responses(
        (status = 200, body = PointList, description = "Points, nearest first when searched by coordinates"),
        (status = 400, body = ErrorBody, description = "`query_required`, `invalid_limit`, `invalid_kind`, `invalid_fits`")))]
async fn search(
    State(state): State<AppState>,
    owner: CartOwner,
    ApiQuery(q): ApiQuery<PointQuery>,
) -> AppResult<Json<PointList>> {
    Ok(Json(PointList {
        items: find(&state, &q, &owner).await?,
        next_cursor: None,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub pickup_point_id: String,
}

/// The customer's remembered pickup point (404 when none).
#[utoipa::path(get, path = "/me/pickup-point", tag = "delivery", operation_id = "get_remembered_pickup_point", security(("session_cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, body = Point, description = "The remembered point"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "No point remembered")))]
async fn remembered(State(state): State<AppState>, auth: Authenticated) -> AppResult<Json<Point>> {
    super::remembered(&state, &auth.customer.id)
        .await?
        .map(Json)
        .ok_or_else(AppError::not_found)
}

/// Remember a pickup point for the next checkout.
#[utoipa::path(put, path = "/me/pickup-point", tag = "delivery", operation_id = "remember_pickup_point", security(("session_cookie" = []), ("bearer" = [])),
    request_body = Choice,
    responses(
        (status = 204, description = "Remembered"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`pickup_point_not_found`")))]
async fn remember(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(b): ApiJson<Choice>,
) -> AppResult<StatusCode> {
    super::get(&state, &b.pickup_point_id)
        .await?
        .ok_or_else(|| AppError::missing("pickup_point_not_found"))?;
    super::remember(&state, &auth.customer.id, &b.pickup_point_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
