//! Registration with a password, password sign-in and password changes (PRODUCT A4,
//! SECURITY 14–17, 20). The pure rules (Argon2id, policy, common passwords) live in
//! `password.rs`; this file applies them to accounts.

use super::codes::{self, Extra, Notice, SignedIn, Started};
use super::sessions::Authenticated;
use super::{Channel, Contact, Purpose, parse_email, parse_phone};
use crate::account::{self, Actor, CustomerRow};
use crate::app::AppState;
use crate::db::new_id;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use serde::{Deserialize, Serialize};

/// Failures in a row after which a captcha is required (SECURITY 17).
pub const CAPTCHA_AFTER: i64 = 5;
/// Failures in a row after which password sign-in stops for that login (a code sign-in or a
/// recovery resets it).
pub const MAX_FAILURES: i64 = 100;

/// A pending registration, kept in its email flow until the code is confirmed.
#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    first_name: String,
    last_name: String,
    password_hash: String,
}

/// A name as typed: trimmed, 1–100 characters, letters with spaces, hyphens, apostrophes, dots.
pub fn parse_name(s: &str, required: bool) -> Result<String, &'static str> {
    let t = s.trim();
    if t.is_empty() {
        return if required {
            Err("name_required")
        } else {
            Ok(String::new())
        };
    }
    let ok = t.chars().count() <= 100
        && t.chars().all(|c| c.is_alphabetic() || " -'’.".contains(c))
        && t.chars().any(char::is_alphabetic);
    if ok {
        Ok(t.split_whitespace().collect::<Vec<_>>().join(" "))
    } else {
        Err("invalid_name")
    }
}

fn policy(state: &AppState, password: &str) -> AppResult<()> {
    let _ = state;
    super::password::check_policy(password).map_err(|e| AppError::bad_request(e.code()))
}

/// `POST /auth/register`: the same answer whether or not the email is taken; a taken address
/// gets a "someone tried to register with your email" letter instead of a code.
pub async fn register(
    state: &AppState,
    first_name: &str,
    last_name: &str,
    email: &str,
    password: &str,
    ip: &str,
    locale: Locale,
) -> AppResult<Started> {
    let first_name = parse_name(first_name, true).map_err(AppError::bad_request)?;
    let last_name = parse_name(last_name, true).map_err(AppError::bad_request)?;
    let email = parse_email(email).ok_or_else(|| AppError::bad_request("invalid_email"))?;
    policy(state, password)?;
    // Hash in both cases, so the answer takes the same time.
    let password_hash = state.hasher.hash(password).await?;
    let contact = Contact::Email(email);
    let taken = account::by_contact(&state.db, &contact).await?.is_some();
    let extra = if taken {
        Extra {
            notice: Some(Notice::RegisterTaken),
            ..Extra::default()
        }
    } else {
        let pending = Pending {
            first_name,
            last_name,
            password_hash,
        };
        Extra {
            payload: Some(serde_json::to_string(&pending).map_err(AppError::internal)?),
            ..Extra::default()
        }
    };
    codes::start_with(
        state,
        Purpose::Register,
        Channel::Email,
        &contact,
        ip,
        locale,
        extra,
    )
    .await
}

/// The registration's code was confirmed: open the account (email confirmed, password set).
pub async fn complete_registration(
    state: &AppState,
    flow: &codes::FlowRow,
    now: i64,
) -> AppResult<(CustomerRow, bool)> {
    let pending: Pending = flow
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .ok_or_else(|| AppError::bad_request("code_expired"))?;
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO customers (id, first_name, last_name, email, email_verified, password_hash, \
         password_changed_at, created_at, last_seen_at) VALUES ($1, $2, $3, $4, 1, $5, $6, $6, $6) \
         ON CONFLICT DO NOTHING",
    )
    .bind(&id)
    .bind(&pending.first_name)
    .bind(&pending.last_name)
    .bind(&flow.contact)
    .bind(&pending.password_hash)
    .bind(now)
    .execute(&state.db)
    .await?
    .rows_affected();
    if inserted != 1 {
        // Someone confirmed this email in the meantime.
        return Err(AppError::conflict("contact_taken"));
    }
    let c = account::by_id(&state.db, &id)
        .await?
        .ok_or_else(|| AppError::internal("new customer vanished"))?;
    Ok((c, true))
}

/// A login as typed → the normalised contact (email or phone), or `None`.
pub fn parse_login(state: &AppState, login: &str) -> Option<Contact> {
    if login.contains('@') {
        parse_email(login).map(Contact::Email)
    } else {
        parse_phone(login, &state.config.allowed_countries)
            .ok()
            .map(Contact::Phone)
    }
}

/// `POST /auth/password`. One error for every wrong login or password (SECURITY 14); a dummy
/// hash for unknown logins; a captcha after 5 failures in a row for that login, known or not.
pub async fn password_sign_in(
    state: &AppState,
    login: &str,
    password: &str,
    captcha: Option<(&str, &str)>,
    actor: &Actor,
) -> AppResult<SignedIn> {
    let now = state.clock.now_ms();
    let key = parse_login(state, login)
        .map_or_else(|| login.trim().to_lowercase(), |c| c.as_str().to_owned());
    let failures: i64 = sqlx::query_scalar("SELECT failures FROM login_failures WHERE login = $1")
        .bind(&key)
        .fetch_optional(&state.db)
        .await?
        .unwrap_or(0);
    if failures >= MAX_FAILURES {
        return Err(AppError::forbidden("password_sign_in_locked"));
    }
    if failures >= CAPTCHA_AFTER {
        match captcha {
            None => {
                return Err(AppError::bad_request("captcha_required").detail("captcha", "required"));
            }
            Some((id, answer)) => super::captcha::redeem(state, id, answer).await?,
        }
    }
    let customer = match parse_login(state, login) {
        Some(c) => account::by_contact(&state.db, &c).await?,
        None => None,
    };
    let verified = state
        .hasher
        .verify(
            password,
            customer.as_ref().and_then(|c| c.password_hash.as_deref()),
        )
        .await;
    let Some(customer) = customer.filter(|_| verified.ok) else {
        sqlx::query(
            "INSERT INTO login_failures (login, failures, last_at) VALUES ($1, 1, $2) \
             ON CONFLICT (login) DO UPDATE SET failures = login_failures.failures + 1, last_at = excluded.last_at",
        )
        .bind(&key)
        .bind(now)
        .execute(&state.db)
        .await?;
        if let Some(c) = parse_login(state, login)
            && let Some(known) = account::by_contact(&state.db, &c).await?
        {
            account::log_event(
                &state.db,
                now,
                actor,
                Some(&known.id),
                Some(c.as_str()),
                "password_sign_in",
                "wrong_password",
            )
            .await?;
        }
        return Err(AppError::unauthorized_with("invalid_credentials"));
    };
    sqlx::query("DELETE FROM login_failures WHERE login = $1")
        .bind(&key)
        .execute(&state.db)
        .await?;
    if verified.needs_rehash {
        let fresh = state.hasher.hash(password).await?;
        sqlx::query("UPDATE customers SET password_hash = $1 WHERE id = $2")
            .bind(fresh)
            .bind(&customer.id)
            .execute(&state.db)
            .await?;
    }
    account::touch(&state.db, &customer.id, now).await?;
    let (token, session_id) = super::sessions::create(
        state,
        &customer.id,
        &actor.ip,
        &actor.user_agent,
        "password",
    )
    .await?;
    account::log_event(
        &state.db,
        now,
        actor,
        Some(&customer.id),
        Some(&key),
        "sign_in",
        "password",
    )
    .await?;
    Ok(SignedIn {
        token,
        session_id,
        customer,
        created: false,
    })
}

/// Whether the next password attempt for this login needs a captcha.
pub async fn needs_captcha(state: &AppState, login: &str) -> AppResult<bool> {
    let key = parse_login(state, login)
        .map_or_else(|| login.trim().to_lowercase(), |c| c.as_str().to_owned());
    let failures: Option<i64> =
        sqlx::query_scalar("SELECT failures FROM login_failures WHERE login = $1")
            .bind(&key)
            .fetch_optional(&state.db)
            .await?;
    Ok(failures.unwrap_or(0) >= CAPTCHA_AFTER)
}

/// Needs a sign-in at most 15 minutes old (SECURITY 20).
pub fn require_fresh(state: &AppState, auth: &Authenticated) -> AppResult<()> {
    let now = state.clock.now_ms();
    if now - auth.authenticated_at > state.config.limits.fresh_sign_in_secs * 1000 {
        return Err(AppError::forbidden("reauth_required"));
    }
    Ok(())
}

/// Sets or changes the password from inside the account: fresh sign-in, policy, every other
/// session ends, the email is told.
pub async fn set_password(
    state: &AppState,
    auth: &Authenticated,
    password: &str,
    actor: &Actor,
    locale: Locale,
) -> AppResult<()> {
    require_fresh(state, auth)?;
    policy(state, password)?;
    let hash = state.hasher.hash(password).await?;
    let now = state.clock.now_ms();
    sqlx::query("UPDATE customers SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now)
        .bind(&auth.customer.id)
        .execute(&state.db)
        .await?;
    super::sessions::end_all(state, auth, true).await?;
    account::log_event(
        &state.db,
        now,
        actor,
        Some(&auth.customer.id),
        None,
        "password_changed",
        "ok",
    )
    .await?;
    if let Some(email) = auth
        .customer
        .email
        .clone()
        .filter(|_| auth.customer.email_verified != 0)
    {
        account::notify(state, Channel::Email, &email, locale, "password-changed").await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_letters_and_a_few_marks() {
        assert_eq!(parse_name("  Анна-Мария ", true), Ok("Анна-Мария".into()));
        assert_eq!(parse_name("O’Brien", true), Ok("O’Brien".into()));
        assert_eq!(
            parse_name("Игорь   Валерьянович", false),
            Ok("Игорь Валерьянович".into())
        );
        assert_eq!(parse_name("", true), Err("name_required"));
        assert_eq!(parse_name("", false), Ok(String::new()));
        assert_eq!(parse_name("<script>", true), Err("invalid_name"));
        assert_eq!(parse_name("---", true), Err("invalid_name"));
        assert_eq!(parse_name(&"я".repeat(101), true), Err("invalid_name"));
    }
}
