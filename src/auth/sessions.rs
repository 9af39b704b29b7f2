//! Sessions (SECURITY 18–22): an opaque 256-bit token, stored as SHA-256, that works both as
//! the web cookie and as `Authorization: Bearer`. Absolute and idle expiry; a new token at
//! every sign-in; sign-out deletes the row, so every node refuses the token at once. Finding the
//! session of a request is [`super::lookup`]'s.

use super::store::{self, NewSession};
use super::{device_name, new_token, token_hash};
use crate::db::new_id;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use serde::Serialize;

pub use crate::customers::{Authenticated, MaybeAuthenticated};

#[tracing::instrument(skip_all)]
pub async fn create(
    state: &AppState,
    customer_id: &str,
    ip: &str,
    user_agent: &str,
    method: &str,
) -> Result<(String, String), sqlx::Error> {
    create_with(
        crate::db::autocommit(&state.db),
        state,
        customer_id,
        ip,
        user_agent,
        method,
    )
    .await
}

/// [`create`] by `db`: the pool, or the connection of the caller's transaction.
pub async fn create_with<'e, E>(
    db: E,
    state: &AppState,
    customer_id: &str,
    ip: &str,
    user_agent: &str,
    method: &str,
) -> Result<(String, String), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let now = state.clock.now_ms();
    let token = new_token();
    let id = new_id();
    let session = NewSession {
        id: &id,
        token_hash: &token_hash(&token),
        customer_id,
        now,
        expires_at: now + state.config.limits.session_days * 86_400_000,
        ip,
        user_agent,
        method,
    };
    store::insert_session(db, &session).await?;
    Ok((token, id))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub id: String,
    pub current: bool,
    pub device: String,
    pub ip: String,
    pub method: String,
    pub created_at: String,
    pub last_seen_at: String,
    #[serde(skip)]
    pub created_ms: i64,
    #[serde(skip)]
    pub last_seen_ms: i64,
}

pub async fn list(state: &AppState, auth: &Authenticated) -> AppResult<Vec<SessionView>> {
    let rows = store::sessions_of(&state.db, &auth.customer.id).await?;
    Ok(rows
        .into_iter()
        .map(|(id, created, seen, ip, ua, method)| SessionView {
            current: id == auth.session_id,
            id,
            device: device_name(&ua),
            ip,
            method,
            created_at: crate::clock::rfc3339(created),
            last_seen_at: crate::clock::rfc3339(seen),
            created_ms: created,
            last_seen_ms: seen,
        })
        .collect())
}

/// Ends one of the customer's own sessions; another customer's id is simply not found.
/// Which sessions a sign-out ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOut {
    /// This session.
    This,
    /// Every session of the customer, this one included.
    Everywhere,
    /// Every other session; this one stays.
    Others,
}

/// The one sign-out: ends the sessions on the server (their tokens get 401 from then on) and
/// writes it to the security log. The caller clears the cookie when its own session ended.
pub async fn sign_out(
    state: &AppState,
    auth: &Authenticated,
    actor: &crate::customers::Actor,
    which: SignOut,
) -> AppResult<()> {
    let (event, result) = match which {
        SignOut::This => {
            end(state, auth, &auth.session_id).await?;
            ("sign_out", "ok")
        }
        SignOut::Everywhere => {
            end_all(state, auth, false).await?;
            ("sign_out_all", "ok")
        }
        SignOut::Others => {
            end_all(state, auth, true).await?;
            ("sessions_ended", "others")
        }
    };
    crate::customers::log_event(
        crate::db::autocommit(&state.db),
        state.clock.now_ms(),
        actor,
        Some(&auth.customer.id),
        None,
        event,
        result,
    )
    .await?;
    Ok(())
}

pub async fn end(state: &AppState, auth: &Authenticated, session_id: &str) -> AppResult<()> {
    let n = store::delete_own_session(&state.db, session_id, &auth.customer.id).await?;
    if n == 0 {
        return Err(AppError::not_found());
    }
    Ok(())
}

/// Ends every session of the customer, or every one but the current.
pub async fn end_all(state: &AppState, auth: &Authenticated, keep_current: bool) -> AppResult<u64> {
    let keep = if keep_current {
        auth.session_id.as_str()
    } else {
        ""
    };
    Ok(store::delete_sessions_except(&state.db, &auth.customer.id, keep).await?)
}
