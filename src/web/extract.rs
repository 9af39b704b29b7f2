//! Request extractors: who is asking (the session of a bearer token or the cookie), and whose
//! cart a request works on (the account's, or a guest cookie's — merged at sign-in). The rules
//! they call live in `auth` and `cart`; what a request carries is read here.

use crate::auth::sessions::{Authenticated, MaybeAuthenticated, resolve};
use crate::cart::{CART_COOKIE, CartOwner, guest_owner, merge};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};

/// The token of a request: `Authorization: Bearer …` (apps) or the session cookie (web).
pub fn request_token(parts: &Parts, cookie_name: &str) -> Option<String> {
    if let Some(h) = parts.headers.get(axum::http::header::AUTHORIZATION) {
        let v = h.to_str().ok()?;
        let (scheme, token) = v.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    super::cookie(&parts.headers, cookie_name)
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
            Some(token) => resolve(state, &token).await?,
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

impl FromRequestParts<AppState> for CartOwner {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(cached) = parts.extensions.get::<CartOwner>() {
            return Ok(cached.clone());
        }
        let auth = MaybeAuthenticated::from_request_parts(parts, state).await?;
        let guest = guest_token(&parts.headers);
        let owner = match (auth.0, guest) {
            (Some(a), guest) => {
                if let Some(g) = guest {
                    merge(state, &guest_owner(&g), &a.customer.id).await?;
                }
                CartOwner {
                    owner: a.customer.id.clone(),
                    customer_id: Some(a.customer.id),
                    new_cookie: None,
                }
            }
            (None, Some(g)) => CartOwner {
                owner: guest_owner(&g),
                customer_id: None,
                new_cookie: None,
            },
            (None, None) => {
                let token = crate::auth::new_token();
                CartOwner {
                    owner: guest_owner(&token),
                    customer_id: None,
                    new_cookie: Some(token),
                }
            }
        };
        parts.extensions.insert(owner.clone());
        Ok(owner)
    }
}

/// Merges the request's guest cart (if any) into the customer's at sign-in; the answer should
/// then clear the guest cookie ([`clear_guest_cookie`]).
pub async fn merge_at_sign_in(
    state: &AppState,
    headers: &HeaderMap,
    customer_id: &str,
) -> AppResult<()> {
    match guest_token(headers) {
        Some(g) => merge(state, &guest_owner(&g), customer_id).await,
        None => Ok(()),
    }
}

/// The `Set-Cookie` that forgets the guest cart cookie (its lines now belong to an account).
pub fn clear_guest_cookie(state: &AppState) -> HeaderValue {
    super::set_cookie(state, CART_COOKIE, "", Some(0), false)
}

fn guest_token(headers: &HeaderMap) -> Option<String> {
    super::cookie(headers, CART_COOKIE).filter(|t| t.len() >= 32 && t.len() <= 64)
}
