//! One-time codes (SECURITY 1–13): asking for a code and entering it.
//!
//! Each code is a *flow* row bound to (purpose, contact); a newer flow for the same pair voids
//! older ones. Sends are counted per contact and per IP for the resend cooldown and the caps.
//! Nothing here looks at whether an account exists, so known, new and locked contacts get the
//! same answer in the same time.

use super::{
    Channel, Contact, Purpose, code_hash, new_code, normalize_code, resend_wait_secs, same_digest,
};
use crate::account::{self, Actor, CustomerRow};
use crate::app::AppState;
use crate::db::{looks_like_id, new_id};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::notify::Message;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone)]
pub struct Started {
    pub flow_id: String,
    pub resend_in: i64,
    pub expires_in: i64,
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub session_id: String,
    pub customer: CustomerRow,
    pub created: bool,
}

/// Turns the raw `to` of a request into a contact fit for the channel.
pub fn parse_contact(state: &AppState, channel: Channel, to: &str) -> AppResult<Contact> {
    match channel {
        Channel::Email => super::parse_email(to)
            .map(Contact::Email)
            .ok_or_else(|| AppError::bad_request("invalid_email")),
        Channel::Sms | Channel::Voice => super::parse_phone(to, &state.config.allowed_countries)
            .map(Contact::Phone)
            .map_err(|e| match e {
                super::PhoneError::Invalid => AppError::bad_request("invalid_phone"),
                super::PhoneError::NotSupported => AppError::bad_request("phone_not_supported"),
            }),
    }
}

/// Sends (queues) a new code, after every limit of SECURITY 7–10.
pub async fn start(
    state: &AppState,
    purpose: Purpose,
    channel: Channel,
    contact: &Contact,
    ip: &str,
    locale: Locale,
) -> AppResult<Started> {
    let limits = &state.config.limits;
    let now = state.clock.now_ms();

    // Per IP (counted before anything else, so probing many contacts is capped too).
    // Reads at most `ip_per_hour` rows, however busy the address (a proxy, a NAT).
    let ip_sends: Vec<i64> = sqlx::query_scalar(
        "SELECT at FROM send_requests WHERE ip = $1 AND at > $2 ORDER BY at LIMIT $3",
    )
    .bind(ip)
    .bind(now - HOUR_MS)
    .bind(limits.ip_per_hour)
    .fetch_all(&state.db)
    .await?;
    if ip_sends.len() as i64 >= limits.ip_per_hour {
        let wait = ip_sends.first().copied().unwrap_or(now) + HOUR_MS - now;
        return Err(AppError::too_many("too_many_requests", ceil_secs(wait)));
    }

    // Per contact: cooldown, then caps per channel.
    let sends: Vec<(i64, String)> = sqlx::query_as(
        "SELECT at, channel FROM send_requests WHERE contact = $1 AND at > $2 ORDER BY at",
    )
    .bind(contact.as_str())
    .bind(now - DAY_MS)
    .fetch_all(&state.db)
    .await?;
    let last_hour: Vec<i64> = sends
        .iter()
        .map(|s| s.0)
        .filter(|&at| at > now - HOUR_MS)
        .collect();
    // The wait is for *re*sending: once the latest code was used (proof that the customer
    // receives them), signing in on another device need not wait. The caps still apply.
    let latest_used: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT consumed_at FROM auth_flows WHERE contact = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(contact.as_str())
    .fetch_optional(&state.db)
    .await?;
    let resending = !matches!(latest_used, Some(Some(_)));
    if let Some(&last) = last_hour.last().filter(|_| resending) {
        let wait = resend_wait_secs(&limits.resend_cooldowns_secs, last_hour.len()) * 1000;
        if now < last + wait {
            return Err(AppError::too_many(
                "resend_too_soon",
                ceil_secs(last + wait - now),
            ));
        }
    }
    let of_channel: Vec<i64> = sends
        .iter()
        .filter(|s| s.1 == channel.as_str())
        .map(|s| s.0)
        .collect();
    let (per_hour, per_day) = match channel {
        Channel::Sms => (limits.sms_per_hour, limits.sms_per_day),
        Channel::Email => (limits.email_per_hour, limits.email_per_day),
        Channel::Voice => (limits.voice_per_day, limits.voice_per_day),
    };
    let hour: Vec<i64> = of_channel
        .iter()
        .copied()
        .filter(|&at| at > now - HOUR_MS)
        .collect();
    if hour.len() as i64 >= per_hour {
        return Err(AppError::too_many(
            "too_many_codes",
            ceil_secs(hour[0] + HOUR_MS - now),
        ));
    }
    if of_channel.len() as i64 >= per_day {
        return Err(AppError::too_many(
            "too_many_codes",
            ceil_secs(of_channel[0] + DAY_MS - now),
        ));
    }

    // A voice call only after an unconfirmed SMS at least a minute old (SECURITY 10).
    if channel == Channel::Voice {
        let sms_at: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(created_at) FROM auth_flows WHERE contact = $1 AND purpose = $2 \
             AND channel = 'sms' AND consumed_at IS NULL AND created_at > $3",
        )
        .bind(contact.as_str())
        .bind(purpose.as_str())
        .bind(now - HOUR_MS)
        .fetch_one(&state.db)
        .await?;
        match sms_at {
            None => return Err(AppError::conflict("voice_needs_sms")),
            Some(at) if now < at + limits.voice_after_sms_secs * 1000 => {
                let wait = at + limits.voice_after_sms_secs * 1000 - now;
                return Err(AppError::too_many("voice_too_soon", ceil_secs(wait)));
            }
            Some(_) => {}
        }
    }

    let flow_id = new_id();
    let code = new_code();
    let msg = message(state, locale, purpose, channel, contact, &code);
    let send = NewSend {
        flow_id: flow_id.clone(),
        purpose,
        channel,
        contact: contact.as_str().to_owned(),
        code_hash: code_hash(&state.secret, purpose, contact.as_str(), &flow_id, &code),
        ip: ip.to_owned(),
        now,
        expires_at: now + limits.code_ttl_secs * 1000,
        msg,
    };
    // Detached: a client that disconnects must not cancel a transaction half-way
    // (sqlx 0.9.0 leaks an open PostgreSQL transaction when `begin` is cancelled).
    crate::db::detached(record_send(state.clone(), send)).await?;
    state.notifier.kick();

    Ok(Started {
        flow_id,
        resend_in: resend_wait_secs(&limits.resend_cooldowns_secs, last_hour.len() + 1),
        expires_in: limits.code_ttl_secs,
    })
}

struct NewSend {
    flow_id: String,
    purpose: Purpose,
    channel: Channel,
    contact: String,
    code_hash: String,
    ip: String,
    now: i64,
    expires_at: i64,
    msg: Message,
}

/// Counts the send, voids older codes of the pair, stores the new flow and queues the message,
/// all or nothing.
async fn record_send(state: AppState, s: NewSend) -> Result<(), sqlx::Error> {
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO send_requests (id, contact, channel, ip, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(&s.contact)
    .bind(s.channel.as_str())
    .bind(&s.ip)
    .bind(s.now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE auth_flows SET voided = 1 WHERE contact = $1 AND purpose = $2 AND voided = 0 AND consumed_at IS NULL",
    )
    .bind(&s.contact)
    .bind(s.purpose.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO auth_flows (id, purpose, channel, contact, code_hash, created_at, expires_at, ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&s.flow_id)
    .bind(s.purpose.as_str())
    .bind(s.channel.as_str())
    .bind(&s.contact)
    .bind(&s.code_hash)
    .bind(s.now)
    .bind(s.expires_at)
    .bind(&s.ip)
    .execute(&mut *tx)
    .await?;
    state.notifier.enqueue(&mut tx, &s.msg).await?;
    tx.commit().await
}

fn message(
    state: &AppState,
    l: Locale,
    purpose: Purpose,
    channel: Channel,
    contact: &Contact,
    code: &str,
) -> Message {
    let minutes = (state.config.limits.code_ttl_secs / 60).max(1).to_string();
    let what = purpose.as_str();
    let (subject, text) = match channel {
        Channel::Sms => (
            String::new(),
            l.ta(
                &format!("sms-code-{what}"),
                &[("code", code.into()), ("host", state.host.clone())],
            ),
        ),
        Channel::Voice => {
            let spaced: Vec<String> = code.chars().map(String::from).collect();
            (
                String::new(),
                l.ta("voice-code", &[("code", spaced.join(" "))]),
            )
        }
        Channel::Email => (
            l.t(&format!("email-code-{what}-subject")),
            l.ta(
                &format!("email-code-{what}-body"),
                &[("code", code.into()), ("minutes", minutes)],
            ),
        ),
    };
    Message {
        channel,
        to: contact.as_str().to_owned(),
        subject,
        text,
        code: Some(code.to_owned()),
        link: None,
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FlowRow {
    pub id: String,
    pub purpose: String,
    pub channel: String,
    pub contact: String,
    pub code_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub attempts: i64,
    pub consumed_at: Option<i64>,
    pub voided: i64,
}

pub async fn flow(state: &AppState, flow_id: &str) -> AppResult<Option<FlowRow>> {
    if !looks_like_id(flow_id) {
        return Ok(None);
    }
    Ok(sqlx::query_as(
        "SELECT id, purpose, channel, contact, code_hash, created_at, expires_at, attempts, consumed_at, voided \
         FROM auth_flows WHERE id = $1",
    )
    .bind(flow_id)
    .fetch_optional(&state.db)
    .await?)
}

/// Checks a code and consumes its flow. Wrong entries count against the flow (5 void it) and
/// against the contact (more than 10 an hour lock code entry for an hour).
pub async fn check(
    state: &AppState,
    purpose: Purpose,
    flow_id: &str,
    raw_code: &str,
    actor: &Actor,
) -> AppResult<FlowRow> {
    let limits = &state.config.limits;
    let now = state.clock.now_ms();
    let flow = flow(state, flow_id)
        .await?
        .filter(|f| f.purpose == purpose.as_str())
        .ok_or_else(|| AppError::bad_request("code_expired"))?;

    let until: Option<i64> =
        sqlx::query_scalar("SELECT locked_until FROM contact_locks WHERE contact = $1")
            .bind(&flow.contact)
            .fetch_optional(&state.db)
            .await?;
    if let Some(until) = until.filter(|&u| u > now) {
        return Err(AppError::too_many(
            "code_entry_locked",
            ceil_secs(until - now),
        ));
    }
    if flow.voided != 0
        || flow.consumed_at.is_some()
        || now >= flow.expires_at
        || flow.attempts >= limits.code_max_attempts
    {
        return Err(AppError::bad_request("code_expired"));
    }

    let good = normalize_code(raw_code).is_some_and(|code| {
        same_digest(
            &flow.code_hash,
            &code_hash(&state.secret, purpose, &flow.contact, &flow.id, &code),
        )
    });
    if !good {
        return Err(wrong_code(state, &flow, now, actor).await?);
    }
    let consumed = sqlx::query(
        "UPDATE auth_flows SET consumed_at = $1 WHERE id = $2 AND consumed_at IS NULL AND voided = 0 \
         AND attempts < $3 AND expires_at > $1",
    )
    .bind(now)
    .bind(&flow.id)
    .bind(limits.code_max_attempts)
    .execute(&state.db)
    .await?
    .rows_affected();
    if consumed != 1 {
        return Err(AppError::bad_request("code_expired"));
    }
    Ok(flow)
}

async fn wrong_code(
    state: &AppState,
    flow: &FlowRow,
    now: i64,
    actor: &Actor,
) -> AppResult<AppError> {
    let limits = &state.config.limits;
    sqlx::query("UPDATE auth_flows SET attempts = attempts + 1 WHERE id = $1")
        .bind(&flow.id)
        .execute(&state.db)
        .await?;
    sqlx::query("INSERT INTO code_failures (id, contact, at) VALUES ($1, $2, $3)")
        .bind(new_id())
        .bind(&flow.contact)
        .bind(now)
        .execute(&state.db)
        .await?;
    let failures: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM code_failures WHERE contact = $1 AND at > $2")
            .bind(&flow.contact)
            .bind(now - HOUR_MS)
            .fetch_one(&state.db)
            .await?;
    let customer = account::by_contact(&state.db, &Contact::from_stored(&flow.contact)).await?;
    let customer_id = customer.as_ref().map(|c| c.id.as_str());
    if failures > limits.contact_failures_per_hour {
        let until = now + limits.contact_lock_secs * 1000;
        sqlx::query(
            "INSERT INTO contact_locks (contact, locked_until) VALUES ($1, $2) \
             ON CONFLICT (contact) DO UPDATE SET locked_until = excluded.locked_until",
        )
        .bind(&flow.contact)
        .bind(until)
        .execute(&state.db)
        .await?;
        account::log_event(
            &state.db,
            now,
            actor,
            customer_id,
            Some(&flow.contact),
            "code_entry_locked",
            "locked",
        )
        .await?;
        return Ok(AppError::too_many(
            "code_entry_locked",
            limits.contact_lock_secs,
        ));
    }
    account::log_event(
        &state.db,
        now,
        actor,
        customer_id,
        Some(&flow.contact),
        "code_entry",
        "wrong_code",
    )
    .await?;
    let left = limits.code_max_attempts - flow.attempts - 1;
    if left <= 0 {
        return Ok(AppError::bad_request("code_expired"));
    }
    Ok(AppError::bad_request("invalid_code").arg("left", left.to_string()))
}

/// Sign-in by code: checks it, finds or opens the account, starts a session.
pub async fn sign_in(
    state: &AppState,
    flow_id: &str,
    raw_code: &str,
    actor: &Actor,
) -> AppResult<SignedIn> {
    let flow = check(state, Purpose::Login, flow_id, raw_code, actor).await?;
    let now = state.clock.now_ms();
    let contact = Contact::from_stored(&flow.contact);
    let (customer, created) = account::find_or_create(&state.db, &contact, now).await?;
    let (token, session_id) = super::sessions::create(
        state,
        &customer.id,
        &actor.ip,
        &actor.user_agent,
        &flow.channel,
    )
    .await?;
    account::log_event(
        &state.db,
        now,
        actor,
        Some(&customer.id),
        Some(&flow.contact),
        "sign_in",
        &flow.channel,
    )
    .await?;
    Ok(SignedIn {
        token,
        session_id,
        customer,
        created,
    })
}

/// What a code-entry page needs to know about its flow.
#[derive(Debug, Clone)]
pub struct FlowView {
    pub channel: Channel,
    pub contact: Contact,
    /// Seconds until another code may be asked for.
    pub resend_in: i64,
    /// Seconds until a voice call may be asked for; `None` when it cannot be.
    pub call_in: Option<i64>,
}

pub async fn view(state: &AppState, flow: &FlowRow) -> AppResult<FlowView> {
    let limits = &state.config.limits;
    let now = state.clock.now_ms();
    let last_hour: Vec<i64> = sqlx::query_scalar(
        "SELECT at FROM send_requests WHERE contact = $1 AND at > $2 ORDER BY at",
    )
    .bind(&flow.contact)
    .bind(now - HOUR_MS)
    .fetch_all(&state.db)
    .await?;
    let resend_in = last_hour.last().map_or(0, |&last| {
        let wait = resend_wait_secs(&limits.resend_cooldowns_secs, last_hour.len()) * 1000;
        ceil_secs(last + wait - now).max(0)
    });
    let channel = Channel::parse(&flow.channel).unwrap_or(Channel::Sms);
    let call_in = (channel != Channel::Email).then(|| {
        let after_sms = if channel == Channel::Sms {
            ceil_secs(flow.created_at + limits.voice_after_sms_secs * 1000 - now).max(0)
        } else {
            0
        };
        after_sms.max(resend_in)
    });
    Ok(FlowView {
        channel,
        contact: Contact::from_stored(&flow.contact),
        resend_in,
        call_in,
    })
}

fn ceil_secs(ms: i64) -> i64 {
    (ms + 999).div_euclid(1000)
}
