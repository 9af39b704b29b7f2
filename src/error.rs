//! One error type with stable snake_case codes. Handlers return it; the `render_errors`
//! middleware turns it into `{"error":{"code","message"}}` for the API or a friendly page for
//! the site, in the request's language (it knows the request, the error does not).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone)]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    /// Arguments for the localised message `error-<code>`.
    pub args: Vec<(&'static str, String)>,
    pub retry_after: Option<i64>,
    /// Extra fields of the JSON error object (e.g. the `flow_id` of a next step).
    pub details: Vec<(&'static str, String)>,
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self {
            status,
            code,
            args: Vec::new(),
            retry_after: None,
            details: Vec::new(),
        }
    }
    pub fn bad_request(code: &'static str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code)
    }
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized")
    }
    /// A 401 about the credentials given (not about a missing session).
    pub fn unauthorized_with(code: &'static str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code)
    }
    pub fn forbidden(code: &'static str) -> Self {
        Self::new(StatusCode::FORBIDDEN, code)
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found")
    }
    pub fn conflict(code: &'static str) -> Self {
        Self::new(StatusCode::CONFLICT, code)
    }
    /// 429 with `Retry-After` in whole seconds (at least 1).
    pub fn too_many(code: &'static str, retry_after_secs: i64) -> Self {
        let secs = retry_after_secs.max(1);
        Self {
            retry_after: Some(secs),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, code)
        }
        .arg("seconds", secs.to_string())
    }
    /// 503 with `Retry-After`: a bounded pool is full; try again in a moment.
    pub fn busy() -> Self {
        Self {
            retry_after: Some(1),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, "server_busy")
        }
    }
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    }
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }
    pub fn detail(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.details.push((name, value.into()));
        self
    }

    /// The code a bare status maps to, for responses made by layers (405, 413, 408, …).
    pub fn from_status(status: StatusCode) -> Self {
        let code = match status.as_u16() {
            400 => "bad_request",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not_found",
            405 => "method_not_allowed",
            408 => "timeout",
            413 => "body_too_large",
            415 => "unsupported_media_type",
            422 => "invalid_body",
            429 => "too_many_requests",
            _ if status.is_server_error() => "internal",
            _ => "bad_request",
        };
        Self::new(status, code)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        // The body is written by `web::render_errors`, which knows the language and the
        // kind of client; a bare error still carries a correct status.
        let mut res = self.status.into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        res.extensions_mut().insert(self);
        res
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::internal(e)
    }
}

/// A bounded pool is full (hashing, drawing captchas): the request is refused with 503 instead
/// of queueing without end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the CPU pool is busy")]
pub struct Busy;

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        if e.is::<Busy>() {
            return AppError::busy();
        }
        AppError::internal(format!("{e:#}"))
    }
}

impl From<Busy> for AppError {
    fn from(_: Busy) -> Self {
        AppError::busy()
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// The error shape, for the OpenAPI document.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `invalid_code`.
    pub code: String,
    /// Text in the request's language.
    pub message: String,
}
