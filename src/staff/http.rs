//! Who is asking on `/staff` and `/api/v1/staff`: a staff bearer token (tools) or the staff
//! cookie (the console). Customer sessions live in another table, so a customer's token is
//! simply not found here (401), and a staff token is not found by customer calls.

use super::Staff;
use crate::customers::Actor;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// The staff member of this request, or None.
#[derive(Debug, Clone)]
pub struct MaybeStaff(pub Option<Staff>);

impl FromRequestParts<AppState> for MaybeStaff {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<MaybeStaff>() {
            return Ok(cached.clone());
        }
        let actor = Actor::from_request_parts(parts, state)
            .await
            .unwrap_or_default();
        let found = match crate::auth::http::request_token(parts, state.staff_cookie_name) {
            Some(token) => super::members::resolve(state, &token, &actor).await?,
            None => None,
        };
        let v = MaybeStaff(found);
        parts.extensions.insert(v.clone());
        Ok(v)
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        MaybeStaff::from_request_parts(parts, state)
            .await?
            .0
            .ok_or_else(AppError::unauthorized)
    }
}
