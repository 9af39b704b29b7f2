//! «Мои данные»: the page with the download and the account's deletion.

use crate::auth::sessions::Authenticated;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::layout::{NoticePage, Page};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/data", get(data).post(delete_submit))
        .route("/account/data/export", get(download))
        .route("/account/deleted", get(deleted))
}

#[derive(Template, WebTemplate)]
#[template(path = "mydata/data.html")]
struct DataPage {
    page: Page,
    error: Option<String>,
    /// Orders on their way (the account cannot be deleted until they arrive or are cancelled).
    underway: i64,
}

async fn data(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
) -> AppResult<DataPage> {
    Ok(DataPage {
        underway: super::store::orders_underway(&state.db, &auth.customer.id).await?,
        error: None,
        page,
    })
}

/// The same JSON as `GET /api/v1/me/export`, as a file.
async fn download(State(state): State<AppState>, auth: Authenticated) -> AppResult<Response> {
    let data = super::export(&state, &auth).await?;
    let body = serde_json::to_vec_pretty(&data).map_err(crate::error::AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"kabinet-my-data.json\"",
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(serde::Deserialize)]
struct DeleteForm {
    /// The «I understand» box.
    confirm: Option<String>,
}

async fn delete_submit(
    State(state): State<AppState>,
    page: Page,
    auth: Authenticated,
    CsrfForm(f): CsrfForm<DeleteForm>,
) -> AppResult<Response> {
    let fail = |page: Page, underway: i64, msg: String, status: StatusCode| {
        let mut res = DataPage {
            page,
            error: Some(msg),
            underway,
        }
        .into_response();
        *res.status_mut() = status;
        res
    };
    let underway = super::store::orders_underway(&state.db, &auth.customer.id).await?;
    if f.confirm.is_none() {
        let msg = page.t("mydata-confirm-needed");
        return Ok(fail(page, underway, msg, StatusCode::BAD_REQUEST));
    }
    match super::delete(&state, &auth).await {
        Ok(()) => Ok((
            StatusCode::SEE_OTHER,
            [
                (
                    header::SET_COOKIE,
                    crate::auth::api::clear_session_cookie(&state),
                ),
                (
                    header::LOCATION,
                    axum::http::HeaderValue::from_static("/account/deleted"),
                ),
            ],
        )
            .into_response()),
        // A sign-in older than 15 minutes: sign in again, then come back here.
        Err(e) if e.code == "reauth_required" => {
            Ok(Redirect::to("/login?next=%2Faccount%2Fdata").into_response())
        }
        Err(e) => {
            let msg = crate::web::error_message(page.l, &e);
            Ok(fail(page, underway, msg, e.status()))
        }
    }
}

async fn deleted(page: Page) -> NoticePage {
    NoticePage {
        title: page.t("mydata-deleted-title"),
        text: page.t("mydata-deleted-text"),
        action: Some(("/".into(), page.t("mydata-deleted-home"))),
        page,
    }
}
