//! Catalogue pages: the list with search and categories, the product page, pictures.

use super::{Category, Product, rubles};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
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

/// Products per «Показать ещё» step, and the most one page lists.
const STEP: i64 = 24;
const MAX_SHOWN: i64 = 480;

#[derive(Template, WebTemplate)]
#[template(path = "catalog/list.html")]
struct ListPage {
    page: Page,
    q: String,
    category: String,
    min_price: String,
    max_price: String,
    sort: super::Sort,
    sorts: [super::Sort; 4],
    categories: Vec<Category>,
    products: Vec<Product>,
    /// How many products match in all.
    total: i64,
    /// The step shown (1: the first 24; «Показать ещё» asks for the next).
    step: i64,
    /// Products already in the cart: their button leads to the cart instead.
    in_cart: std::collections::HashSet<String>,
    error: Option<String>,
}

impl ListPage {
    /// This search with other values of some parameters.
    fn url_with(&self, changes: &[(&str, &str)]) -> String {
        let step = self.step.to_string();
        let mut params = [
            ("q", self.q.as_str()),
            ("category", self.category.as_str()),
            ("min_price", self.min_price.as_str()),
            ("max_price", self.max_price.as_str()),
            ("sort", self.sort.as_str()),
            ("step", step.as_str()),
        ];
        for (k, v) in changes {
            if let Some(p) = params.iter_mut().find(|p| p.0 == *k) {
                p.1 = v;
            }
        }
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params.iter().filter(|(k, v)| {
                let default = matches!((*k, *v), ("sort", "popular") | ("step", "1"));
                !v.is_empty() && !default
            }))
            .finish();
        format!("/catalog?{query}")
    }
    fn more_url(&self) -> String {
        let next = (self.step + 1).to_string();
        format!("{}#more", self.url_with(&[("step", &next)]))
    }
    /// «показано 24 из 240».
    fn shown(&self) -> String {
        self.page.l.ta(
            "catalog-shown",
            &[
                ("n", self.products.len().to_string()),
                ("total", self.total.to_string()),
            ],
        )
    }
    /// One more step fits under the most a page lists.
    fn can_show_more(&self) -> bool {
        (self.step + 1) * STEP <= MAX_SHOWN
    }
    fn filtered(&self) -> bool {
        !self.category.is_empty() || !self.min_price.is_empty() || !self.max_price.is_empty()
    }
    /// Where the products of this step start (the «Показать ещё» anchor).
    fn first_new(&self) -> usize {
        ((self.step - 1) * STEP) as usize
    }
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    category: Option<String>,
    min_price: Option<String>,
    max_price: Option<String>,
    sort: Option<String>,
    step: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    owner: crate::cart::CartOwner,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Response> {
    let category = q.category.clone().unwrap_or_default();
    let sort = q
        .sort
        .as_deref()
        .and_then(super::Sort::parse)
        .unwrap_or_default();
    let step = q
        .step
        .as_deref()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_SHOWN / STEP);
    let typed =
        |v: &Option<String>| crate::domain::money::typed_roubles(v.as_deref().unwrap_or(""));
    let bounds = typed(&q.min_price).and_then(|lo| Ok((lo, typed(&q.max_price)?)));
    let (products, total, error) = match bounds {
        Ok((min_price, max_price)) => {
            // «от 5000 до 1000» means between the two.
            let (min_price, max_price) = match (min_price, max_price) {
                (Some(lo), Some(hi)) if lo > hi => (Some(hi), Some(lo)),
                other => other,
            };
            let b = super::Browse {
                q: q.q.clone(),
                category: Some(category.clone()).filter(|c| !c.is_empty()),
                min_price,
                max_price,
                sort,
            };
            match super::browse(&state, &b, step * STEP).await {
                Ok((p, t)) => (p, t, None),
                Err(e) if e.is_client_error() => (Vec::new(), 0, Some(e)),
                Err(e) => return Err(e),
            }
        }
        Err(e) => (Vec::new(), 0, Some(e)),
    };
    let status = error.as_ref().map(|e| e.status());
    let error = error.map(|e| crate::web::error_message(page.l, &e));
    let mut res = ListPage {
        q: q.q.unwrap_or_default(),
        category,
        min_price: q.min_price.unwrap_or_default(),
        max_price: q.max_price.unwrap_or_default(),
        sort,
        sorts: super::Sort::ALL,
        categories: super::categories(&state).await?,
        products,
        total,
        step,
        in_cart: crate::cart::product_ids(&state, &owner).await?,
        error,
        page,
    }
    .into_response();
    if let Some(s) = status {
        *res.status_mut() = s;
    }
    Ok(res)
}

/// A published review as the product page shows it.
#[derive(Debug, Clone)]
pub struct ShownReview {
    /// «Анна С.»; empty → «Покупатель».
    pub author: String,
    pub rating: i64,
    pub text: String,
    pub pros: String,
    pub cons: String,
    /// When it was published (ms).
    pub at: i64,
}

/// The product page's reviews: the average and count of the published ones and the newest.
#[derive(Debug, Clone, Default)]
pub struct ReviewsBlock {
    pub average: Option<f64>,
    pub count: i64,
    pub items: Vec<ShownReview>,
    /// The cursor of the next, older reviews («Показать ещё отзывы»).
    pub next_cursor: Option<String>,
}

type ReviewsFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = AppResult<ReviewsBlock>> + Send>>;

/// Where the product page gets its reviews. The `reviews` capability sits above the catalogue
/// (it asks `orders` whether a product was received), so the assembly (`app.rs`) hands the
/// page this function as a request extension; without it the page shows no reviews.
#[derive(Clone)]
pub struct ReviewsSource(
    pub std::sync::Arc<dyn Fn(AppState, String, Option<String>) -> ReviewsFuture + Send + Sync>,
);

#[derive(Template, WebTemplate)]
#[template(path = "catalog/product.html")]
struct ProductPage {
    page: Page,
    p: Product,
    favorite: bool,
    in_cart: bool,
    reviews: Option<ReviewsBlock>,
}

#[derive(Deserialize)]
struct ProductQuery {
    /// Where the reviews shown start (a cursor of the reviews block).
    reviews: Option<String>,
}

impl ProductPage {
    fn money(&self, k: &i64) -> String {
        rubles(*k)
    }
    /// «4,3».
    fn average(&self, a: &f64) -> String {
        let s = format!("{a:.1}");
        match self.page.l {
            crate::i18n::Locale::Ru => s.replace('.', ","),
            crate::i18n::Locale::En => s,
        }
    }
    /// «★★★★☆».
    fn more_reviews(&self, cursor: &str) -> String {
        url::form_urlencoded::Serializer::new(format!("/catalog/{}?", self.p.id))
            .append_pair("reviews", cursor)
            .finish()
            + "#reviews"
    }
    fn stars(&self, n: &i64) -> String {
        let n = (*n).clamp(0, 5) as usize;
        format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
    }
}

async fn product(
    State(state): State<AppState>,
    page: Page,
    auth: crate::customers::MaybeAuthenticated,
    owner: crate::cart::CartOwner,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ProductQuery>,
    source: Option<axum::Extension<ReviewsSource>>,
) -> AppResult<ProductPage> {
    let p = super::get(&state, &id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let favorite = match auth.0 {
        Some(a) => crate::cart::favorites::contains(&state, &a.customer.id, &p.id).await?,
        None => false,
    };
    let in_cart = crate::cart::product_ids(&state, &owner)
        .await?
        .contains(&p.id);
    let reviews = match source {
        Some(axum::Extension(s)) => {
            match (s.0)(state.clone(), p.id.clone(), q.reviews.clone()).await {
                Ok(block) => Some(block),
                // A stale or mangled «Показать ещё» link: the first reviews, not a broken page.
                Err(e) if e.code == "invalid_cursor" && q.reviews.is_some() => {
                    Some((s.0)(state.clone(), p.id.clone(), None).await?)
                }
                Err(e) => return Err(e),
            }
        }
        None => None,
    };
    Ok(ProductPage {
        page,
        p,
        favorite,
        in_cart,
        reviews,
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
