//! The console's shop-side tools: gift certificate batches (admin; the CSV is the only copy of
//! the numbers), co-branded card applications (support decides) and uploads of the catalogue
//! and the pickup network (admin; the CLI's checker, errors by row).

use super::pages::Console;
use super::{Area, Staff};
use crate::domain::money::Kopecks;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::import::RowError;
use crate::rewards::{CobrandStatus, Decision};
use crate::state::AppState;
use crate::web::csrf::{CsrfForm, CsrfToken};
use crate::web::layout::Page;
use crate::web::{ApiJson, ApiQuery, DoneQuery};
use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Catalogues and pickup networks are bigger than any form: 32 MiB per upload.
const MAX_UPLOAD: usize = 32 * 1024 * 1024;

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue_certificates))
        .routes(routes!(card_applications))
        .routes(routes!(approve_card))
        .routes(routes!(reject_card))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(import_catalog))
                .routes(routes!(import_pickup_points))
                .layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
}

pub fn pages_router() -> axum::Router<AppState> {
    axum::Router::new()
        .route(
            "/staff/certificates",
            get(certificates_page).post(certificates_submit),
        )
        .route("/staff/card-applications", get(cards_page))
        .route(
            "/staff/card-applications/{id}/{decision}",
            post(card_submit),
        )
        .route(
            "/staff/imports",
            get(imports_page)
                .post(imports_submit)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
}

// ---------------------------------------------------------------------------------------------
// Certificates

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueBody {
    /// Face value in kopecks (whole roubles, 1 ₽ – 1 000 000 ₽).
    pub value: i64,
    /// How many, 1–10 000.
    pub count: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedItem {
    /// `XXXX-XXXX-XXXX-XXXX`
    pub number: String,
    pub code_word: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedBatch {
    /// The only copy: Kabinet keeps hashes.
    pub items: Vec<IssuedItem>,
    pub value: i64,
    pub expires_at: String,
    pub next_cursor: Option<String>,
}

/// Issues a batch and writes it to the audit trail; the numbers exist only in the answer.
async fn issue(
    state: &AppState,
    staff: &Staff,
    value: i64,
    count: u32,
) -> AppResult<Vec<crate::certificates::Issued>> {
    staff.require(Area::Certificates)?;
    if value % 100 != 0 {
        return Err(AppError::bad_request("invalid_certificate_value"));
    }
    let value = Kopecks::new(value);
    let now = state.clock.now_ms();
    let issued =
        crate::certificates::issue(&state.db, &state.keys.certificates, value, count, now).await?;
    let detail = format!("{count} × {}", crate::domain::money::rubles(value.get()));
    super::audit(state, staff, "certificates_issued", &detail, "").await?;
    Ok(issued)
}

/// Admin: issues gift certificates (valid 3 years). Only their hashes are kept: this answer is
/// the only copy of the numbers and code words.
#[utoipa::path(post, path = "/staff/certificates", tag = "staff", operation_id = "staff_issue_certificates", security(("bearer" = [])), request_body = IssueBody,
    responses(
        (status = 200, body = IssuedBatch, description = "The batch"),
        (status = 400, body = ErrorBody, description = "`invalid_certificate_value`, `invalid_certificate_count`"),
        (status = 401, body = ErrorBody, description = "Not a staff session"),
        (status = 403, body = ErrorBody, description = "`forbidden_role` (admins only)")))]
async fn issue_certificates(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(b): ApiJson<IssueBody>,
) -> AppResult<Json<IssuedBatch>> {
    let issued = issue(&state, &staff, b.value, b.count).await?;
    let expires_at = issued.first().map_or(0, |c| c.expires_at);
    Ok(Json(IssuedBatch {
        items: issued
            .into_iter()
            .map(|c| IssuedItem {
                number: c.number.display(),
                code_word: c.code_word.as_str().to_owned(),
            })
            .collect(),
        value: b.value,
        expires_at: crate::clock::rfc3339(expires_at),
        next_cursor: None,
    }))
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/certificates.html")]
struct CertificatesPage {
    page: Page,
    me: Console,
    error: Option<String>,
    value: String,
    count: String,
}

async fn certificates_page(page: Page, staff: Staff) -> AppResult<CertificatesPage> {
    staff.require(Area::Certificates)?;
    Ok(CertificatesPage {
        page,
        me: Console::of(&staff),
        error: None,
        value: "1000".into(),
        count: "10".into(),
    })
}

#[derive(Deserialize)]
struct IssueForm {
    value: Option<String>,
    count: Option<String>,
}

/// The form answers with the CSV file itself (`;`-separated, UTF-8 with BOM, opens in Excel).
async fn certificates_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    CsrfForm(f): CsrfForm<IssueForm>,
) -> AppResult<Response> {
    staff.require(Area::Certificates)?;
    let value_text = f.value.unwrap_or_default();
    let count_text = f.count.unwrap_or_default();
    let value = crate::import::roubles_to_kopecks(&value_text);
    let count = count_text.trim().parse::<u32>().ok();
    let result = match (value, count) {
        (None, _) => Err(AppError::bad_request("invalid_certificate_value")),
        (_, None) => Err(AppError::bad_request("invalid_certificate_count")),
        (Some(v), Some(n)) => issue(&state, &staff, v, n).await,
    };
    let issued = match result {
        Ok(i) => i,
        Err(e) if e.is_client_error() && e.code != "forbidden_role" => {
            let status = e.status();
            let mut res = CertificatesPage {
                error: Some(crate::web::error_message(page.l, &e)),
                me: Console::of(&staff),
                page,
                value: value_text,
                count: count_text,
            }
            .into_response();
            *res.status_mut() = status;
            return Ok(res);
        }
        Err(e) => return Err(e),
    };
    let mut csv = String::from("\u{feff}number;code_word;value_rub;expires\n");
    for c in &issued {
        csv.push_str(&format!(
            "{};{};{};{}\n",
            c.number.display(),
            c.code_word.as_str(),
            c.value.get() / 100,
            page.date(c.expires_at)
        ));
    }
    let stamp = jiff::Timestamp::from_millisecond(state.clock.now_ms())
        .map(|t| t.strftime("%Y%m%d-%H%M%S").to_string())
        .unwrap_or_default();
    let disposition = format!("attachment; filename=\"kabinet-certificates-{stamp}.csv\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(AppError::internal)?,
            ),
        ],
        csv,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// Co-branded card applications

#[derive(Debug, Serialize, ToSchema)]
pub struct CardApplication {
    pub id: String,
    pub status: CobrandStatus,
    pub full_name: String,
    pub birth_date: String,
    pub city: String,
    /// Masked: `+7916 ***-**-67`.
    pub phone: String,
    pub created_at: String,
    #[serde(skip)]
    pub created_ms: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CardApplications {
    pub items: Vec<CardApplication>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CardQuery {
    /// `submitted` (default), `approved` or `rejected`.
    pub status: Option<String>,
}

async fn applications(
    state: &AppState,
    staff: &Staff,
    status: Option<&str>,
) -> AppResult<Vec<CardApplication>> {
    staff.require(Area::CardApplications)?;
    let status = match status.unwrap_or("submitted") {
        "submitted" => CobrandStatus::Submitted,
        "approved" => CobrandStatus::Approved,
        "rejected" => CobrandStatus::Rejected,
        _ => return Err(AppError::bad_request("invalid_status")),
    };
    Ok(crate::rewards::queue(state, status, 200)
        .await?
        .into_iter()
        .map(|a| CardApplication {
            phone: super::mask_contact(&a.phone),
            created_at: crate::clock::rfc3339(a.created_at),
            created_ms: a.created_at,
            id: a.id,
            status: a.status,
            full_name: a.full_name,
            birth_date: a.birth_date,
            city: a.city,
        })
        .collect())
}

/// Support: co-branded card applications, oldest first (at most 200).
#[utoipa::path(get, path = "/staff/card-applications", tag = "staff", operation_id = "staff_card_applications", security(("bearer" = [])), params(CardQuery),
    responses(
        (status = 200, body = CardApplications, description = "The queue"),
        (status = 400, body = ErrorBody, description = "`invalid_status`"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`")))]
async fn card_applications(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(q): ApiQuery<CardQuery>,
) -> AppResult<Json<CardApplications>> {
    Ok(Json(CardApplications {
        items: applications(&state, &staff, q.status.as_deref()).await?,
        next_cursor: None,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Decided {
    pub status: CobrandStatus,
}

async fn decide(
    state: &AppState,
    staff: &Staff,
    id: &str,
    decision: Decision,
) -> AppResult<CobrandStatus> {
    staff.require(Area::CardApplications)?;
    let status = crate::rewards::decide(state, id, decision).await?;
    let action = match decision {
        Decision::Approve => "card_application_approved",
        Decision::Reject => "card_application_rejected",
    };
    super::audit(state, staff, action, id, "").await?;
    Ok(status)
}

/// Support: approves an application (the customer becomes platinum at once; an SMS tells them).
#[utoipa::path(post, path = "/staff/card-applications/{id}/approve", tag = "staff", operation_id = "staff_approve_card", security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, body = Decided, description = "Approved"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`cobrand_application_not_found`"),
        (status = 409, body = ErrorBody, description = "`cobrand_application_decided`")))]
async fn approve_card(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<Json<Decided>> {
    let status = decide(&state, &staff, &id, Decision::Approve).await?;
    Ok(Json(Decided { status }))
}

/// Support: rejects an application (an SMS tells the customer politely).
#[utoipa::path(post, path = "/staff/card-applications/{id}/reject", tag = "staff", operation_id = "staff_reject_card", security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, body = Decided, description = "Rejected"),
        (status = 403, body = ErrorBody, description = "`forbidden_role`"),
        (status = 404, body = ErrorBody, description = "`cobrand_application_not_found`"),
        (status = 409, body = ErrorBody, description = "`cobrand_application_decided`")))]
async fn reject_card(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<Json<Decided>> {
    let status = decide(&state, &staff, &id, Decision::Reject).await?;
    Ok(Json(Decided { status }))
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/cards.html")]
struct CardsPage {
    page: Page,
    me: Console,
    items: Vec<CardApplication>,
    notice: Option<String>,
    error: Option<String>,
}

async fn cards_page(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    ApiQuery(q): ApiQuery<DoneQuery>,
) -> AppResult<CardsPage> {
    let notice = match q.done.as_deref() {
        Some("approve") => Some(page.t("staff-cards-approved")),
        Some("reject") => Some(page.t("staff-cards-rejected")),
        _ => None,
    };
    Ok(CardsPage {
        items: applications(&state, &staff, None).await?,
        me: Console::of(&staff),
        page,
        notice,
        error: None,
    })
}

async fn card_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    Path((id, decision)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let Some(d) = Decision::parse(&decision) else {
        return Err(AppError::not_found());
    };
    match decide(&state, &staff, &id, d).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/staff/card-applications?done={decision}")).into_response())
        }
        Err(e) if e.is_client_error() && e.code != "forbidden_role" => {
            let status = e.status();
            let mut res = CardsPage {
                items: applications(&state, &staff, None).await?,
                me: Console::of(&staff),
                error: Some(crate::web::error_message(page.l, &e)),
                page,
                notice: None,
            }
            .into_response();
            *res.status_mut() = status;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Imports

/// What an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Upload {
    Catalog,
    PickupPoints,
}

impl Upload {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "catalog" => Some(Upload::Catalog),
            "pickup_points" => Some(Upload::PickupPoints),
            _ => None,
        }
    }
    fn action(self) -> &'static str {
        match self {
            Upload::Catalog => "catalog_imported",
            Upload::PickupPoints => "pickup_points_imported",
        }
    }
}

/// A row the checker refused.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowProblem {
    /// 1-based (the CSV header is row 0; 0 is the whole file).
    pub row: usize,
    pub message: String,
}

/// Checks and stores an upload (nothing is stored when a row is wrong), refreshes the pickup
/// network's index at once, and writes the audit row.
async fn import(
    state: &AppState,
    staff: &Staff,
    what: Upload,
    name: &str,
    text: &str,
) -> AppResult<Result<u64, Vec<RowProblem>>> {
    staff.require(Area::Imports)?;
    let now = state.clock.now_ms();
    let done = match what {
        Upload::Catalog => crate::catalog::import::import_text(&state.db, text, now).await,
        Upload::PickupPoints => crate::delivery::import::import_text(&state.db, text).await,
    }
    .map_err(AppError::internal)?;
    let problems = |errors: Vec<RowError>| {
        errors
            .into_iter()
            .map(|e| RowProblem {
                row: e.row,
                message: e.message,
            })
            .collect::<Vec<_>>()
    };
    match done {
        Ok(n) => {
            if what == Upload::PickupPoints {
                state.points.refresh(&state.db).await?;
            }
            super::audit(state, staff, what.action(), name, &format!("{n} rows")).await?;
            Ok(Ok(n))
        }
        Err(errors) => {
            let detail = format!("refused: {} row(s)", errors.len());
            super::audit(state, staff, what.action(), name, &detail).await?;
            Ok(Err(problems(errors)))
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    /// Rows written (added or updated).
    pub imported: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRefusal {
    pub error: ImportRefusalBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRefusalBody {
    /// `import_refused`
    pub code: String,
    pub message: String,
    /// Every refused row (nothing was imported).
    pub rows: Vec<RowProblem>,
}

async fn import_answer(
    state: &AppState,
    staff: &Staff,
    what: Upload,
    locale: crate::i18n::Locale,
    body: &str,
) -> AppResult<Response> {
    match import(state, staff, what, "api", body).await? {
        Ok(n) => Ok(Json(Imported { imported: n }).into_response()),
        Err(rows) => {
            let e = AppError::bad_request("import_refused");
            let body = ImportRefusal {
                error: ImportRefusalBody {
                    code: e.code.to_owned(),
                    message: crate::web::error_message(locale, &e),
                    rows,
                },
            };
            Ok((StatusCode::BAD_REQUEST, Json(body)).into_response())
        }
    }
}

/// Admin: imports products (a JSON array or CSV with a header; the same fields as
/// `kabinet catalog import`), all or nothing.
#[utoipa::path(post, path = "/staff/imports/catalog", tag = "staff", operation_id = "staff_import_catalog", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "CSV (`,` or `;`) or a JSON array"),
    responses(
        (status = 200, body = Imported, description = "Imported"),
        (status = 400, body = ImportRefusal, description = "`import_refused` with every refused row; nothing imported"),
        (status = 403, body = ErrorBody, description = "`forbidden_role` (admins only)")))]
async fn import_catalog(
    State(state): State<AppState>,
    staff: Staff,
    locale: crate::i18n::Locale,
    body: String,
) -> AppResult<Response> {
    import_answer(&state, &staff, Upload::Catalog, locale, &body).await
}

/// Admin: imports pickup points and parcel lockers (the fields of `kabinet pickup-points
/// import`), all or nothing; the nearest-point index is rebuilt at once.
#[utoipa::path(post, path = "/staff/imports/pickup-points", tag = "staff", operation_id = "staff_import_pickup_points", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "CSV (`,` or `;`) or a JSON array"),
    responses(
        (status = 200, body = Imported, description = "Imported"),
        (status = 400, body = ImportRefusal, description = "`import_refused` with every refused row; nothing imported"),
        (status = 403, body = ErrorBody, description = "`forbidden_role` (admins only)")))]
async fn import_pickup_points(
    State(state): State<AppState>,
    staff: Staff,
    locale: crate::i18n::Locale,
    body: String,
) -> AppResult<Response> {
    import_answer(&state, &staff, Upload::PickupPoints, locale, &body).await
}

#[derive(Template, WebTemplate)]
#[template(path = "staff/imports.html")]
struct ImportsPage {
    page: Page,
    me: Console,
    /// (what, file name, rows written)
    done: Option<(String, String, u64)>,
    error: Option<String>,
    rows: Vec<RowProblem>,
}

async fn imports_page(page: Page, staff: Staff) -> AppResult<ImportsPage> {
    staff.require(Area::Imports)?;
    Ok(ImportsPage {
        page,
        me: Console::of(&staff),
        done: None,
        error: None,
        rows: Vec::new(),
    })
}

/// The upload form (multipart: `csrf`, `kind`, `file`); the CSRF field is checked by hand,
/// as [`CsrfForm`] reads urlencoded bodies only.
async fn imports_submit(
    State(state): State<AppState>,
    page: Page,
    staff: Staff,
    token: Option<axum::Extension<CsrfToken>>,
    mut form: Multipart,
) -> AppResult<Response> {
    staff.require(Area::Imports)?;
    let (mut csrf, mut kind, mut file) = (String::new(), String::new(), None);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::bad_request("invalid_body"))?
    {
        match field.name().unwrap_or("") {
            "csrf" => csrf = field.text().await.unwrap_or_default(),
            "kind" => kind = field.text().await.unwrap_or_default(),
            "file" => {
                let name = field
                    .file_name()
                    .unwrap_or("file")
                    .chars()
                    .take(200)
                    .collect();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::bad_request("body_too_large"))?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let expected = token.map(|t| t.0.0).unwrap_or_default();
    if expected.is_empty() || !crate::domain::identity::same_digest(&expected, &csrf) {
        return Err(AppError::forbidden("csrf_failed"));
    }
    let view = |error: Option<String>, rows: Vec<RowProblem>, done| ImportsPage {
        page: page.clone(),
        me: Console::of(&staff),
        done,
        error,
        rows,
    };
    let Some(what) = Upload::parse(&kind) else {
        return Ok(refused(view(
            Some(page.t("error-invalid-body")),
            Vec::new(),
            None,
        )));
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(refused(view(
            Some(page.t("staff-import-no-file")),
            Vec::new(),
            None,
        )));
    };
    let Ok(text) = String::from_utf8(bytes.to_vec()) else {
        return Ok(refused(view(
            Some(page.t("staff-import-not-utf8")),
            Vec::new(),
            None,
        )));
    };
    let name: String = name;
    match import(&state, &staff, what, &name, &text).await? {
        Ok(n) => Ok(view(None, Vec::new(), Some((kind, name, n))).into_response()),
        Err(rows) => Ok(refused(view(
            Some(page.ta_n("staff-import-refused", rows.len() as i64)),
            rows,
            None,
        ))),
    }
}

fn refused(p: ImportsPage) -> Response {
    let mut res = p.into_response();
    *res.status_mut() = StatusCode::BAD_REQUEST;
    res
}
