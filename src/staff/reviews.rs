//! The moderators' queue of reviews (issue 13): pending first (the longest waiting on top),
//! filtered by status; publish, or reject with a reason the author sees. The decision itself
//! is `reviews::decide` (one conditional update); this file checks the role and writes the
//! audit trail.

use super::api::limit_of;
use super::pages::Console;
use super::{Area, Staff};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::reviews::{Decision, Review, ReviewStatus};
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use crate::web::{ApiJson, ApiQuery};
use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue_api))
        .routes(routes!(publish_api))
        .routes(routes!(reject_api))
}

pub fn pages_router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/staff/reviews", get(queue_page))
        .route("/staff/reviews/{id}/publish", post(publish_submit))
        .route("/staff/reviews/{id}/reject", post(reject_submit))
}

// ---- Rules ----

fn status_of(s: Option<&str>) -> AppResult<ReviewStatus> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(ReviewStatus::Pending),
        Some(s) => {
            ReviewStatus::parse(s).ok_or_else(|| AppError::bad_request("invalid_review_status"))
        }
    }
}

/// Reviews in a status (pending by default), the longest waiting first.
pub async fn queue(
    state: &AppState,
    staff: &Staff,
    status: ReviewStatus,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Review>, Option<String>)> {
    staff.require(Area::Reviews)?;
    crate::reviews::queue(state, status, cursor, limit).await
}

/// Publishes or rejects a pending review and writes down who did.
pub async fn decide(
    state: &AppState,
    staff: &Staff,
    id: &str,
    decision: &Decision,
    seen: Option<i64>,
) -> AppResult<Review> {
    staff.require(Area::Reviews)?;
    let r = crate::reviews::decide(state, id, decision, seen).await?;
    let (action, detail) = match decision {
        Decision::Publish => ("review_published", String::new()),
        Decision::Reject { .. } => (
            "review_rejected",
            r.reject_reason.clone().unwrap_or_default(),
        ),
    };
    super::audit(state, staff, action, &r.id, &detail).await?;
    Ok(r)
}

// ---- API ----

/// A review as moderators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffReview {
    pub id: String,
    pub status: ReviewStatus,
    pub product_id: String,
    pub product_title: String,
    /// «Анна С.» (empty when the customer gave no name).
    pub author: String,
    pub rating: i64,
    pub text: String,
    pub pros: String,
    pub cons: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reject_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The version read: send it back as `?version=` with the decision, and an edit the author
    /// made meanwhile is refused (409 `review_changed`) instead of published unread.
    pub version: i64,
}

impl From<Review> for StaffReview {
    fn from(r: Review) -> Self {
        StaffReview {
            id: r.id,
            status: r.status,
            product_id: r.product_id,
            product_title: r.product_title,
            author: r.author,
            rating: r.rating,
            text: r.text,
            pros: r.pros,
            cons: r.cons,
            reject_reason: r.reject_reason,
            created_at: crate::clock::rfc3339(r.created_at),
            updated_at: crate::clock::rfc3339(r.updated_at),
            version: r.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `pending` (default), `published` or `rejected`.
    pub status: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewQueue {
    pub items: Vec<StaffReview>,
    pub next_cursor: Option<String>,
}

/// Moderator, admin: reviews in a status, the longest waiting first.
#[utoipa::path(get, path = "/staff/reviews", tag = "staff", operation_id = "staff_reviews", security(("bearer" = [])), params(QueueQuery),
    responses((status = 200, body = ReviewQueue, description = "A page of the queue"),
        (status = 400, body = ErrorBody, description = "`invalid_review_status`, `invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`")))]
async fn queue_api(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> AppResult<Json<ReviewQueue>> {
    let limit = limit_of(q.limit)?;
    let status = status_of(q.status.as_deref())?;
    let (items, next_cursor) = queue(&state, &staff, status, q.cursor.as_deref(), limit).await?;
    Ok(Json(ReviewQueue {
        items: items.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}

/// Moderator, admin: publish a pending review (it appears on the product page at once).
#[utoipa::path(post, path = "/staff/reviews/{id}/publish", tag = "staff", operation_id = "staff_review_publish", security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id"), VersionQuery),
    responses((status = 200, body = StaffReview, description = "Published"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`review_not_found`"),
        (status = 409, body = ErrorBody, description = "`review_decided`: already published or rejected; `review_changed`: the author edited it after `version`")))]
async fn publish_api(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiQuery(v): ApiQuery<VersionQuery>,
) -> AppResult<Json<StaffReview>> {
    Ok(Json(
        decide(&state, &staff, &id, &Decision::Publish, v.version)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The review's `version` as the moderator read it (optional).
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    /// What the author is told: 3–500 characters.
    pub reason: String,
}

/// Moderator, admin: reject a pending review with a reason; the author sees it in «Мои отзывы»
/// and may edit the review (it comes back to the queue).
#[utoipa::path(post, path = "/staff/reviews/{id}/reject", tag = "staff", operation_id = "staff_review_reject", security(("bearer" = [])),
    params(("id" = String, Path, description = "Review id"), VersionQuery), request_body = RejectBody,
    responses((status = 200, body = StaffReview, description = "Rejected"),
        (status = 400, body = ErrorBody, description = "`reject_reason_required`, `reason_too_long`, `markup_not_allowed`"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`review_not_found`"),
        (status = 409, body = ErrorBody, description = "`review_decided`: already published or rejected; `review_changed`: the author edited it after `version`")))]
async fn reject_api(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiQuery(v): ApiQuery<VersionQuery>,
    ApiJson(b): ApiJson<RejectBody>,
) -> AppResult<Json<StaffReview>> {
    let d = Decision::Reject { reason: b.reason };
    Ok(Json(
        decide(&state, &staff, &id, &d, v.version).await?.into(),
    ))
}

// ---- Pages ----

#[derive(Template, WebTemplate)]
#[template(path = "staff/reviews.html")]
struct QueuePage {
    page: Page,
    me: Console,
    status: ReviewStatus,
    items: Vec<Review>,
    next: Option<String>,
    notice: Option<String>,
    error: Option<String>,
}

impl QueuePage {
    fn stars(&self, n: &i64) -> String {
        crate::reviews::pages::stars(*n)
    }
    fn statuses(&self) -> [ReviewStatus; 3] {
        ReviewStatus::ALL
    }
    fn more_link(&self, cursor: &str) -> String {
        url::form_urlencoded::Serializer::new("/staff/reviews?".to_owned())
            .append_pair("status", self.status.as_str())
            .append_pair("cursor", cursor)
            .finish()
    }
}

#[derive(Deserialize)]
struct QueueForm {
    status: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
}

async fn queue_view(
    state: &AppState,
    page: Page,
    staff: &Staff,
    status: ReviewStatus,
    cursor: Option<&str>,
    notice: Option<String>,
    error: Option<String>,
) -> AppResult<QueuePage> {
    let (items, next) = queue(state, staff, status, cursor, 50).await?;
    Ok(QueuePage {
        me: Console::of(staff),
        page,
        status,
        items,
        next,
        notice,
        error,
    })
}

async fn queue_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    ApiQuery(f): ApiQuery<QueueForm>,
) -> AppResult<QueuePage> {
    let status = status_of(f.status.as_deref())?;
    let notice = match f.done.as_deref() {
        Some("published") => Some(page.t("staff-review-published")),
        Some("rejected") => Some(page.t("staff-review-rejected")),
        _ => None,
    };
    queue_view(
        &state,
        page,
        &staff,
        status,
        f.cursor.as_deref(),
        notice,
        None,
    )
    .await
}

#[derive(Deserialize)]
struct RejectForm {
    reason: Option<String>,
    /// The version shown (a hidden field): an edit made since is refused, not published.
    version: Option<i64>,
}

async fn decided(
    state: &AppState,
    page: Page,
    staff: &Staff,
    id: &str,
    d: Decision,
    seen: Option<i64>,
) -> AppResult<Response> {
    let done = match d {
        Decision::Publish => "published",
        Decision::Reject { .. } => "rejected",
    };
    match decide(state, staff, id, &d, seen).await {
        Ok(_) => Ok(Redirect::to(&format!("/staff/reviews?done={done}")).into_response()),
        Err(e)
            if e.is_client_error()
                && !matches!(
                    e.code,
                    "forbidden_role" | "review_not_found" | "unauthorized"
                ) =>
        {
            let status = e.status();
            let error = Some(crate::web::error_message(page.l, &e));
            let mut res = queue_view(state, page, staff, ReviewStatus::Pending, None, None, error)
                .await?
                .into_response();
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

async fn publish_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<RejectForm>,
) -> AppResult<Response> {
    decided(&state, page, &staff, &id, Decision::Publish, f.version).await
}

async fn reject_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<RejectForm>,
) -> AppResult<Response> {
    let d = Decision::Reject {
        reason: f.reason.unwrap_or_default(),
    };
    decided(&state, page, &staff, &id, d, f.version).await
}
