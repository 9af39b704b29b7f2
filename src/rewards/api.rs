//! JSON API of the points and the co-branded card (PRODUCT §5 «Wallet»).

use super::{CobrandStatus, NewApplication};
use crate::customers::Authenticated;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::i18n::Locale;
use crate::loyalty::{EntryKind, Tier, TierReason};
use crate::state::AppState;
use crate::web::{ApiJson, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(loyalty))
        .routes(routes!(history))
        .routes(routes!(card))
        .routes(routes!(apply))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoyaltyNextTier {
    pub tier: Tier,
    /// Goods (kopecks) still to receive within 12 months to reach it.
    pub spend_needed: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoyaltyExpiring {
    pub points: i64,
    /// When they expire (RFC 3339, UTC).
    pub at: String,
}

/// «Баллы и бонусы»: the customer's tier and points.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoyaltySummary {
    pub tier: Tier,
    /// The tier's name in the request's language («Золотой»).
    pub tier_name: String,
    /// The share of goods a received order earns, percent.
    pub accrual_percent: i64,
    /// Unexpired points (1 point = 1 ₽).
    pub points: i64,
    /// Goods (kopecks) of orders received in the last 12 months: what the tier counts.
    pub spent_12m: i64,
    /// `null` at the top tier.
    pub next_tier: Option<LoyaltyNextTier>,
    /// Points by the time they expire, soonest first.
    pub expiring: Vec<LoyaltyExpiring>,
    /// Why this tier: `purchases` or `cobrand_card` (an approved co-branded card).
    pub tier_reason: TierReason,
    /// Points may pay at most this percent of the goods.
    pub max_share_percent: i64,
}

/// A tier's name as pages and answers say it.
pub fn tier_name(l: Locale, t: Tier) -> String {
    l.t(&format!("loyalty-tier-{}", t.as_str()))
}

/// Tier, points, progress to the next tier and what expires when.
#[utoipa::path(get, path = "/loyalty", tag = "loyalty", operation_id = "get_loyalty", security(("session_cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, body = LoyaltySummary, description = "The customer's tier and points"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn loyalty(
    State(state): State<AppState>,
    auth: Authenticated,
    locale: Locale,
) -> AppResult<Json<LoyaltySummary>> {
    let s = crate::loyalty::summary(&state.db, &auth.customer.id, state.clock.now_ms()).await?;
    Ok(Json(LoyaltySummary {
        tier: s.tier,
        tier_name: tier_name(locale, s.tier),
        accrual_percent: s.tier.percent(),
        points: s.points,
        spent_12m: s.spent_12m.get(),
        next_tier: s.next_tier.map(|n| LoyaltyNextTier {
            tier: n.tier,
            spend_needed: n.spend_needed.get(),
        }),
        expiring: s
            .expiring
            .into_iter()
            .map(|e| LoyaltyExpiring {
                points: e.points,
                at: crate::clock::rfc3339(e.at),
            })
            .collect(),
        tier_reason: s.reason,
        max_share_percent: crate::loyalty::MAX_SHARE_PERCENT,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoyaltyHistoryItem {
    /// RFC 3339, UTC.
    pub at: String,
    /// Signed: earned and returned points are positive, spent, expired and taken back negative.
    pub points: i64,
    pub kind: EntryKind,
    /// The order that earned, spent or returned them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoyaltyHistory {
    pub items: Vec<LoyaltyHistoryItem>,
    pub next_cursor: Option<String>,
}

/// How points were earned, spent, returned, expired and granted, newest first.
#[utoipa::path(get, path = "/loyalty/history", tag = "loyalty", operation_id = "loyalty_history", security(("session_cookie" = []), ("bearer" = [])), params(Page),
    responses(
        (status = 200, body = LoyaltyHistory, description = "A page of the points history, newest first"),
        (status = 400, body = ErrorBody, description = "`invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn history(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiQuery(p): ApiQuery<Page>,
) -> AppResult<Json<LoyaltyHistory>> {
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::bad_request("invalid_limit"));
    }
    let (entries, next_cursor) =
        crate::loyalty::history(&state.db, &auth.customer.id, p.cursor.as_deref(), limit).await?;
    Ok(Json(LoyaltyHistory {
        items: entries
            .into_iter()
            .map(|e| LoyaltyHistoryItem {
                at: crate::clock::rfc3339(e.at),
                points: e.points,
                kind: e.kind,
                order_number: e.order_number,
            })
            .collect(),
        next_cursor,
    }))
}

/// «Карта Kabinet»: the customer's application and where the card is delivered.
#[derive(Debug, Serialize, ToSchema)]
pub struct CobrandCard {
    /// `none`, `submitted`, `approved` or `rejected` (the latest application).
    pub status: CobrandStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    /// The city of the latest application.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Cities the card is delivered to.
    pub cities: Vec<String>,
}

/// The co-branded card: the latest application's status and the cities it is delivered to.
#[utoipa::path(get, path = "/cobrand-card", tag = "loyalty", operation_id = "get_cobrand_card", security(("session_cookie" = []), ("bearer" = [])),
    responses(
        (status = 200, body = CobrandCard, description = "Status and delivery cities"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)")))]
async fn card(State(state): State<AppState>, auth: Authenticated) -> AppResult<Json<CobrandCard>> {
    let current = super::current(&state, &auth.customer.id).await?;
    Ok(Json(CobrandCard {
        status: current.as_ref().map_or(CobrandStatus::None, |a| a.status),
        application_id: current.as_ref().map(|a| a.id.clone()),
        city: current.map(|a| a.city),
        cities: state.config.cobrand_cities.clone(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CobrandApplicationBody {
    /// Surname, name and patronymic as in the passport (2–4 words).
    pub full_name: String,
    /// `YYYY-MM-DD`; the applicant must be 18 or older.
    pub birth_date: String,
    /// One of `cities` of `GET /cobrand-card`.
    pub city: String,
    /// A mobile number (any common Russian form).
    pub phone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CobrandSubmitted {
    pub id: String,
    pub status: CobrandStatus,
}

/// Apply for the co-branded card. The city is checked first: a city the card is not
/// delivered to is refused (409 `card_not_available_in_region`) and nothing is stored.
#[utoipa::path(post, path = "/cobrand-card/applications", tag = "loyalty", operation_id = "apply_cobrand_card", security(("session_cookie" = []), ("bearer" = [])),
    request_body = CobrandApplicationBody,
    responses(
        (status = 201, body = CobrandSubmitted, description = "The application is submitted"),
        (status = 400, body = ErrorBody, description = "`city_required`, `invalid_full_name`, `invalid_birth_date`, `applicant_under_18`, `invalid_phone`, `phone_not_supported`"),
        (status = 401, body = ErrorBody, description = "Not signed in (`unauthorized`)"),
        (status = 409, body = ErrorBody, description = "`card_not_available_in_region` (nothing stored), `cobrand_application_exists` (one is submitted or approved)")))]
async fn apply(
    State(state): State<AppState>,
    auth: Authenticated,
    ApiJson(b): ApiJson<CobrandApplicationBody>,
) -> AppResult<(StatusCode, Json<CobrandSubmitted>)> {
    let a = super::apply(
        &state,
        &auth.customer.id,
        &NewApplication {
            full_name: b.full_name,
            birth_date: b.birth_date,
            city: b.city,
            phone: b.phone,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CobrandSubmitted {
            id: a.id,
            status: a.status,
        }),
    ))
}
