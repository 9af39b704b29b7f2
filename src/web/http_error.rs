//! The one place where domain errors meet HTTP: each [`Kind`] has its status, a bare status of
//! a layer (405, 408, 413…) becomes an error with a code, and an error answers with its status
//! and `Retry-After` (the body is written by `web::edge`, which knows the language).

use crate::error::{AppError, Kind};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

impl AppError {
    /// The HTTP status of this error's kind.
    pub fn status(&self) -> StatusCode {
        match self.kind {
            Kind::Invalid => StatusCode::BAD_REQUEST,
            Kind::Unauthorized => StatusCode::UNAUTHORIZED,
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::Conflict => StatusCode::CONFLICT,
            Kind::PaymentDeclined => StatusCode::PAYMENT_REQUIRED,
            Kind::Limited => StatusCode::TOO_MANY_REQUESTS,
            Kind::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Kind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Kind::Timeout => StatusCode::REQUEST_TIMEOUT,
            Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }

    /// The error a bare status stands for, for responses made by layers (405, 413, 408, …).
    pub fn from_status(status: StatusCode) -> Self {
        let (kind, code) = match status.as_u16() {
            400 => (Kind::Invalid, "bad_request"),
            401 => (Kind::Unauthorized, "unauthorized"),
            403 => (Kind::Forbidden, "forbidden"),
            404 => (Kind::NotFound, "not_found"),
            405 => (Kind::MethodNotAllowed, "method_not_allowed"),
            408 => (Kind::Timeout, "timeout"),
            413 => (Kind::TooLarge, "body_too_large"),
            415 => (Kind::UnsupportedMediaType, "unsupported_media_type"),
            422 => (Kind::Invalid, "invalid_body"),
            429 => (Kind::Limited, "too_many_requests"),
            503 => (Kind::Busy, "server_busy"),
            _ if status.is_server_error() => (Kind::Internal, "internal"),
            _ => (Kind::Invalid, "bad_request"),
        };
        Self::new(kind, code)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        // The body is written by `web::edge`, which knows the language and the
        // kind of client; a bare error still carries a correct status.
        let mut res = self.status().into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res.extensions_mut().insert(self);
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_statuses_round_trip() {
        for kind in [
            Kind::Invalid,
            Kind::Unauthorized,
            Kind::Forbidden,
            Kind::NotFound,
            Kind::MethodNotAllowed,
            Kind::Timeout,
            Kind::TooLarge,
            Kind::UnsupportedMediaType,
            Kind::Limited,
            Kind::Busy,
            Kind::Internal,
        ] {
            let status = AppError::new(kind, "x").status();
            assert_eq!(AppError::from_status(status).kind, kind, "{status}");
        }
        assert_eq!(
            AppError::declined("payment_declined").status().as_u16(),
            402
        );
        assert_eq!(AppError::too_many("x", 5).status().as_u16(), 429);
    }
}
