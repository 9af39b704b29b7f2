//! The console's support-assisted recovery cases (PRODUCT A9, SECURITY 28): the list, one case
//! with its evidence checked against the account, and the four-eyes decision (two different
//! members approve; either may reject with a reason). The rules and the link live in
//! `recovery`; the evidence is composed here, on the top floor, from the owners' read
//! functions (orders, the delivery address book, saved cards), and only yes / no / not given
//! leaves this file — never the stored values.

use super::api::limit_of;
use super::pages::Console;
use super::{Area, Staff};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::recovery::{self, Case, CaseStatus};
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::layout::Page;
use crate::web::{ApiJson, ApiQuery, DoneQuery};
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
        .routes(routes!(list))
        .routes(routes!(one))
        .routes(routes!(approve))
        .routes(routes!(reject))
}

pub fn pages_router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/staff/recovery-cases", get(list_page))
        .route("/staff/recovery-cases/{id}", get(case_page))
        .route("/staff/recovery-cases/{id}/approve", post(approve_submit))
        .route("/staff/recovery-cases/{id}/reject", post(reject_submit))
}

// ---- the rules of this screen ----------------------------------------------------------------

/// A case in the list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseItem {
    pub id: String,
    pub status: CaseStatus,
    /// ФИО as the person wrote it.
    pub full_name: String,
    pub old_email: String,
    /// Where the link goes when the case is approved (an email or a phone).
    pub new_contact: String,
    pub created_at: String,
    /// Approvals so far: 0, 1 or 2.
    pub approvals: i64,
    /// Whether an account has the old email.
    pub account_found: bool,
    #[serde(skip)]
    pub created_ms: i64,
}

impl CaseItem {
    fn of(c: &Case) -> Self {
        Self {
            id: c.row.id.clone(),
            status: c.status,
            full_name: c.row.full_name.clone(),
            old_email: c.row.old_email.clone(),
            new_contact: c.row.new_contact.clone(),
            created_at: crate::clock::rfc3339(c.row.created_at),
            approvals: c.approvals(),
            account_found: c.row.matched_customer_id.is_some(),
            created_ms: c.row.created_at,
        }
    }
}

/// The evidence checked against the account: `true` matches, `false` does not, `null` was not
/// given. The stored values are never shown.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct EvidenceCheck {
    /// The order number is one of the account's orders.
    pub order_number: Option<bool>,
    /// The delivery address is one of its saved addresses or an address of its orders (case,
    /// spaces and punctuation aside).
    pub delivery_address: Option<bool>,
    /// The last 4 digits are those of a saved card or a card its orders were paid with.
    pub card_last4: Option<bool>,
    /// The ФИО is the account's name (word order, case and ё aside); `null` when the account
    /// has no name. Shown, not counted: many accounts never give one.
    pub full_name: Option<bool>,
}

impl EvidenceCheck {
    /// How many given pieces matched.
    pub fn matched(&self) -> usize {
        [self.order_number, self.delivery_address, self.card_last4]
            .into_iter()
            .filter(|v| *v == Some(true))
            .count()
    }
}

/// One case as support reads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub item: CaseItem,
    /// What the person added in their own words.
    pub comment: String,
    pub evidence: EvidenceCheck,
    /// The member who approved first (their email), once someone did.
    pub first_approver: Option<String>,
    pub first_approved_at: Option<String>,
    /// The member whose approval decided the case.
    pub second_approver: Option<String>,
    pub decided_at: Option<String>,
    pub rejected_by: Option<String>,
    pub reject_reason: Option<String>,
    /// The signed-in member gave the first approval: another member must give the second.
    pub approved_by_me: bool,
    #[serde(skip)]
    pub first_approved_ms: Option<i64>,
    #[serde(skip)]
    pub decided_ms: Option<i64>,
}

/// Words an address may have or leave out: «г.», «ул.», «д.», «кв.» and their full forms.
const ADDRESS_NOISE: [&str; 10] = [
    "г",
    "гор",
    "город",
    "ул",
    "улица",
    "д",
    "дом",
    "кв",
    "квартира",
    "россия",
];

/// Text as compared: lower case, «ё» as «е», letters and digits only, single spaces, without
/// the words of [`ADDRESS_NOISE`].
fn normalise(s: &str) -> String {
    s.to_lowercase()
        .replace('ё', "е")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !ADDRESS_NOISE.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks the case's evidence against the account with the owners' read functions.
async fn check_evidence(state: &AppState, case: &Case) -> AppResult<EvidenceCheck> {
    fn given(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let row = &case.row;
    let (order, address, card) = (
        given(&row.order_number),
        given(&row.delivery_address),
        given(&row.card_last4),
    );
    let Some(customer) = row.matched_customer_id.as_deref() else {
        // No account has the old email: nothing given can match.
        return Ok(EvidenceCheck {
            order_number: order.map(|_| false),
            delivery_address: address.map(|_| false),
            card_last4: card.map(|_| false),
            full_name: None,
        });
    };
    let order_of_account = match order {
        None => None,
        Some(text) => {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            Some(match crate::orders::OrderNumber::parse(&digits) {
                Some(n) => crate::orders::by_number(state, customer, &n)
                    .await?
                    .is_some(),
                None => false,
            })
        }
    };
    let of_orders = if address.is_some() || card.is_some() {
        crate::orders::addresses_and_cards(state, customer).await?
    } else {
        Vec::new()
    };
    let address_known = match address {
        None => None,
        Some(text) => {
            let wanted = normalise(text);
            let saved = crate::delivery::addresses::list(state, customer).await?;
            Some(
                !wanted.is_empty()
                    && (saved.iter().any(|a| normalise(&a.address) == wanted)
                        || of_orders.iter().any(|(a, _)| normalise(a) == wanted)),
            )
        }
    };
    let card_known = match card {
        None => None,
        Some(last4) => {
            let saved = crate::payments::cards::list(&state.db, customer).await?;
            Some(
                saved.iter().any(|c| c.last4 == last4)
                    || of_orders.iter().any(|(_, c)| c.as_deref() == Some(last4)),
            )
        }
    };
    let account = crate::customers::by_id(&state.db, customer).await?;
    let name_of = |s: &str| {
        let mut words: Vec<String> = s
            .to_lowercase()
            .replace('ё', "е")
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        words.sort();
        words
    };
    let full_name = account
        .map(|c| c.full_name())
        .filter(|n| !n.trim().is_empty())
        .map(|n| name_of(&n) == name_of(&row.full_name));
    Ok(EvidenceCheck {
        order_number: order_of_account,
        delivery_address: address_known,
        card_last4: card_known,
        full_name,
    })
}

/// A member's email by id (the audit trail keeps ids; people read emails).
async fn member_email(state: &AppState, id: Option<&str>) -> AppResult<Option<String>> {
    Ok(match id {
        Some(id) => Some(
            super::store::member_by_id(&state.db, id)
                .await?
                .map(|m| m.email)
                .unwrap_or_else(|| id.to_owned()),
        ),
        None => None,
    })
}

/// A page of cases (`open`, `approved`, `rejected`, or all).
pub async fn cases(
    state: &AppState,
    staff: &Staff,
    status: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<CaseItem>, Option<String>)> {
    staff.require(Area::RecoveryCases)?;
    let (items, next) = recovery::cases(state, status, cursor, limit).await?;
    Ok((items.iter().map(CaseItem::of).collect(), next))
}

/// One case with its evidence checked; the view is audited.
pub async fn case(state: &AppState, staff: &Staff, id: &str) -> AppResult<CaseDetail> {
    staff.require(Area::RecoveryCases)?;
    let case = recovery::case(state, id).await?;
    let evidence = check_evidence(state, &case).await?;
    super::audit(state, staff, "recovery_case_viewed", id, "").await?;
    let row = &case.row;
    Ok(CaseDetail {
        item: CaseItem::of(&case),
        comment: row.comment.clone(),
        evidence,
        first_approver: member_email(state, row.first_approver.as_deref()).await?,
        first_approved_at: row.first_approved_at.map(crate::clock::rfc3339),
        second_approver: member_email(state, row.second_approver.as_deref()).await?,
        decided_at: row.decided_at.map(crate::clock::rfc3339),
        rejected_by: member_email(state, row.rejected_by.as_deref()).await?,
        reject_reason: row.reject_reason.clone(),
        approved_by_me: case.status == CaseStatus::AwaitingSecond
            && row.first_approver.as_deref() == Some(staff.id.as_str()),
        first_approved_ms: row.first_approved_at,
        decided_ms: row.decided_at,
    })
}

/// Approves a case (first or second approval); audited. A case whose evidence does not match
/// the account in at least two pieces (SECURITY 28) is refused: `evidence_not_matched`.
pub async fn approve_case(state: &AppState, staff: &Staff, id: &str) -> AppResult<CaseStatus> {
    staff.require(Area::RecoveryCases)?;
    let case = recovery::case(state, id).await?;
    if case.status.is_open()
        && case.row.matched_customer_id.is_some()
        && check_evidence(state, &case).await?.matched() < 2
    {
        return Err(AppError::conflict("evidence_not_matched"));
    }
    let status = recovery::approve_case(state, id, &staff.id, &staff.actor()).await?;
    super::audit(state, staff, "recovery_case_approved", id, status.as_str()).await?;
    Ok(status)
}

/// Rejects a case with a reason the person is told; audited.
pub async fn reject_case(state: &AppState, staff: &Staff, id: &str, reason: &str) -> AppResult<()> {
    staff.require(Area::RecoveryCases)?;
    recovery::reject_case(state, id, &staff.id, reason, &staff.actor()).await?;
    super::audit(state, staff, "recovery_case_rejected", id, reason.trim()).await?;
    Ok(())
}

// ---- JSON ------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CasesQuery {
    /// `open` (new and awaiting a second approval), `approved`, `rejected`; none: every case.
    pub status: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseItem>,
    pub next_cursor: Option<String>,
}

/// Support: recovery cases, newest first.
#[utoipa::path(get, path = "/staff/recovery-cases", tag = "staff", operation_id = "staff_recovery_cases",
    security(("bearer" = [])), params(CasesQuery),
    responses((status = 200, body = CaseList, description = "A page of cases"),
        (status = 400, body = ErrorBody, description = "`invalid_status`, `invalid_limit`, `invalid_cursor`"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`")))]
async fn list(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(q): ApiQuery<CasesQuery>,
) -> AppResult<Json<CaseList>> {
    let limit = limit_of(q.limit)?;
    let (items, next_cursor) = cases(
        &state,
        &staff,
        q.status.as_deref(),
        q.cursor.as_deref(),
        limit,
    )
    .await?;
    Ok(Json(CaseList { items, next_cursor }))
}

/// Support: one case, its evidence checked against the account (yes / no / not given).
#[utoipa::path(get, path = "/staff/recovery-cases/{id}", tag = "staff", operation_id = "staff_recovery_case",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = CaseDetail, description = "The case"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`case_not_found`")))]
async fn one(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<Json<CaseDetail>> {
    Ok(Json(case(&state, &staff, &id).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Decided {
    pub status: CaseStatus,
}

/// Support: approve. The first approval → `awaiting_second`; another member's → `approved`,
/// and the one-time recovery link (1 h) goes to the new contact.
#[utoipa::path(post, path = "/staff/recovery-cases/{id}/approve", tag = "staff", operation_id = "staff_approve_recovery_case",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Decided, description = "`awaiting_second` or `approved`"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`case_not_found`"),
        (status = 409, body = ErrorBody, description = "`four_eyes_required` (the same member again), `case_decided`, `case_no_account`")))]
async fn approve(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<Json<Decided>> {
    let status = approve_case(&state, &staff, &id).await?;
    Ok(Json(Decided { status }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    /// 1–500 characters; the person is told it.
    pub reason: String,
}

/// Support: reject with a reason; the person is told at the new contact.
#[utoipa::path(post, path = "/staff/recovery-cases/{id}/reject", tag = "staff", operation_id = "staff_reject_recovery_case",
    security(("bearer" = [])), params(("id" = String, Path)), request_body = RejectBody,
    responses((status = 200, body = Decided, description = "`rejected`"),
        (status = 400, body = ErrorBody, description = "`reason_required`, `reason_too_long`"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`case_not_found`"),
        (status = 409, body = ErrorBody, description = "`case_decided`")))]
async fn reject(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RejectBody>,
) -> AppResult<Json<Decided>> {
    reject_case(&state, &staff, &id, &b.reason).await?;
    Ok(Json(Decided {
        status: CaseStatus::Rejected,
    }))
}

// ---- pages -----------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "staff/cases.html")]
struct ListPage {
    page: Page,
    me: Console,
    items: Vec<CaseItem>,
    /// The filter shown: `open`, `approved`, `rejected` or `all`.
    status: String,
    next: Option<String>,
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    cursor: Option<String>,
}

async fn list_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<ListPage> {
    let status = q.status.unwrap_or_else(|| "open".into());
    let (items, next) = cases(&state, &staff, Some(&status), q.cursor.as_deref(), 50).await?;
    Ok(ListPage {
        page,
        me: Console::of(&staff),
        items,
        status,
        next,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/cases_case.html")]
struct CasePage {
    page: Page,
    me: Console,
    detail: CaseDetail,
    notice: Option<String>,
    error: Option<String>,
    reason: String,
}

impl CasePage {
    /// ✓ / ✗ / — and its class.
    fn check(&self, v: &Option<bool>) -> (&'static str, &'static str, String) {
        match v {
            Some(true) => ("✓", "check-yes", self.page.t("staff-case-check-yes")),
            Some(false) => ("✗", "check-no", self.page.t("staff-case-check-no")),
            None => ("—", "check-none", self.page.t("staff-case-check-none")),
        }
    }
}

async fn case_view(
    state: &AppState,
    mut page: Page,
    staff: &Staff,
    id: &str,
    notice: Option<String>,
    error: Option<String>,
    reason: String,
) -> AppResult<CasePage> {
    let detail = case(state, staff, id).await?;
    page.here = format!("/staff/recovery-cases/{id}");
    Ok(CasePage {
        page,
        me: Console::of(staff),
        detail,
        notice,
        error,
        reason,
    })
}

async fn case_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DoneQuery>,
) -> AppResult<CasePage> {
    let notice = match q.done.as_deref() {
        Some("awaiting_second") => Some(page.t("staff-case-done-first")),
        Some("approved") => Some(page.t("staff-case-done-approved")),
        Some("rejected") => Some(page.t("staff-case-done-rejected")),
        _ => None,
    };
    case_view(&state, page, &staff, &id, notice, None, String::new()).await
}

/// After a decision form: back to the case with a notice, or the case with the error.
async fn after(
    state: &AppState,
    page: Page,
    staff: &Staff,
    id: &str,
    done: AppResult<CaseStatus>,
    reason: String,
) -> AppResult<Response> {
    match done {
        Ok(s) => Ok(
            Redirect::to(&format!("/staff/recovery-cases/{id}?done={}", s.as_str()))
                .into_response(),
        ),
        Err(e) if e.is_client_error() && !matches!(e.code, "forbidden_role" | "case_not_found") => {
            let msg = crate::web::error_message(page.l, &e);
            let mut res = case_view(state, page, staff, id, None, Some(msg), reason)
                .await?
                .into_response();
            *res.status_mut() = e.status();
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

async fn approve_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let done = approve_case(&state, &staff, &id).await;
    after(&state, page, &staff, &id, done, String::new()).await
}

#[derive(Deserialize)]
struct RejectForm {
    reason: Option<String>,
}

async fn reject_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path(id): Path<String>,
    CsrfForm(f): CsrfForm<RejectForm>,
) -> AppResult<Response> {
    let reason = f.reason.unwrap_or_default();
    let done = reject_case(&state, &staff, &id, &reason)
        .await
        .map(|()| CaseStatus::Rejected);
    after(&state, page, &staff, &id, done, reason).await
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn addresses_compare_without_case_spaces_and_punctuation() {
        assert_eq!(
            normalise("г. Москва,  ул. Ленина, д.5, кв.12"),
            normalise("Г Москва ул ЛЕНИНА д 5 кв 12")
        );
        assert_eq!(normalise("Королёва 1"), normalise("королева, 1"));
        assert_eq!(
            normalise("г. Москва, ул. Ленина, д. 5, кв. 12"),
            normalise("Москва Ленина 5-12")
        );
        assert_ne!(normalise("Ленина 5"), normalise("Ленина 6"));
    }
}
