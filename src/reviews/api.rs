//! JSON API of reviews (PRODUCT §5 «Account care»): write, edit and list mine; a product's
//! published reviews. The moderators' calls are in `staff::reviews`.

use super::{Draft, Review, ReviewStatus};
use crate::customers::Authenticated;
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
        .routes(routes!(create))
        .routes(routes!(mine))
        .routes(routes!(edit))
        .routes(routes!(product_reviews))
}

/// A list limit: 1–100, default 20.
pub fn limit_of(limit: Option<i64>) -> AppResult<i64> {
    let limit = limit.unwrap_or(20);
    if (1..=100).contains(&limit) {
        Ok(limit)
    } else {
        Err(AppError::bad_request("invalid_limit"))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// A product the customer received.
    pub product_id: String,
    /// 1–5.
    pub rating: i64,
    /// 10–4000 characters, plain text (markup is refused).
    pub text: String,
    /// At most 1000 characters.
    pub pros: Option<String>,
    /// At most 1000 characters.
    pub cons: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewEditBody {
    pub rating: i64,
    pub text: String,
    pub pros: Option<String>,
    pub cons: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewCreated {
    pub id: String,
    pub status: ReviewStatus,
}

/// One of my reviews.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyReview {
    pub id: String,
    pub product_id: String,
    pub product_title: String,
    pub status: ReviewStatus,
    /// The moderator's reason, when rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reject_reason: Option<String>,
    pub rating: i64,
    pub text: String,
    pub pros: String,
    pub cons: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
    /// When published or rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
}

impl From<Review> for MyReview {
    fn from(r: Review) -> Self {
        MyReview {
            id: r.id,
            product_id: r.product_id,
            product_title: r.product_title,
            status: r.status,
            reject_reason: r.reject_reason,
            rating: r.rating,
            text: r.text,
            pros: r.pros,
            cons: r.cons,
            created_at: crate::clock::rfc3339(r.created_at),
            updated_at: crate::clock::rfc3339(r.updated_at),
            decided_at: r.decided_at.map(crate::clock::rfc3339),
        }
    }
}

fn draft(rating: i64, text: String, pros: Option<String>, cons: Option<String>) -> Draft {
    Draft {
        rating,
        text,
        pros: pros.unwrap_or_default(),
        cons: cons.unwrap_or_default(),
    }
}

/// Write a review of a product I received; it waits for moderation (`pending`). One review
/// per product: a second answers 409 `review_exists` with `review_id` — edit that one with
/// `PUT /me/reviews/{id}`.
#[utoipa::path(post, path = "/reviews", tag = "reviews", operation_id = "create_review", security(("session_cookie" = []), ("bearer" = [])),
    request_body = ReviewBody,
    responses(
        (status = 201, body = ReviewCreated, description = "Stored, waiting for moderation"),
        (status = 400, body = ErrorBody, description = "`invalid_rating`, `review_text_too_short`, `review_text_too_long`, `review_part_too_long`, `markup_not_allowed`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 403, body = ErrorBody, description = "`not_purchased`: not bought, or not yet received"),
        (status = 409, body = ErrorBody, description = "`review_exists` (with `review_id`): one per product")))]
async fn create(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(b): ApiJson<ReviewBody>,
) -> AppResult<(StatusCode, Json<ReviewCreated>)> {
    let r = super::create(
        &state,
        &auth.customer.id,
        &b.product_id,
        &draft(b.rating, b.text, b.pros, b.cons),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(ReviewCreated {
            id: r.id,
            status: r.status,
        }),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyReviews {
    pub items: Vec<MyReview>,
    pub next_cursor: Option<String>,
}

/// «Мои отзывы»: all my reviews, newest first — pending, published and rejected (with the
/// moderator's reason).
#[utoipa::path(get, path = "/me/reviews", tag = "reviews", operation_id = "my_reviews", security(("session_cookie" = []), ("bearer" = [])), params(PageQuery),
    responses(
        (status = 200, body = MyReviews, description = "A page of my reviews"),
        (status = 400, body = ErrorBody, description = "`invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn mine(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Json<MyReviews>> {
    let limit = limit_of(q.limit)?;
    let (items, next_cursor) =
        super::mine(&state, &auth.customer.id, q.cursor.as_deref(), limit).await?;
    Ok(Json(MyReviews {
        items: items.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}

/// Edit my review while it is pending or rejected; it goes back to moderation. A published
/// review cannot be edited (409 `review_published`).
#[utoipa::path(put, path = "/me/reviews/{id}", tag = "reviews", operation_id = "edit_review", security(("session_cookie" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Review id")), request_body = ReviewEditBody,
    responses(
        (status = 200, body = MyReview, description = "Edited, waiting for moderation again"),
        (status = 400, body = ErrorBody, description = "`invalid_rating`, `review_text_too_short`, `review_text_too_long`, `review_part_too_long`, `markup_not_allowed`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 404, body = ErrorBody, description = "`review_not_found` (or another customer's)"),
        (status = 409, body = ErrorBody, description = "`review_published`")))]
async fn edit(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReviewEditBody>,
) -> AppResult<Json<MyReview>> {
    let r = super::edit(
        &state,
        &auth.customer.id,
        &id,
        &draft(b.rating, b.text, b.pros, b.cons),
    )
    .await?;
    Ok(Json(r.into()))
}

/// A published review as anyone sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedReview {
    pub id: String,
    /// «Анна С.» (first name and the surname's initial) or «Покупатель».
    pub author: String,
    pub rating: i64,
    pub text: String,
    pub pros: String,
    pub cons: String,
    /// When it was published (RFC 3339, UTC).
    pub published_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProductReviews {
    pub items: Vec<PublishedReview>,
    pub next_cursor: Option<String>,
    /// The average rating of all published reviews, one decimal; `null` when none.
    pub average: Option<f64>,
    /// How many reviews are published.
    pub count: i64,
}

/// A product's published reviews, newest first, with the average rating and count. Pending
/// and rejected reviews never appear here.
#[utoipa::path(get, path = "/products/{id}/reviews", tag = "reviews", operation_id = "product_reviews",
    params(("id" = String, Path, description = "Product id"), PageQuery),
    responses(
        (status = 200, body = ProductReviews, description = "Published reviews and the average"),
        (status = 400, body = ErrorBody, description = "`invalid_limit`, `invalid_cursor`"),
        (status = 404, body = ErrorBody, description = "`product_not_found`")))]
async fn product_reviews(
    State(state): State<AppState>,
    locale: crate::i18n::Locale,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> AppResult<Json<ProductReviews>> {
    let limit = limit_of(q.limit)?;
    crate::products::get(&state, &id)
        .await?
        .ok_or_else(|| AppError::missing("product_not_found"))?;
    let p = super::published(&state, &id, q.cursor.as_deref(), limit).await?;
    let anonymous = locale.t("review-author-anonymous");
    Ok(Json(ProductReviews {
        items: p
            .items
            .into_iter()
            .map(|r| PublishedReview {
                id: r.id,
                author: if r.author.is_empty() {
                    anonymous.clone()
                } else {
                    r.author
                },
                rating: r.rating,
                text: r.text,
                pros: r.pros,
                cons: r.cons,
                published_at: crate::clock::rfc3339(r.decided_at.unwrap_or(r.updated_at)),
            })
            .collect(),
        next_cursor: p.next_cursor,
        average: p.average,
        count: p.count,
    }))
}
