//! The HTTP face of sessions: who is asking — a bearer token (apps) or the session cookie (web)
//! — resolved once per request and kept in its extensions.

use super::lookup::{DIRECT, SessionLookup};
use crate::customers::{Authenticated, MaybeAuthenticated};
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The token of a request: `Authorization: Bearer …` (apps) or the session cookie (web).
pub fn request_token(parts: &Parts, cookie_name: &str) -> Option<String> {
    if let Some(h) = parts.headers.get(axum::http::header::AUTHORIZATION) {
        let v = h.to_str().ok()?;
        let (scheme, token) = v.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    crate::web::cookie(&parts.headers, cookie_name)
}

impl FromRequestParts<AppState> for MaybeAuthenticated {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<MaybeAuthenticated>() {
            return Ok(cached.clone());
        }
        let found = match request_token(parts, state.cookie_name) {
            Some(token) => {
                // The application's lookup comes as an extension (`app::router`).
                let lookup = parts
                    .extensions
                    .get::<std::sync::Arc<SessionLookup>>()
                    .cloned();
                let lookup = lookup.as_deref().unwrap_or(&DIRECT);
                lookup.resolve(state, &token).await?
            }
            None => None,
        };
        let v = MaybeAuthenticated(found);
        parts.extensions.insert(v.clone());
        Ok(v)
    }
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        MaybeAuthenticated::from_request_parts(parts, state)
            .await?
            .0
            .ok_or_else(AppError::unauthorized)
    }
}
