//! Registration with a password, password sign-in and password changes (PRODUCT A4,
//! SECURITY 14–17, 20). The pure rules (Argon2id, policy, common passwords) live in
//! `password.rs`; this file applies them to accounts.

use super::codes::{self, Extra, Notice, SignedIn, Started};
use super::sessions::Authenticated;
use super::store;
use super::volume::{self, Volume};
use super::{Channel, Contact, Purpose};
use crate::customers::{self, Actor, CustomerRow};
use crate::domain::identity::{Email, Phone};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::limits::HOUR_MS;
use crate::state::AppState;
use serde::{Deserialize, Serialize};

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
#[allow(clippy::too_many_arguments)]
pub async fn register(
    state: &AppState,
    first_name: &str,
    last_name: &str,
    email: &str,
    password: &str,
    ip: &str,
    captcha: Option<(&str, &str)>,
    locale: Locale,
) -> AppResult<Started> {
    let first_name = parse_name(first_name, true).map_err(AppError::bad_request)?;
    let last_name = parse_name(last_name, true).map_err(AppError::bad_request)?;
    let email = Email::parse(email).ok_or_else(|| AppError::bad_request("invalid_email"))?;
    policy(state, password)?;
    // The address's volume before any hashing: a flood of sign-ups cannot buy CPU time.
    volume::guard(state, Volume::Codes, ip, captcha).await?;
    // Hash in both cases, so the answer takes the same time.
    let password_hash = state.hasher.hash(password).await?;
    let contact = Contact::Email(email);
    let taken = crate::customers::by_contact(&state.db, &contact)
        .await?
        .is_some();
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
    let registration = customers::store::Registration {
        first_name: &pending.first_name,
        last_name: &pending.last_name,
        email: &flow.contact,
        password_hash: &pending.password_hash,
    };
    let Some(id) = customers::store::insert_registered(&state.db, &registration, now).await? else {
        // Someone confirmed this email in the meantime.
        return Err(AppError::conflict("contact_taken"));
    };
    let c = crate::customers::by_id(&state.db, &id)
        .await?
        .ok_or_else(|| AppError::internal("new customer vanished"))?;
    Ok((c, true))
}

/// A login as typed → the normalised contact (email or phone), or `None`.
pub fn parse_login(state: &AppState, login: &str) -> Option<Contact> {
    if login.contains('@') {
        Email::parse(login).map(Contact::Email)
    } else {
        Phone::parse(login, &state.config.allowed_countries)
            .ok()
            .map(Contact::Phone)
    }
}

/// The key failed password sign-ins count under: the account (its phone and email together),
/// or the login as typed when no account has it — the same rule for both, so the captcha
/// does not tell which logins exist.
fn failures_key(login: &str, contact: Option<&Contact>, customer: Option<&CustomerRow>) -> String {
    match (customer, contact) {
        (Some(c), _) => format!("account:{}", c.id),
        (None, Some(c)) => format!("login:{}", c.as_str()),
        (None, None) => format!("login:{}", login.trim().to_lowercase()),
    }
}

/// `POST /auth/password`. One error for every wrong login or password (SECURITY 14); a dummy
/// hash for unknown logins. SECURITY 17: after 5 failures of an account (fading an hour after
/// the last one) and after 20 failures from one address an hour, every further try needs a
/// captcha. Each try is reserved before its password is checked, so a hundred at once check
/// no more passwords than the rules allow; nobody is ever locked out.
pub async fn password_sign_in(
    state: &AppState,
    login: &str,
    password: &str,
    captcha: Option<(&str, &str)>,
    actor: &Actor,
) -> AppResult<SignedIn> {
    let now = state.clock.now_ms();
    let contact = parse_login(state, login);
    let customer = match &contact {
        Some(c) => crate::customers::by_contact(&state.db, c).await?,
        None => None,
    };
    let key = failures_key(login, contact.as_ref(), customer.as_ref());
    let fade = now - HOUR_MS;
    let cap = state.config.limits.password_failures_before_captcha;
    let account_ok = store::count_password_try(&state.db, &key, now, fade, cap).await?;
    let address_ok = volume::count(state, Volume::PasswordFailures, &actor.ip).await?;
    if !account_ok || !address_ok {
        volume::solve(state, captcha).await?;
    }
    let verified = match state
        .hasher
        .verify(
            password,
            customer.as_ref().and_then(|c| c.password_hash.as_deref()),
        )
        .await
    {
        Ok(v) => v,
        Err(busy) => {
            // Not checked at all (503): the try counts as nothing.
            if account_ok {
                store::uncount_password_try(&state.db, &key).await?;
            }
            volume::release(state, Volume::PasswordFailures, &actor.ip).await?;
            return Err(busy.into());
        }
    };
    let known_id = customer.as_ref().map(|c| c.id.clone());
    let Some(customer) = customer.filter(|_| verified.ok) else {
        if !account_ok {
            // A try past the captcha threshold: still a failure of this account.
            store::add_password_failure(&state.db, &key, now).await?;
        }
        if let (Some(c), Some(known)) = (&contact, &known_id) {
            crate::customers::log_event(
                crate::db::autocommit(&state.db),
                now,
                actor,
                Some(known),
                Some(c.as_str()),
                "password_sign_in",
                "wrong_password",
            )
            .await?;
        }
        return Err(AppError::unauthorized_with("invalid_credentials"));
    };
    // A success is no failure: the account starts afresh, the address gets its unit back.
    reset_failures(state, &customer.id).await?;
    volume::release(state, Volume::PasswordFailures, &actor.ip).await?;
    if verified.needs_rehash {
        let fresh = state.hasher.hash(password).await?;
        customers::store::set_password_hash(&state.db, &customer.id, &fresh).await?;
    }
    crate::customers::touch(&state.db, &customer.id, now).await?;
    let key = contact.as_ref().map_or(login, Contact::as_str);
    let (token, session_id) = super::sessions::create(
        state,
        &customer.id,
        &actor.ip,
        &actor.user_agent,
        "password",
    )
    .await?;
    crate::customers::log_event(
        crate::db::autocommit(&state.db),
        now,
        actor,
        Some(&customer.id),
        Some(key),
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

/// Forgets an account's failed password sign-ins (a success, a code sign-in, a recovery).
pub async fn reset_failures(state: &AppState, customer_id: &str) -> AppResult<()> {
    store::clear_password_failures(
        crate::db::autocommit(&state.db),
        &format!("account:{customer_id}"),
    )
    .await?;
    Ok(())
}

/// [`reset_failures`] in the caller's transaction.
pub async fn reset_failures_in(
    conn: &mut crate::db::Conn,
    customer_id: &str,
) -> Result<(), sqlx::Error> {
    store::clear_password_failures(conn, &format!("account:{customer_id}")).await
}

/// Whether the next password attempt for this login from `ip` needs a captcha (for the page,
/// which shows the field in advance; the decision is [`password_sign_in`]'s).
pub async fn needs_captcha(state: &AppState, login: &str, ip: &str) -> AppResult<bool> {
    let now = state.clock.now_ms();
    let contact = parse_login(state, login);
    let customer = match &contact {
        Some(c) => crate::customers::by_contact(&state.db, c).await?,
        None => None,
    };
    let key = failures_key(login, contact.as_ref(), customer.as_ref());
    let row = store::password_failures(&state.db, &key).await?;
    let account = row.is_some_and(|(n, at)| {
        at > now - HOUR_MS && n >= state.config.limits.password_failures_before_captcha
    });
    Ok(account || volume::needs_captcha(state, Volume::PasswordFailures, ip).await?)
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
    customers::store::set_password(&state.db, &auth.customer.id, &hash, now).await?;
    super::sessions::end_all(state, auth, true).await?;
    crate::customers::log_event(
        crate::db::autocommit(&state.db),
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
        crate::customers::notify(state, Channel::Email, &email, locale, "password-changed").await?;
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
