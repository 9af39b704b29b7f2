//! One-time codes (SECURITY 1–13): asking for a code and entering it.
//!
//! Each code is a *flow* row bound to (purpose, contact); a newer flow for the same pair voids
//! older ones. Sends are counted per contact and per IP for the resend cooldown and the caps.
//! Nothing here looks at whether an account exists, so known, new and locked contacts get the
//! same answer in the same time.

use super::{
    Channel, Contact, Purpose, code_hash, new_code, normalize_code, resend_wait_secs, same_digest,
};
use crate::customers::{Actor, CustomerRow};
use crate::db::{looks_like_id, new_id};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::limits::{self, DAY_MS, HOUR_MS, Window, ceil_secs};
use crate::notify::Message;
use crate::state::AppState;

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
    if !state.config.offers(channel.as_str()) {
        return Err(AppError::bad_request("channel_not_available"));
    }
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

/// The hour and day caps of a channel (SECURITY 8, 10).
fn caps(state: &AppState, channel: Channel) -> (i64, i64) {
    let l = &state.config.limits;
    match channel {
        Channel::Sms => (l.sms_per_hour, l.sms_per_day),
        Channel::Email => (l.email_per_hour, l.email_per_day),
        Channel::Voice => (l.voice_per_day, l.voice_per_day),
    }
}

fn sends_key(contact: &str, channel: Channel, window: &str) -> String {
    format!("send:{}:{window}:{contact}", channel.as_str())
}

/// The resend wait of a contact (one gate for every channel).
fn resend_key(contact: &str) -> String {
    format!("resend:{contact}")
}

/// Why a send may not happen now.
enum Refused {
    /// The contact's hourly or daily cap; seconds until the window ends.
    Cap(i64),
    /// The resend wait; seconds left.
    Wait(i64),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for Refused {
    fn from(e: sqlx::Error) -> Self {
        Refused::Db(e)
    }
}

impl From<Refused> for AppError {
    fn from(r: Refused) -> Self {
        match r {
            Refused::Cap(secs) => AppError::too_many("too_many_codes", secs),
            Refused::Wait(secs) => AppError::too_many("resend_too_soon", secs),
            Refused::Db(e) => e.into(),
        }
    }
}

/// SECURITY 7–8a: reserves this send against the contact's hourly and daily caps and passes
/// its resend gate, inside the send's transaction — so racing requests queue on the same
/// rows and exactly the allowed number get through. Returns the sends in this hour, this one
/// included. A refusal rolls the transaction back: nothing is counted.
async fn reserve_send(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    channel: Channel,
    contact: &str,
    now: i64,
    gated: bool,
) -> Result<i64, Refused> {
    let (per_hour, per_day) = caps(state, channel);
    let day = limits::reserve(
        &mut *conn,
        &sends_key(contact, channel, "day"),
        DAY_MS,
        per_day,
        now,
    )
    .await?;
    if day.is_none() {
        return Err(Refused::Cap(Window::of(now, DAY_MS).retry_after_secs(now)));
    }
    let hour = limits::reserve(
        &mut *conn,
        &sends_key(contact, channel, "hour"),
        HOUR_MS,
        per_hour,
        now,
    )
    .await?;
    let Some(_) = hour else {
        return Err(Refused::Cap(Window::of(now, HOUR_MS).retry_after_secs(now)));
    };
    // The wait grows with the sends of any channel this hour: 60, 120, 240 s.
    let all = limits::reserve(
        &mut *conn,
        &format!("send:any:hour:{contact}"),
        HOUR_MS,
        i64::MAX,
        now,
    )
    .await?
    .unwrap_or(1);
    if gated {
        let wait = resend_wait_secs(&state.config.limits.resend_cooldowns_secs, all as usize);
        if let Some(until) =
            limits::pass_gate(&mut *conn, &resend_key(contact), now, now + wait * 1000).await?
        {
            return Err(Refused::Wait(ceil_secs(until - now)));
        }
    }
    Ok(all)
}

/// Counts a message that is not a code (a notice, a link) against the contact's hourly and
/// daily caps — not against the resend wait, which is about codes. `Some(seconds)` when over a
/// cap (the caller then sends nothing, or says when to try again).
pub async fn reserve_notice(
    state: &AppState,
    channel: Channel,
    contact: &Contact,
) -> AppResult<Option<i64>> {
    let now = state.clock.now_ms();
    let (st, contact) = (state.clone(), contact.as_str().to_owned());
    let r: Result<i64, Refused> = crate::db::detached(async move {
        let mut tx = crate::db::begin_write(&st.db).await?;
        match reserve_send(&mut tx, &st, channel, &contact, now, false).await {
            Ok(n) => {
                tx.commit().await?;
                Ok(n)
            }
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    })
    .await;
    match r {
        Ok(_) => Ok(None),
        Err(Refused::Db(e)) => Err(e.into()),
        Err(Refused::Cap(secs) | Refused::Wait(secs)) => Ok(Some(secs)),
    }
}

/// What a flow carries besides its code.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// The account the flow acts on (contact changes, recovery, dormant accounts).
    pub customer_id: Option<String>,
    /// Data the flow completes (a pending registration), JSON.
    pub payload: Option<String>,
    /// Send a notice instead of the code: the flow exists (same answer, same limits) but its
    /// code is never told to anyone, so it can never be confirmed.
    pub notice: Option<Notice>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// "Someone tried to register with your email" (SECURITY 12 for registration).
    RegisterTaken,
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
    start_with(
        state,
        purpose,
        channel,
        contact,
        ip,
        locale,
        Extra::default(),
    )
    .await
}

/// [`start`] for a flow that carries an account or data.
pub async fn start_with(
    state: &AppState,
    purpose: Purpose,
    channel: Channel,
    contact: &Contact,
    ip: &str,
    locale: Locale,
    extra: Extra,
) -> AppResult<Started> {
    let limits = &state.config.limits;
    let now = state.clock.now_ms();

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
    let msg = match extra.notice {
        None => message(state, locale, purpose, channel, contact, &flow_id, &code),
        Some(Notice::RegisterTaken) => Message {
            channel,
            to: contact.as_str().to_owned(),
            subject: locale.t("email-register-taken-subject"),
            text: locale.ta(
                "email-register-taken-body",
                &[("link", format!("{}/login?by=password", state.base_url))],
            ),
            code: None,
            link: None,
        },
    };
    let send = NewSend {
        customer_id: extra.customer_id,
        payload: extra.payload,
        flow_id: flow_id.clone(),
        purpose,
        channel,
        contact: contact.as_str().to_owned(),
        code_hash: code_hash(
            &state.keys.codes,
            purpose,
            contact.as_str(),
            &flow_id,
            &code,
        ),
        ip: ip.to_owned(),
        now,
        expires_at: now + limits.code_ttl_secs * 1000,
        msg,
    };
    // Detached: a client that disconnects must not cancel a transaction half-way
    // (sqlx 0.9.0 leaks an open PostgreSQL transaction when `begin` is cancelled).
    let sends_this_hour = crate::db::detached(record_send(state.clone(), send)).await?;
    state.notifier.kick();

    Ok(Started {
        flow_id,
        resend_in: resend_wait_secs(&limits.resend_cooldowns_secs, sends_this_hour as usize),
        expires_in: limits.code_ttl_secs,
    })
}

/// «Получить код ещё раз» / «Позвонить» on a code page: a new code for the same flow's
/// purpose, contact and data (a registration stays a registration), by SMS, voice or email.
pub async fn resend(
    state: &AppState,
    flow: &FlowRow,
    voice: bool,
    ip: &str,
    locale: Locale,
) -> AppResult<Started> {
    let purpose =
        Purpose::parse(&flow.purpose).ok_or_else(|| AppError::bad_request("code_expired"))?;
    let contact = flow.contact_typed();
    let channel = match (voice, contact.is_phone()) {
        (true, true) => Channel::Voice,
        (_, true) => Channel::Sms,
        (_, false) => Channel::Email,
    };
    // A registration with a taken email carried a notice, not a code: it stays a notice.
    let notice =
        (purpose == Purpose::Register && flow.payload.is_none()).then_some(Notice::RegisterTaken);
    let extra = Extra {
        customer_id: flow.customer_id.clone(),
        payload: flow.payload.clone(),
        notice,
    };
    start_with(state, purpose, channel, &contact, ip, locale, extra).await
}

struct NewSend {
    customer_id: Option<String>,
    payload: Option<String>,
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

/// Reserves the send against the contact's limits, voids older codes of the pair, stores the
/// new flow and queues the message, all or nothing. Returns the contact's sends this hour.
async fn record_send(state: AppState, s: NewSend) -> Result<i64, Refused> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let sends = match reserve_send(&mut tx, &state, s.channel, &s.contact, s.now, true).await {
        Ok(n) => n,
        Err(e) => {
            tx.rollback().await?;
            return Err(e);
        }
    };
    sqlx::query(
        "UPDATE auth_flows SET voided = 1 WHERE contact = $1 AND purpose = $2 AND voided = 0 AND consumed_at IS NULL",
    )
    .bind(&s.contact)
    .bind(s.purpose.as_str())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO auth_flows (id, purpose, channel, contact, code_hash, created_at, expires_at, ip, \
         customer_id, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&s.flow_id)
    .bind(s.purpose.as_str())
    .bind(s.channel.as_str())
    .bind(&s.contact)
    .bind(&s.code_hash)
    .bind(s.now)
    .bind(s.expires_at)
    .bind(&s.ip)
    .bind(&s.customer_id)
    .bind(&s.payload)
    .execute(&mut *tx)
    .await?;
    state.notifier.enqueue(&mut tx, &s.msg).await?;
    tx.commit().await?;
    Ok(sends)
}

fn message(
    state: &AppState,
    l: Locale,
    purpose: Purpose,
    channel: Channel,
    contact: &Contact,
    flow_id: &str,
    code: &str,
) -> Message {
    let minutes = (state.config.limits.code_ttl_secs / 60).max(1).to_string();
    let what = purpose.as_str();
    // A registration letter also carries a link that confirms in one click.
    let link = (purpose == Purpose::Register).then(|| {
        format!(
            "{}/register/confirm?flow={flow_id}&code={code}",
            state.base_url
        )
    });
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
                &[
                    ("code", code.into()),
                    ("minutes", minutes),
                    ("link", link.clone().unwrap_or_default()),
                ],
            ),
        ),
    };
    Message {
        channel,
        to: contact.as_str().to_owned(),
        subject,
        text,
        code: Some(code.to_owned()),
        link,
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
    pub customer_id: Option<String>,
    pub payload: Option<String>,
}

impl FlowRow {
    /// The flow's contact with its kind, read from the channel it was sent by (never guessed
    /// from the text).
    pub fn contact_typed(&self) -> Contact {
        match self.channel_typed() {
            Channel::Email => Contact::Email(self.contact.clone()),
            Channel::Sms | Channel::Voice => Contact::Phone(self.contact.clone()),
        }
    }
    pub fn channel_typed(&self) -> Channel {
        Channel::parse(&self.channel).unwrap_or(if self.contact.contains('@') {
            Channel::Email
        } else {
            Channel::Sms
        })
    }
}

pub async fn flow(state: &AppState, flow_id: &str) -> AppResult<Option<FlowRow>> {
    if !looks_like_id(flow_id) {
        return Ok(None);
    }
    Ok(sqlx::query_as(
        "SELECT id, purpose, channel, contact, code_hash, created_at, expires_at, attempts, consumed_at, voided, \
         customer_id, payload FROM auth_flows WHERE id = $1",
    )
    .bind(flow_id)
    .fetch_optional(&state.db)
    .await?)
}

/// Checks a code and consumes its flow. Wrong entries count against the flow (5 void it) and
/// against the contact (more than 10 an hour lock code entry for an hour).
pub async fn check(
    state: &AppState,
    purposes: &[Purpose],
    flow_id: &str,
    raw_code: &str,
    actor: &Actor,
) -> AppResult<(Purpose, FlowRow)> {
    let limits = &state.config.limits;
    let now = state.clock.now_ms();
    let (purpose, flow) = flow(state, flow_id)
        .await?
        .and_then(|f| Purpose::parse(&f.purpose).map(|p| (p, f)))
        .filter(|(p, _)| purposes.contains(p))
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
    // Reserve this comparison against the code (5 at most)…
    let attempt: Option<i64> = sqlx::query_scalar(
        "UPDATE auth_flows SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2 \
         AND consumed_at IS NULL AND voided = 0 AND expires_at > $3 RETURNING attempts",
    )
    .bind(&flow.id)
    .bind(limits.code_max_attempts)
    .bind(now)
    .fetch_optional(&state.db)
    .await?;
    let Some(attempt) = attempt else {
        return Err(AppError::bad_request("code_expired"));
    };
    // …and against the contact (10 an hour; the next one locks code entry for an hour).
    let failures_key = format!("codefail:{}", flow.contact);
    if limits::reserve(
        &state.db,
        &failures_key,
        HOUR_MS,
        limits.contact_failures_per_hour,
        now,
    )
    .await?
    .is_none()
    {
        return Err(lock_contact(state, &flow, now, actor).await?);
    }

    let good = normalize_code(raw_code).is_some_and(|code| {
        same_digest(
            &flow.code_hash,
            &code_hash(&state.keys.codes, purpose, &flow.contact, &flow.id, &code),
        )
    });
    if !good {
        return Err(wrong_code(state, &flow, attempt, now, actor).await?);
    }
    // A right code is no failure: its reservation goes back.
    limits::release(&state.db, &failures_key, HOUR_MS, now).await?;
    let consumed = sqlx::query(
        "UPDATE auth_flows SET consumed_at = $1 WHERE id = $2 AND consumed_at IS NULL AND voided = 0",
    )
    .bind(now)
    .bind(&flow.id)
    .execute(&state.db)
    .await?
    .rows_affected();
    if consumed != 1 {
        return Err(AppError::bad_request("code_expired"));
    }
    // The customer receives codes: signing in on another device need not wait.
    limits::open_gate(&state.db, &resend_key(&flow.contact)).await?;
    Ok((purpose, flow))
}

/// The customer behind a flow's contact, for the security log.
async fn customer_of(state: &AppState, flow: &FlowRow) -> AppResult<Option<String>> {
    Ok(
        crate::customers::by_contact(&state.db, &flow.contact_typed())
            .await?
            .map(|c| c.id),
    )
}

/// More than the allowed wrong entries an hour: code entry for this contact stops for an hour.
async fn lock_contact(
    state: &AppState,
    flow: &FlowRow,
    now: i64,
    actor: &Actor,
) -> AppResult<AppError> {
    let limits = &state.config.limits;
    let until = now + limits.contact_lock_secs * 1000;
    sqlx::query(
        "INSERT INTO contact_locks (contact, locked_until) VALUES ($1, $2) \
         ON CONFLICT (contact) DO UPDATE SET locked_until = excluded.locked_until \
         WHERE contact_locks.locked_until <= $3",
    )
    .bind(&flow.contact)
    .bind(until)
    .bind(now)
    .execute(&state.db)
    .await?;
    let customer_id = customer_of(state, flow).await?;
    crate::customers::log_event(
        &state.db,
        now,
        actor,
        customer_id.as_deref(),
        Some(&flow.contact),
        "code_entry_locked",
        "locked",
    )
    .await?;
    Ok(AppError::too_many(
        "code_entry_locked",
        limits.contact_lock_secs,
    ))
}

async fn wrong_code(
    state: &AppState,
    flow: &FlowRow,
    attempt: i64,
    now: i64,
    actor: &Actor,
) -> AppResult<AppError> {
    let customer_id = customer_of(state, flow).await?;
    crate::customers::log_event(
        &state.db,
        now,
        actor,
        customer_id.as_deref(),
        Some(&flow.contact),
        "code_entry",
        "wrong_code",
    )
    .await?;
    let left = state.config.limits.code_max_attempts - attempt;
    if left <= 0 {
        return Ok(AppError::bad_request("code_expired"));
    }
    Ok(AppError::bad_request("invalid_code").arg("left", left.to_string()))
}

/// An account not signed into for this long, reached by a recycled phone number, asks for
/// its email code too (SECURITY 29).
const DORMANT_MS: i64 = 180 * DAY_MS;
/// How long «Нет доступа к почте» stays possible after the phone was proven.
const NO_EMAIL_WINDOW_MS: i64 = 15 * 60_000;

/// `POST /auth/codes/verify`: a sign-in code, the confirmation of a registration, or the email
/// step for a dormant account. Finds or opens the account and starts a session.
pub async fn sign_in(
    state: &AppState,
    flow_id: &str,
    raw_code: &str,
    actor: &Actor,
    locale: Locale,
) -> AppResult<SignedIn> {
    let purposes = [Purpose::Login, Purpose::Register, Purpose::DormantEmail];
    let (purpose, flow) = check(state, &purposes, flow_id, raw_code, actor).await?;
    let now = state.clock.now_ms();
    let (customer, created) = match purpose {
        Purpose::Register => super::credentials::complete_registration(state, &flow, now).await?,
        Purpose::DormantEmail => {
            let id = flow.customer_id.as_deref().unwrap_or("");
            let c = crate::customers::by_id(&state.db, id)
                .await?
                .ok_or_else(|| AppError::bad_request("code_expired"))?;
            crate::customers::touch(&state.db, &c.id, now).await?;
            (c, false)
        }
        _ => {
            let contact = flow.contact_typed();
            if contact.is_phone()
                && let Some(old) = crate::customers::by_contact(&state.db, &contact).await?
                && let Some(email) = old
                    .email
                    .clone()
                    .filter(|_| old.email_verified != 0 && now - old.last_seen_at > DORMANT_MS)
            {
                return Err(dormant_email_step(state, &old, &email, &flow, actor, locale).await?);
            }
            crate::customers::find_or_create(&state.db, &contact, now).await?
        }
    };
    start_session(
        state,
        customer,
        created,
        &flow.channel,
        &flow.contact,
        actor,
    )
    .await
}

async fn start_session(
    state: &AppState,
    customer: CustomerRow,
    created: bool,
    method: &str,
    contact: &str,
    actor: &Actor,
) -> AppResult<SignedIn> {
    let now = state.clock.now_ms();
    // A code proves the contact: failed password tries of the account are forgotten.
    super::credentials::reset_failures(state, &customer.id).await?;
    let (token, session_id) =
        super::sessions::create(state, &customer.id, &actor.ip, &actor.user_agent, method).await?;
    crate::customers::log_event(
        &state.db,
        now,
        actor,
        Some(&customer.id),
        Some(contact),
        "sign_in",
        method,
    )
    .await?;
    Ok(SignedIn {
        token,
        session_id,
        customer,
        created,
    })
}

/// The phone was proven, but it opens a long-unused account that has an email: send a code to
/// that email and tell the client to ask for it (or offer «Нет доступа к почте»).
async fn dormant_email_step(
    state: &AppState,
    old: &CustomerRow,
    email: &str,
    phone_flow: &FlowRow,
    actor: &Actor,
    locale: Locale,
) -> AppResult<AppError> {
    let contact = Contact::Email(email.to_owned());
    let extra = Extra {
        customer_id: Some(old.id.clone()),
        payload: Some(phone_flow.contact.clone()),
        notice: None,
    };
    let started = start_with(
        state,
        Purpose::DormantEmail,
        Channel::Email,
        &contact,
        &actor.ip,
        locale,
        extra,
    )
    .await?;
    Ok(AppError::conflict("email_code_required")
        .arg("email", contact.masked())
        .detail("flow_id", started.flow_id)
        .detail("email", contact.masked()))
}

/// «Нет доступа к почте»: the proven phone leaves the dormant account (whose owner is told by
/// email) and opens a new one.
pub async fn no_email_access(
    state: &AppState,
    flow_id: &str,
    actor: &Actor,
    locale: Locale,
) -> AppResult<SignedIn> {
    let now = state.clock.now_ms();
    let flow = flow(state, flow_id)
        .await?
        .filter(|f| {
            f.purpose == Purpose::DormantEmail.as_str() && now < f.created_at + NO_EMAIL_WINDOW_MS
        })
        .ok_or_else(|| AppError::bad_request("code_expired"))?;
    let (Some(old_id), Some(phone)) = (flow.customer_id.clone(), flow.payload.clone()) else {
        return Err(AppError::bad_request("code_expired"));
    };
    let taken = sqlx::query(
        "UPDATE auth_flows SET voided = 1 WHERE id = $1 AND voided = 0 AND consumed_at IS NULL",
    )
    .bind(&flow.id)
    .execute(&state.db)
    .await?
    .rows_affected();
    if taken != 1 {
        return Err(AppError::bad_request("code_expired"));
    }
    let detached = sqlx::query("UPDATE customers SET phone = NULL WHERE id = $1 AND phone = $2")
        .bind(&old_id)
        .bind(&phone)
        .execute(&state.db)
        .await?
        .rows_affected();
    if detached == 1 {
        crate::customers::log_event(
            &state.db,
            now,
            actor,
            Some(&old_id),
            Some(&phone),
            "phone_detached",
            "recycled_number",
        )
        .await?;
        if let Some(old) = crate::customers::by_id(&state.db, &old_id).await?
            && let Some(email) = old.email
        {
            let masked = Contact::Phone(phone.clone()).masked();
            let msg = Message {
                channel: Channel::Email,
                to: email,
                subject: locale.t("email-phone-detached-subject"),
                text: locale.ta("email-phone-detached-body", &[("phone", masked)]),
                code: None,
                link: None,
            };
            state.notifier.send_now(&msg).await?;
        }
    }
    let (customer, created) =
        crate::customers::find_or_create(&state.db, &Contact::Phone(phone.clone()), now).await?;
    start_session(state, customer, created, "sms", &phone, actor).await
}

/// What a code-entry page needs to know about its flow.
#[derive(Debug, Clone)]
pub struct FlowView {
    pub purpose: Purpose,
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
    let gate = limits::gate_until(&state.db, &resend_key(&flow.contact)).await?;
    let resend_in = ceil_secs(gate - now).max(0);
    let channel = flow.channel_typed();
    let call_in = (channel != Channel::Email).then(|| {
        let after_sms = if channel == Channel::Sms {
            ceil_secs(flow.created_at + limits.voice_after_sms_secs * 1000 - now).max(0)
        } else {
            0
        };
        after_sms.max(resend_in)
    });
    Ok(FlowView {
        purpose: Purpose::parse(&flow.purpose).unwrap_or(Purpose::Login),
        channel,
        contact: flow.contact_typed(),
        resend_in,
        call_in,
    })
}
