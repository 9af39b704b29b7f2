//! CSRF for forms (SECURITY 24). A signed-in visitor's token is bound to the session: an HMAC
//! of the session cookie, so a cookie planted from elsewhere (a sibling subdomain) cannot
//! pair with it. A visitor without a session gets a random double-submit cookie
//! (`kabinet_csrf`, `__Host-kabinet_csrf` on https; HttpOnly, SameSite=Strict). Every form
//! carries the token in a hidden field, and [`CsrfForm`] refuses a body whose field differs.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The double-submit cookie of visitors without a session: `__Host-` on https (SECURITY 19).
pub fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-kabinet_csrf"
    } else {
        "kabinet_csrf"
    }
}

/// The token of a signed-in visitor: HMAC(csrf key, session cookie), base64url.
fn session_bound(key: &[u8; 32], session: &str) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(session.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

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
    let name = cookie_name(state.config.https());
    // The console's forms are bound to the staff session, the shop's to the customer's.
    let session_cookie = if path == "/staff" || path.starts_with("/staff/") {
        state.staff_cookie_name
    } else {
        state.cookie_name
    };
    let session = super::cookie(req.headers(), session_cookie).filter(|v| !v.is_empty());
    let existing = super::cookie(req.headers(), name).filter(|v| v.len() >= 32 && v.len() <= 64);
    let (token, fresh) = match (session, existing) {
        (Some(s), _) => (session_bound(&state.keys.csrf, &s), false),
        (None, Some(t)) => (t, false),
        (None, None) => (crate::domain::identity::new_token(), true),
    };
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let mut res = next.run(req).await;
    if fresh {
        res.headers_mut().append(
            header::SET_COOKIE,
            super::set_cookie(&state, name, &token, None, true),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_session_bound_token_depends_on_key_and_session() {
        let t = super::session_bound(&[1; 32], "session-a");
        assert_eq!(t, super::session_bound(&[1; 32], "session-a"));
        assert_ne!(t, super::session_bound(&[1; 32], "session-b"));
        assert_ne!(t, super::session_bound(&[2; 32], "session-a"));
        assert_eq!(super::cookie_name(true), "__Host-kabinet_csrf");
    }
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
        let ok = expected.is_some_and(|t| crate::domain::identity::same_digest(&t.0, &field.csrf));
        if !ok {
            return Err(AppError::forbidden("csrf_failed"));
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|e| AppError::bad_request("invalid_body").arg("detail", e.to_string()))
    }
}
