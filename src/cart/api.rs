//! JSON API of the cart and favourites.

use super::{Cart, CartOwner};
use crate::customers::Authenticated;
use crate::error::{AppResult, ErrorBody};
use crate::i18n::Locale;
use crate::products::Product;
use crate::state::AppState;
use crate::web::ApiJson;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_cart))
        .routes(routes!(put_item, delete_item))
        .routes(routes!(list_favorites))
        .routes(routes!(add_favorite, remove_favorite))
}

/// The cart answer, with the guest cookie when this request started a guest cart.
pub fn with_cookie(state: &AppState, owner: &CartOwner, body: Response) -> Response {
    let mut res = body;
    if let Some(token) = &owner.new_cookie {
        let c = crate::web::set_cookie(state, super::CART_COOKIE, token, Some(30 * 86_400), false);
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// The cart: lines, totals and the parcel plan (`single_parcel`, and each parcel's reason).
#[utoipa::path(get, path = "/cart", tag = "cart", operation_id = "get_cart", security((), ("session_cookie" = []), ("bearer" = [])),
    responses((status = 200, body = Cart, description = "The cart of the signed-in customer or of the guest cookie")))]
async fn get_cart(
    State(state): State<AppState>,
    owner: CartOwner,
    locale: Locale,
) -> AppResult<Json<Cart>> {
    Ok(Json(super::load_for(&state, &owner, locale).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    /// 0–999 and at most the stock; 0 removes the line.
    pub quantity: i64,
}

/// Put a product in the cart with a quantity (guests get a cart cookie).
#[utoipa::path(put, path = "/cart/items/{product_id}", tag = "cart", operation_id = "put_cart_item", security((), ("session_cookie" = []), ("bearer" = [])),
    params(("product_id" = String, Path, description = "Product id")),
    request_body = Quantity,
    responses(
        (status = 200, body = Cart, description = "The cart after the change (guests also get the cart cookie)"),
        (status = 400, body = ErrorBody, description = "`invalid_quantity`"),
        (status = 404, body = ErrorBody, description = "`product_not_found`"),
        (status = 409, body = ErrorBody, description = "`not_enough_stock`")))]
async fn put_item(
    State(state): State<AppState>,
    owner: CartOwner,
    locale: Locale,
    Path(product_id): Path<String>,
    ApiJson(b): ApiJson<Quantity>,
) -> AppResult<Response> {
    super::set_quantity(&state, &owner.owner, &product_id, b.quantity).await?;
    let cart = super::load_for(&state, &owner, locale).await?;
    Ok(with_cookie(&state, &owner, Json(cart).into_response()))
}

/// Remove a product from the cart.
#[utoipa::path(delete, path = "/cart/items/{product_id}", tag = "cart", operation_id = "delete_cart_item", security((), ("session_cookie" = []), ("bearer" = [])),
    params(("product_id" = String, Path, description = "Product id")),
    responses((status = 200, body = Cart, description = "The cart without that product")))]
async fn delete_item(
    State(state): State<AppState>,
    owner: CartOwner,
    locale: Locale,
    Path(product_id): Path<String>,
) -> AppResult<Json<Cart>> {
    super::remove(&state, &owner.owner, &product_id).await?;
    Ok(Json(super::load_for(&state, &owner, locale).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FavoriteList {
    pub items: Vec<Product>,
    pub next_cursor: Option<String>,
}

/// «Избранное»: the customer's saved products, newest first.
#[utoipa::path(get, path = "/favorites", tag = "favorites", operation_id = "list_favorites", security(("session_cookie" = []), ("bearer" = [])),
    responses((status = 200, body = FavoriteList, description = "Saved products, newest first"), (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn list_favorites(
    State(state): State<AppState>,
    auth: Authenticated,
) -> AppResult<Json<FavoriteList>> {
    Ok(Json(FavoriteList {
        items: super::favorites::list(&state, &auth.customer.id).await?,
        next_cursor: None,
    }))
}

/// Save a product to «Избранное».
#[utoipa::path(put, path = "/favorites/{product_id}", tag = "favorites", operation_id = "add_favorite", security(("session_cookie" = []), ("bearer" = [])),
    params(("product_id" = String, Path, description = "Product id")),
    responses(
        (status = 204, description = "Saved (saving twice is fine)"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`product_not_found`")))]
async fn add_favorite(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(product_id): Path<String>,
) -> AppResult<StatusCode> {
    super::favorites::add(&state, &auth.customer.id, &product_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a product from «Избранное».
#[utoipa::path(delete, path = "/favorites/{product_id}", tag = "favorites", operation_id = "remove_favorite", security(("session_cookie" = []), ("bearer" = [])),
    params(("product_id" = String, Path, description = "Product id")),
    responses((status = 204, description = "Removed (or was not there)"), (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn remove_favorite(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(product_id): Path<String>,
) -> AppResult<StatusCode> {
    super::favorites::remove(&state, &auth.customer.id, &product_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
