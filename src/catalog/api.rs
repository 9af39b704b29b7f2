//! JSON API of the catalogue.

use super::{Category, Product};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::state::AppState;
use crate::web::ApiQuery;
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(one))
        .routes(routes!(list_categories))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// Words to find in the title, category or seller (case and ё/е do not matter).
    pub q: Option<String>,
    /// Category id.
    pub category: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 24.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductList {
    pub items: Vec<Product>,
    pub next_cursor: Option<String>,
}

/// The catalogue, searchable and filterable by category; cursor-paginated.
#[utoipa::path(get, path = "/products", tag = "catalog", operation_id = "list_products", params(ProductQuery),
    responses(
        (status = 200, body = ProductList, description = "A page of products"),
        (status = 400, body = ErrorBody, description = "`invalid_limit`, `invalid_cursor`")))]
async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ProductQuery>,
) -> AppResult<Json<ProductList>> {
    let limit = q.limit.unwrap_or(24);
    if !(1..=100).contains(&limit) {
        return Err(AppError::bad_request("invalid_limit"));
    }
    let after = q.cursor.as_deref().map(super::decode_cursor).transpose()?;
    let (items, next_cursor) = super::search(
        &state,
        q.q.as_deref(),
        q.category.as_deref(),
        after.as_deref(),
        limit,
    )
    .await?;
    Ok(Json(ProductList { items, next_cursor }))
}

/// One product.
#[utoipa::path(get, path = "/products/{id}", tag = "catalog", operation_id = "get_product",
    params(("id" = String, Path, description = "Product id")),
    responses(
        (status = 200, body = Product, description = "The product"),
        (status = 404, body = ErrorBody, description = "`product_not_found`")))]
async fn one(State(state): State<AppState>, Path(id): Path<String>) -> AppResult<Json<Product>> {
    super::get(&state, &id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::missing("product_not_found"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryList {
    pub items: Vec<Category>,
    pub next_cursor: Option<String>,
}

/// The categories, in catalogue order.
#[utoipa::path(get, path = "/categories", tag = "catalog", operation_id = "list_categories",
    responses((status = 200, body = CategoryList, description = "Every category")))]
async fn list_categories(State(state): State<AppState>) -> AppResult<Json<CategoryList>> {
    Ok(Json(CategoryList {
        items: super::categories(&state).await?,
        next_cursor: None,
    }))
}
