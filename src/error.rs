//! One error type with stable snake_case codes. Rules return it with a [`Kind`] — what went
//! wrong, in the domain's words — and no HTTP: `web::http_error` alone maps kinds to statuses,
//! and the `web::edge` middleware turns an error into `{"error":{"code","message"}}` for
//! the API or a friendly page for the site, in the request's language (it knows the request,
//! the error does not).

/// What kind of failure an error is; `web` maps each to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The input is wrong (a field, a code, a limit of the request itself).
    Invalid,
    /// No session, or credentials that do not match.
    Unauthorized,
    /// Signed in, but not allowed (yet): a fresh sign-in, a captcha, someone else's thing.
    Forbidden,
    NotFound,
    /// The state moved on: out of stock, already paid, the cart changed.
    Conflict,
    /// The payment was refused.
    PaymentDeclined,
    /// Too many tries: come back after `retry_after` seconds.
    Limited,
    /// A bounded pool is full: try again in a moment.
    Busy,
    Internal,
    // Failures only the HTTP layer produces (its own rejections).
    MethodNotAllowed,
    Timeout,
    TooLarge,
    UnsupportedMediaType,
}

#[derive(Debug, Clone)]
pub struct AppError {
    pub kind: Kind,
    pub code: &'static str,
    /// Arguments for the localised message `error-<code>`.
    pub args: Vec<(&'static str, String)>,
    pub retry_after: Option<i64>,
    /// Extra fields of the JSON error object (e.g. the `flow_id` of a next step).
    pub details: Vec<(&'static str, String)>,
}

impl AppError {
    pub fn new(kind: Kind, code: &'static str) -> Self {
        Self {
            kind,
            code,
            args: Vec::new(),
            retry_after: None,
            details: Vec::new(),
        }
    }
    pub fn bad_request(code: &'static str) -> Self {
        Self::new(Kind::Invalid, code)
    }
    pub fn unauthorized() -> Self {
        Self::new(Kind::Unauthorized, "unauthorized")
    }
    /// A refusal of the credentials given (not about a missing session).
    pub fn unauthorized_with(code: &'static str) -> Self {
        Self::new(Kind::Unauthorized, code)
    }
    pub fn forbidden(code: &'static str) -> Self {
        Self::new(Kind::Forbidden, code)
    }
    pub fn not_found() -> Self {
        Self::new(Kind::NotFound, "not_found")
    }
    /// Not found, with the code that says what («order_not_found», «address_not_found»…).
    pub fn missing(code: &'static str) -> Self {
        Self::new(Kind::NotFound, code)
    }
    pub fn conflict(code: &'static str) -> Self {
        Self::new(Kind::Conflict, code)
    }
    pub fn declined(code: &'static str) -> Self {
        Self::new(Kind::PaymentDeclined, code)
    }
    /// Too many tries, with a wait in whole seconds (at least 1).
    pub fn too_many(code: &'static str, retry_after_secs: i64) -> Self {
        let secs = retry_after_secs.max(1);
        Self {
            retry_after: Some(secs),
            ..Self::new(Kind::Limited, code)
        }
        .arg("seconds", secs.to_string())
    }
    /// A bounded pool is full; try again in a moment.
    pub fn busy() -> Self {
        Self {
            retry_after: Some(1),
            ..Self::new(Kind::Busy, "server_busy")
        }
    }
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::new(Kind::Internal, "internal")
    }
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }
    pub fn detail(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.details.push((name, value.into()));
        self
    }
    /// A mistake of the client's (the input, the state, a limit), not of the server.
    pub fn is_client_error(&self) -> bool {
        !matches!(self.kind, Kind::Internal | Kind::Busy | Kind::Timeout)
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
