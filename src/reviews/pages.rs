//! «Мои отзывы» (`/account/reviews`): pending, published and rejected reviews (with the
//! moderator's reason), the form to write one (`/account/reviews/new?product=ID`, stars as
//! radio buttons: no JavaScript needed) and to edit one until it is published; and the product
//! page's reviews block (handed to the catalogue at assembly, see [`source`]).

use super::{Draft, Review, ReviewStatus};
use crate::catalog::pages::{ReviewsBlock, ReviewsSource, ShownReview};
use crate::customers::Authenticated;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::ApiQuery;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/reviews", get(mine_page).post(create_submit))
        .route("/account/reviews/new", get(new_page))
        .route("/account/reviews/{id}", post(edit_submit))
        .route("/account/reviews/{id}/edit", get(edit_page))
}

/// How many published reviews the product page shows.
const ON_PRODUCT_PAGE: i64 = 20;

/// The product page's reviews, for the catalogue (see `catalog::pages::ReviewsSource`).
pub fn source() -> ReviewsSource {
    ReviewsSource(std::sync::Arc::new(
        |state: AppState, product: String, cursor: Option<String>| {
            Box::pin(async move {
                let p =
                    super::published(&state, &product, cursor.as_deref(), ON_PRODUCT_PAGE).await?;
                Ok(ReviewsBlock {
                    average: p.average,
                    count: p.count,
                    items: p
                        .items
                        .into_iter()
                        .map(|r| ShownReview {
                            at: r.decided_at.unwrap_or(r.updated_at),
                            author: r.author,
                            rating: r.rating,
                            text: r.text,
                            pros: r.pros,
                            cons: r.cons,
                        })
                        .collect(),
                    next_cursor: p.next_cursor,
                })
            })
        },
    ))
}

/// «★★★★☆».
pub fn stars(n: i64) -> String {
    let n = n.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

#[derive(Template, WebTemplate)]
#[template(path = "reviews/mine.html")]
struct MinePage {
    page: Page,
    pending: Vec<Review>,
    published: Vec<Review>,
    rejected: Vec<Review>,
    notice: Option<String>,
}

impl MinePage {
    fn stars(&self, n: &i64) -> String {
        stars(*n)
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn mine_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<DoneQuery>,
) -> AppResult<MinePage> {
    // Everything the customer wrote (a customer writes a few: one per received product).
    let (all, _) = super::mine(&state, &auth.customer.id, None, 500).await?;
    let of = |s: ReviewStatus| all.iter().filter(|r| r.status == s).cloned().collect();
    let notice = match q.done.as_deref() {
        Some("created") => Some(page.t("reviews-done-created")),
        Some("edited") => Some(page.t("reviews-done-edited")),
        _ => None,
    };
    Ok(MinePage {
        pending: of(ReviewStatus::Pending),
        published: of(ReviewStatus::Published),
        rejected: of(ReviewStatus::Rejected),
        notice,
        page,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "reviews/form.html")]
struct FormPage {
    page: Page,
    /// `None`: a new review.
    id: Option<String>,
    product_id: String,
    product_title: String,
    /// The reason of a rejected review being edited.
    reject_reason: Option<String>,
    rating: i64,
    text: String,
    pros: String,
    cons: String,
    error: Option<String>,
    /// Not received: no form, only the explanation.
    refused: bool,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.id {
            Some(id) => format!("/account/reviews/{id}"),
            None => "/account/reviews".into(),
        }
    }
    fn star_label(&self, n: &i64) -> String {
        self.page.ta_n("review-stars-label", *n)
    }
}

#[derive(Deserialize)]
struct NewQuery {
    product: Option<String>,
}

async fn new_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<NewQuery>,
) -> AppResult<Response> {
    let product = q.product.unwrap_or_default();
    let c = &auth.customer.id;
    if let Some(r) = super::mine_of_product(&state, c, &product).await? {
        return Ok(if r.status == ReviewStatus::Published {
            Redirect::to("/account/reviews").into_response()
        } else {
            Redirect::to(&format!("/account/reviews/{}/edit", r.id)).into_response()
        });
    }
    let title = crate::orders::received_product(&state.db, c, &product).await?;
    let refused = title.is_none();
    let mut res = FormPage {
        id: None,
        product_id: product,
        product_title: title.unwrap_or_default(),
        reject_reason: None,
        rating: 0,
        text: String::new(),
        pros: String::new(),
        cons: String::new(),
        error: refused.then(|| page.t("error-not-purchased")),
        refused,
        page,
    }
    .into_response();
    if refused {
        *res.status_mut() = axum::http::StatusCode::FORBIDDEN;
    }
    Ok(res)
}

async fn edit_page(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let r = super::mine_one(&state, &auth.customer.id, &id).await?;
    if r.status == ReviewStatus::Published {
        return Ok(Redirect::to("/account/reviews").into_response());
    }
    Ok(FormPage {
        id: Some(r.id),
        product_id: r.product_id,
        product_title: r.product_title,
        reject_reason: r.reject_reason,
        rating: r.rating,
        text: r.text,
        pros: r.pros,
        cons: r.cons,
        error: None,
        refused: false,
        page,
    }
    .into_response())
}

#[derive(Deserialize)]
struct ReviewForm {
    product: Option<String>,
    rating: Option<String>,
    text: Option<String>,
    pros: Option<String>,
    cons: Option<String>,
}

impl ReviewForm {
    fn draft(&self) -> Draft {
        Draft {
            rating: self
                .rating
                .as_deref()
                .and_then(|r| r.trim().parse().ok())
                .unwrap_or(0),
            text: self.text.clone().unwrap_or_default(),
            pros: self.pros.clone().unwrap_or_default(),
            cons: self.cons.clone().unwrap_or_default(),
        }
    }
}

/// The form again with what was typed and the error.
async fn again(
    state: &AppState,
    page: Page,
    auth: &Authenticated,
    id: Option<String>,
    f: &ReviewForm,
    e: AppError,
) -> AppResult<Response> {
    let c = &auth.customer.id;
    let (product_id, title, reason) = match &id {
        Some(id) => {
            let r = super::mine_one(state, c, id).await?;
            (r.product_id, r.product_title, r.reject_reason)
        }
        None => {
            let p = f.product.clone().unwrap_or_default();
            let t = crate::orders::received_product(&state.db, c, &p)
                .await?
                .unwrap_or_default();
            (p, t, None)
        }
    };
    let d = f.draft();
    let status = e.status();
    let refused = e.code == "not_purchased";
    let mut res = FormPage {
        error: Some(crate::web::error_message(page.l, &e)),
        id,
        product_id,
        product_title: title,
        reject_reason: reason,
        rating: d.rating,
        text: d.text,
        pros: d.pros,
        cons: d.cons,
        refused,
        page,
    }
    .into_response();
    *res.status_mut() = status;
    Ok(res)
}

async fn create_submit(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    CsrfForm(f): CsrfForm<ReviewForm>,
) -> AppResult<Response> {
    let product = f.product.clone().unwrap_or_default();
    match super::create(&state, &auth.customer.id, &product, &f.draft()).await {
        Ok(_) => Ok(Redirect::to("/account/reviews?done=created").into_response()),
        Err(e) if e.code == "review_exists" => {
            let r = super::mine_of_product(&state, &auth.customer.id, &product).await?;
            match r {
                Some(r) if r.status != ReviewStatus::Published => {
                    Ok(Redirect::to(&format!("/account/reviews/{}/edit", r.id)).into_response())
                }
                _ => Ok(Redirect::to("/account/reviews").into_response()),
            }
        }
        Err(e) if e.is_client_error() => again(&state, page, &auth, None, &f, e).await,
        Err(e) => Err(e),
    }
}

async fn edit_submit(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<ReviewForm>,
) -> AppResult<Response> {
    match super::edit(&state, &auth.customer.id, &id, &f.draft()).await {
        Ok(_) => Ok(Redirect::to("/account/reviews?done=edited").into_response()),
        Err(e) if e.code == "review_not_found" => Err(e),
        Err(e) if e.code == "review_published" => {
            Ok(Redirect::to("/account/reviews").into_response())
        }
        Err(e) if e.is_client_error() => again(&state, page, &auth, Some(id), &f, e).await,
        Err(e) => Err(e),
    }
}
