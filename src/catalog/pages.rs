//! Catalogue pages: the list with search and categories, the product page, pictures.

use super::{Category, Product, rubles};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::web::ApiQuery;
use crate::web::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/catalog", get(list))
        .route("/catalog/img/{file}", get(picture))
        .route("/catalog/{id}", get(product))
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/list.html")]
struct ListPage {
    page: Page,
    q: String,
    category: String,
    categories: Vec<Category>,
    products: Vec<Product>,
    next: Option<String>,
    /// Products already in the cart: their button leads to the cart instead.
    in_cart: std::collections::HashSet<String>,
}

impl ListPage {
    fn money(&self, k: &i64) -> String {
        rubles(*k)
    }
    fn category_name(&self, c: &Category) -> String {
        match self.page.l {
            crate::i18n::Locale::Ru => c.name_ru.clone(),
            crate::i18n::Locale::En => c.name_en.clone(),
        }
    }
    fn next_url(&self, cursor: &str) -> String {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        format!(
            "/catalog?q={}&category={}&cursor={}",
            enc(&self.q),
            enc(&self.category),
            enc(cursor)
        )
    }
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    category: Option<String>,
    cursor: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    owner: crate::cart::CartOwner,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<ListPage> {
    let after = q
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(super::decode_cursor)
        .transpose()?;
    let category = q.category.unwrap_or_default();
    let cat = Some(category.as_str()).filter(|c| !c.is_empty());
    let (products, next) = super::search(&state, q.q.as_deref(), cat, after.as_deref(), 24).await?;
    Ok(ListPage {
        page,
        q: q.q.unwrap_or_default(),
        category,
        categories: super::categories(&state).await?,
        products,
        next,
        in_cart: crate::cart::product_ids(&state, &owner).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog/product.html")]
struct ProductPage {
    page: Page,
    p: Product,
    favorite: bool,
    in_cart: bool,
}

impl ProductPage {
    fn money(&self, k: &i64) -> String {
        rubles(*k)
    }
}

async fn product(
    State(state): State<AppState>,
    page: Page,
    auth: crate::auth::sessions::MaybeAuthenticated,
    owner: crate::cart::CartOwner,
    Path(id): Path<String>,
) -> AppResult<ProductPage> {
    let p = super::get(&state, &id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let favorite = match auth.0 {
        Some(a) => {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM favorites WHERE customer_id = $1 AND product_id = $2",
            )
            .bind(&a.customer.id)
            .bind(&p.id)
            .fetch_one(&state.db)
            .await?;
            n > 0
        }
        None => false,
    };
    let in_cart = crate::cart::product_ids(&state, &owner)
        .await?
        .contains(&p.id);
    Ok(ProductPage {
        page,
        p,
        favorite,
        in_cart,
    })
}

async fn picture(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let id = file.strip_suffix(".svg").ok_or_else(AppError::not_found)?;
    let p = super::get(&state, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        super::demo::picture(&p.title, &p.category_id),
    )
        .into_response())
}
