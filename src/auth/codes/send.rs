//! Sending codes: the phone's and the address's limits reserved in the transaction that
//! stores the flow and queues the message, resends, and the message texts.

use super::*;

/// The hour and day caps of a channel (SECURITY 8, 10).
pub(super) fn caps(state: &AppState, channel: Channel) -> (i64, i64) {
    let l = &state.config.limits;
    match channel {
        Channel::Sms => (l.sms_per_hour, l.sms_per_day),
        Channel::Email => (l.email_per_hour, l.email_per_day),
        Channel::Voice => (l.voice_per_day, l.voice_per_day),
    }
}

pub(super) fn sends_key(contact: &str, channel: Channel, window: &str) -> String {
    format!("send:{}:{window}:{contact}", channel.as_str())
}

/// The resend wait of a contact (one gate for every channel).
pub(super) fn resend_key(contact: &str) -> String {
    format!("resend:{contact}")
}

/// Why a send may not happen now.
pub(super) enum Refused {
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
pub(super) async fn reserve_send(
    conn: &mut crate::db::Conn,
    state: &AppState,
    channel: Channel,
    contact: &str,
    now: i64,
    gated: bool,
) -> Result<i64, Refused> {
    let (per_hour, per_day) = caps(state, channel);
    // One statement for the three counters; a refusal rolls the transaction back, so nothing
    // of it is counted.
    let (day_key, hour_key) = (
        sends_key(contact, channel, "day"),
        sends_key(contact, channel, "hour"),
    );
    let any_key = format!("send:any:hour:{contact}");
    let counted = limits::reserve_each(
        &mut *conn,
        &[
            (&day_key, DAY_MS, per_day),
            (&hour_key, HOUR_MS, per_hour),
            (&any_key, HOUR_MS, i64::MAX),
        ],
        now,
    )
    .await?;
    let [day, hour, all] = counted[..] else {
        return Err(Refused::Db(sqlx::Error::Protocol(
            "reserve_each answered for another number of counters".into(),
        )));
    };
    if day.is_none() {
        return Err(Refused::Cap(Window::of(now, DAY_MS).retry_after_secs(now)));
    }
    if hour.is_none() {
        return Err(Refused::Cap(Window::of(now, HOUR_MS).retry_after_secs(now)));
    }
    let all = all.unwrap_or(1);
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
    let refused = |e: &AppError| crate::telemetry::code_request(channel.as_str(), e.code);

    if channel == Channel::Voice {
        voice_allowed(state, purpose, contact, now)
            .await
            .inspect_err(refused)?;
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
    let sends_this_hour = crate::db::detached(record_send(state.clone(), send))
        .await
        .map_err(AppError::from)
        .inspect_err(refused)?;
    state.notifier.kick();
    crate::telemetry::code_request(channel.as_str(), "sent");

    Ok(Started {
        flow_id,
        resend_in: resend_wait_secs(&limits.resend_cooldowns_secs, sends_this_hour as usize),
        expires_in: limits.code_ttl_secs,
    })
}

/// A voice call only after an unconfirmed SMS at least a minute old (SECURITY 10).
async fn voice_allowed(
    state: &AppState,
    purpose: Purpose,
    contact: &Contact,
    now: i64,
) -> AppResult<()> {
    let after = state.config.limits.voice_after_sms_secs * 1000;
    let sms_at =
        store::last_open_sms_at(&state.db, contact.as_str(), purpose, now - HOUR_MS).await?;
    match sms_at {
        None => Err(AppError::conflict("voice_needs_sms")),
        Some(at) if now < at + after => Err(AppError::too_many(
            "voice_too_soon",
            ceil_secs(at + after - now),
        )),
        Some(_) => Ok(()),
    }
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
    let contact = flow.contact_typed()?;
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

pub(super) struct NewSend {
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
pub(super) async fn record_send(state: AppState, s: NewSend) -> Result<i64, Refused> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let sends = match reserve_send(&mut tx, &state, s.channel, &s.contact, s.now, true).await {
        Ok(n) => n,
        Err(e) => {
            tx.rollback().await?;
            return Err(e);
        }
    };
    store::void_open_flows(&mut tx, &s.contact, s.purpose).await?;
    let flow = store::NewFlow {
        id: &s.flow_id,
        purpose: s.purpose,
        channel: s.channel,
        contact: &s.contact,
        code_hash: &s.code_hash,
        created_at: s.now,
        expires_at: s.expires_at,
        ip: &s.ip,
        customer_id: s.customer_id.as_deref(),
        payload: s.payload.as_deref(),
    };
    store::insert_flow(&mut tx, &flow).await?;
    state.notifier.enqueue(&mut tx, &s.msg).await?;
    tx.commit().await?;
    Ok(sends)
}

pub(super) fn message(
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
