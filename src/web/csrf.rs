//! CSRF for forms (SECURITY 24): a double-submit token. Every page visitor gets a random
//! `kabinet_csrf` cookie (HttpOnly, SameSite=Strict); every form carries the same value in a
//! hidden field, and [`CsrfForm`] refuses a body whose field does not match.

use crate::app::AppState;
use crate::error::AppError;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub const CSRF_COOKIE: &str = "kabinet_csrf";

/// The token for this request's forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Gives the request its token (from the cookie, or a new one set on the way out).
pub async fn csrf_cookie(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    if path.starts_with("/api/") || path.starts_with("/static/") || path == "/healthz" {
        return next.run(req).await;
    }
    let existing =
        super::cookie(req.headers(), CSRF_COOKIE).filter(|v| v.len() >= 32 && v.len() <= 64);
    let (token, fresh) = match existing {
        Some(t) => (t, false),
        None => (crate::auth::new_token(), true),
    };
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut res = next.run(req).await;
    if fresh {
        res.headers_mut().append(
            header::SET_COOKIE,
            super::set_cookie(&state, CSRF_COOKIE, &token, None, true),
        );
    }
    res
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// An urlencoded form body that carried the right CSRF token.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let expected = req.extensions().get::<CsrfToken>().cloned();
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::bad_request("body_too_large"))?;
        let field: CsrfField = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| AppError::bad_request("invalid_body"))?;
        let ok = expected.is_some_and(|t| crate::auth::same_digest(&t.0, &field.csrf));
        if !ok {
            return Err(AppError::forbidden("csrf_failed"));
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|e| AppError::bad_request("invalid_body").arg("detail", e.to_string()))
    }
}
