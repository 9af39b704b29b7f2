//! Staff accounts: adding a member (CLI or an admin), enrolment (password, then TOTP), sign-in
//! with password + TOTP, sessions, role changes and disabling.

use super::store::{self, MemberRow};
use super::totp::Totp;
use super::{ENROL_MS, IDLE_MS, Role, SESSION_MS, Staff};
use crate::auth::volume::{self, Volume};
use crate::customers::Actor;
use crate::db::new_id;
use crate::domain::identity::{Channel, Email, new_token, token_hash};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::limits::HOUR_MS;
use crate::state::AppState;
use serde::Serialize;

/// Only touch `last_seen_at` once a minute.
const TOUCH_EVERY_MS: i64 = 60_000;
const ISSUER: &str = "Kabinet";

/// Adds a member and sends them a one-time enrolment link (24 h); returns the link (the CLI
/// prints it: the first admin of a fresh install has no one to email it for them).
pub async fn add(state: &AppState, email: &str, role: Role, locale: Locale) -> AppResult<String> {
    let email = Email::parse(email)
        .map(Email::into_string)
        .ok_or_else(|| AppError::bad_request("invalid_email"))?;
    let now = state.clock.now_ms();
    let id = new_id();
    if !store::insert_member(&state.db, &id, &email, role.as_str(), now).await? {
        return Err(AppError::conflict("staff_exists"));
    }
    enrolment_link(state, &id, &email, now, locale).await
}

/// A new enrolment link for a member (a first one, or again after a lost authenticator),
/// emailed to them.
pub async fn enrolment_link(
    state: &AppState,
    id: &str,
    email: &str,
    now: i64,
    locale: Locale,
) -> AppResult<String> {
    let token = new_token();
    store::insert_enrolment(&state.db, &token_hash(&token), id, now, now + ENROL_MS).await?;
    let link = format!("{}/staff/enrol/{token}", state.base_url);
    crate::customers::notify_with(
        state,
        Channel::Email,
        email,
        locale,
        "staff-enrol",
        &[],
        Some(link.clone()),
    )
    .await?;
    Ok(link)
}

async fn enrolment_member(state: &AppState, token: &str) -> AppResult<MemberRow> {
    let now = state.clock.now_ms();
    let id = store::enrolment_member(&state.db, &token_hash(token), now)
        .await?
        .ok_or_else(|| AppError::missing("enrolment_link_invalid"))?;
    store::member_by_id(&state.db, &id)
        .await?
        .ok_or_else(|| AppError::missing("enrolment_link_invalid"))
}

/// What the enrolment page shows after the password: the authenticator's URI and secret.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    /// `otpauth://totp/Kabinet:email?secret=BASE32&issuer=Kabinet…`
    pub totp_uri: String,
    #[serde(skip)]
    pub secret: String,
    #[serde(skip)]
    pub email: String,
}

/// Is the enrolment link still good? (The page asks before showing its form.)
#[tracing::instrument(skip_all)]
pub async fn enrolment_email(state: &AppState, token: &str) -> AppResult<String> {
    Ok(enrolment_member(state, token).await?.email)
}

/// `POST /staff/enrol/{token}`: the password (customers' rules) and a new TOTP secret, which
/// becomes the member's when its first code is confirmed.
#[tracing::instrument(skip_all)]
pub async fn enrol(state: &AppState, token: &str, password: &str) -> AppResult<Enrolment> {
    let member = enrolment_member(state, token).await?;
    crate::password::check_policy(password).map_err(|e| AppError::bad_request(e.code()))?;
    let hash = state.hasher.hash(password).await?;
    let secret = Totp::random_secret();
    let totp = Totp::new(secret.clone(), ISSUER, &member.email)
        .ok_or_else(|| AppError::internal("TOTP secret refused"))?;
    let sealed = crate::keys::seal(&state.keys.totp, &hex::encode(&secret));
    store::set_pending(&state.db, &member.id, &hash, &sealed).await?;
    Ok(Enrolment {
        totp_uri: totp.uri(),
        secret: totp.secret_base32(),
        email: member.email,
    })
}

fn open_totp(state: &AppState, sealed: Option<&str>, email: &str) -> Option<Totp> {
    let hex_secret = crate::keys::open(&state.keys.totp, sealed?)?;
    Totp::new(hex::decode(hex_secret).ok()?, ISSUER, email)
}

fn unix_secs(state: &AppState) -> u64 {
    (state.clock.now_ms() / 1000).max(0) as u64
}

/// `POST /staff/enrol/{token}/confirm`: the first code from the authenticator proves it holds
/// the secret; the pending password and secret become the member's, the link is used up, the
/// member's old sessions end, and the audit trail says so.
#[tracing::instrument(skip_all)]
pub async fn enrol_confirm(
    state: &AppState,
    token: &str,
    code: &str,
    actor: &Actor,
) -> AppResult<()> {
    let member = enrolment_member(state, token).await?;
    let (Some(_), Some(sealed)) = (&member.password_pending, &member.totp_pending) else {
        return Err(AppError::conflict("enrolment_password_first"));
    };
    let totp = open_totp(state, Some(sealed), &member.email)
        .ok_or_else(|| AppError::conflict("enrolment_password_first"))?;
    let step = totp
        .step_of(code, unix_secs(state))
        .ok_or_else(|| AppError::bad_request("invalid_totp"))?;
    let now = state.clock.now_ms();
    let done =
        store::finish_enrolment(&state.db, &token_hash(token), &member.id, sealed, step, now)
            .await?;
    if !done {
        // The link was used, or another tab chose a new secret meanwhile.
        enrolment_member(state, token).await?;
        return Err(AppError::bad_request("invalid_totp"));
    }
    let role = Role::parse(&member.role).ok_or_else(|| AppError::internal("unknown staff role"))?;
    let me = Staff {
        session_id: String::new(),
        id: member.id,
        email: member.email,
        role,
        ip: actor.ip.clone(),
        user_agent: actor.user_agent.clone(),
    };
    super::audit(state, &me, "staff_enrolled", &me.email, "").await
}

/// The enrolment page again after a wrong code: the same pending secret (the one already in
/// the authenticator), not a new one.
#[tracing::instrument(skip_all)]
pub async fn pending_enrolment(state: &AppState, token: &str) -> AppResult<Option<Enrolment>> {
    let member = enrolment_member(state, token).await?;
    Ok(
        open_totp(state, member.totp_pending.as_deref(), &member.email).map(|t| Enrolment {
            totp_uri: t.uri(),
            secret: t.secret_base32(),
            email: member.email,
        }),
    )
}

/// The key failed staff sign-ins count under (a member's, or the login as typed).
fn failures_key(email: &str, member: Option<&MemberRow>) -> String {
    match member {
        Some(m) => format!("staff:{}", m.id),
        None => format!("staff-login:{}", email.trim().to_lowercase()),
    }
}

/// `POST /staff/sessions`: email, password and a TOTP code. One error for every wrong part;
/// the same captcha rules as customers' password sign-in (5 failures of a member, 20 from an
/// address an hour); a code works once.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    code: &str,
    captcha: Option<(&str, &str)>,
    actor: &Actor,
) -> AppResult<(String, Staff)> {
    let now = state.clock.now_ms();
    let email = Email::parse(email).map(Email::into_string);
    let member = match &email {
        Some(e) => store::member_by_email(&state.db, e).await?,
        None => None,
    };
    let member = member.filter(|m| m.disabled_at.is_none() && m.enrolled_at.is_some());
    let key = failures_key(email.as_deref().unwrap_or(""), member.as_ref());
    let cap = state.config.limits.password_failures_before_captcha;
    let member_ok =
        crate::auth::store::count_password_try(&state.db, &key, now, now - HOUR_MS, cap).await?;
    let address_ok = volume::count(state, Volume::PasswordFailures, &actor.ip).await?;
    if !member_ok || !address_ok {
        volume::solve(state, captcha).await?;
    }
    let verified = match state
        .hasher
        .verify(
            password,
            member.as_ref().and_then(|m| m.password_hash.as_deref()),
        )
        .await
    {
        Ok(v) => v.ok,
        Err(busy) => {
            if member_ok {
                crate::auth::store::uncount_password_try(&state.db, &key).await?;
            }
            volume::release(state, Volume::PasswordFailures, &actor.ip).await?;
            return Err(busy.into());
        }
    };
    let step = member.as_ref().filter(|_| verified).and_then(|m| {
        open_totp(state, m.totp_secret.as_deref(), &m.email)?.step_of(code, unix_secs(state))
    });
    let taken = match (&member, step) {
        (Some(m), Some(step)) => store::take_totp_step(&state.db, &m.id, step).await?,
        _ => false,
    };
    let Some(member) = member.filter(|_| taken) else {
        if !member_ok {
            crate::auth::store::add_password_failure(&state.db, &key, now).await?;
        }
        return Err(AppError::unauthorized_with("staff_sign_in_failed"));
    };
    crate::auth::store::clear_password_failures(crate::db::autocommit(&state.db), &key).await?;
    volume::release(state, Volume::PasswordFailures, &actor.ip).await?;
    let role = Role::parse(&member.role).ok_or_else(|| AppError::internal("unknown staff role"))?;
    let token = new_token();
    let session_id = new_id();
    let session = store::NewSession {
        id: &session_id,
        token_hash: &token_hash(&token),
        staff_id: &member.id,
        now,
        expires_at: now + SESSION_MS,
        ip: &actor.ip,
        user_agent: &actor.user_agent,
    };
    store::insert_session(&state.db, &session).await?;
    let staff = Staff {
        session_id,
        id: member.id,
        email: member.email,
        role,
        ip: actor.ip.clone(),
        user_agent: actor.user_agent.clone(),
    };
    super::audit(state, &staff, "sign_in", &staff.email, "").await?;
    Ok((token, staff))
}

/// Whether the next staff sign-in from `ip` for `email` needs a captcha (for the page).
pub async fn needs_captcha(state: &AppState, email: &str, ip: &str) -> AppResult<bool> {
    let now = state.clock.now_ms();
    let member = match Email::parse(email) {
        Some(e) => store::member_by_email(&state.db, e.as_str()).await?,
        None => None,
    };
    let key = failures_key(email, member.as_ref());
    let row = crate::auth::store::password_failures(&state.db, &key).await?;
    let over = row.is_some_and(|(n, at)| {
        at > now - HOUR_MS && n >= state.config.limits.password_failures_before_captcha
    });
    Ok(over || volume::needs_captcha(state, Volume::PasswordFailures, ip).await?)
}

/// A token → its live session's member, enforcing the 12 h and 30 min expiries.
#[tracing::instrument(skip_all)]
pub async fn resolve(state: &AppState, token: &str, actor: &Actor) -> AppResult<Option<Staff>> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let Some(s) = store::session_by_token_hash(&state.db, &token_hash(token)).await? else {
        return Ok(None);
    };
    let now = state.clock.now_ms();
    if now >= s.expires_at || now >= s.last_seen_at + IDLE_MS {
        store::delete_session(&state.db, &s.session_id).await?;
        return Ok(None);
    }
    if now - s.last_seen_at > TOUCH_EVERY_MS {
        store::touch_session(&state.db, &s.session_id, now).await?;
    }
    let role = Role::parse(&s.role).ok_or_else(|| AppError::internal("unknown staff role"))?;
    Ok(Some(Staff {
        session_id: s.session_id,
        id: s.id,
        email: s.email,
        role,
        ip: actor.ip.clone(),
        user_agent: actor.user_agent.clone(),
    }))
}

pub async fn sign_out(state: &AppState, staff: &Staff) -> AppResult<()> {
    store::delete_session(&state.db, &staff.session_id).await?;
    super::audit(state, staff, "sign_out", &staff.email, "").await
}

/// A member as admins see them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub id: String,
    pub email: String,
    pub role: Role,
    /// `invited` (not enrolled yet), `active` or `disabled`.
    pub status: String,
    pub created_at: String,
}

pub async fn list(state: &AppState, staff: &Staff) -> AppResult<Vec<MemberView>> {
    staff.require(super::Area::Staff)?;
    Ok(store::members(&state.db)
        .await?
        .into_iter()
        .map(|m| MemberView {
            status: if m.disabled_at.is_some() {
                "disabled"
            } else if m.enrolled_at.is_some() {
                "active"
            } else {
                "invited"
            }
            .into(),
            role: Role::parse(&m.role).unwrap_or(Role::Support),
            created_at: crate::clock::rfc3339(m.created_at),
            id: m.id,
            email: m.email,
        })
        .collect())
}

/// An admin adds a member: the link goes to the member's email only.
pub async fn invite(
    state: &AppState,
    staff: &Staff,
    email: &str,
    role: Role,
    locale: Locale,
) -> AppResult<()> {
    staff.require(super::Area::Staff)?;
    add(state, email, role, locale).await?;
    super::audit(state, staff, "staff_added", email, role.as_str()).await
}

async fn other_member(state: &AppState, staff: &Staff, id: &str) -> AppResult<MemberRow> {
    staff.require(super::Area::Staff)?;
    if !crate::db::looks_like_id(id) {
        return Err(AppError::missing("staff_not_found"));
    }
    if id == staff.id {
        return Err(AppError::conflict("staff_self"));
    }
    store::member_by_id(&state.db, id)
        .await?
        .ok_or_else(|| AppError::missing("staff_not_found"))
}

pub async fn set_role(state: &AppState, staff: &Staff, id: &str, role: Role) -> AppResult<()> {
    let m = other_member(state, staff, id).await?;
    store::set_role(&state.db, &m.id, role.as_str()).await?;
    super::audit(state, staff, "staff_role_changed", &m.email, role.as_str()).await
}

/// Sends a member a new enrolment link (a lost authenticator, an expired invitation): their
/// new password and secret replace the old ones when the link's first code is confirmed.
pub async fn resend(state: &AppState, staff: &Staff, id: &str, locale: Locale) -> AppResult<()> {
    let m = other_member(state, staff, id).await?;
    if m.disabled_at.is_some() {
        return Err(AppError::conflict("staff_disabled"));
    }
    enrolment_link(state, &m.id, &m.email, state.clock.now_ms(), locale).await?;
    super::audit(state, staff, "staff_enrolment_sent", &m.email, "").await
}

/// Disables a member: their sessions end at once and their enrolment links stop working.
pub async fn disable(state: &AppState, staff: &Staff, id: &str) -> AppResult<()> {
    let m = other_member(state, staff, id).await?;
    let now = state.clock.now_ms();
    if !store::disable(&state.db, &m.id, now).await? {
        return Err(AppError::conflict("staff_disabled"));
    }
    super::audit(state, staff, "staff_disabled", &m.email, "").await
}
