//! The HTTP face of the cart: whose cart a request works on (the account's, or a guest cookie's,
//! merged at sign-in) and the guest cookie itself.

use super::{CART_COOKIE, CartOwner, guest_owner, merge};
use crate::customers::MaybeAuthenticated;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};

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
                let token = crate::domain::identity::new_token();
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
    crate::web::set_cookie(state, CART_COOKIE, "", Some(0), false)
}

fn guest_token(headers: &HeaderMap) -> Option<String> {
    crate::web::cookie(headers, CART_COOKIE).filter(|t| t.len() >= 32 && t.len() <= 64)
}

/// Middleware: counts the visitor's cart for the header of every page (not for the API), so
/// the layout needs no knowledge of carts. The cart owner it resolves stays in the request for
/// the handler (and a guest cart a sign-in left behind is merged on the way).
pub async fn count_for_header(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (mut parts, body) = req.into_parts();
    let counted = async {
        let owner = CartOwner::from_request_parts(&mut parts, &state).await?;
        super::item_count(&state, &owner).await
    }
    .await;
    match counted {
        Ok(n) => {
            parts.extensions.insert(crate::web::layout::CartCount(n));
            next.run(axum::extract::Request::from_parts(parts, body))
                .await
        }
        Err(e) => e.into_response(),
    }
}
