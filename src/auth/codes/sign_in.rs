//! Signing in with a checked code: the account found or opened, the dormant-account email
//! step, «Нет доступа к почте», and the session.

use super::*;

/// An account not signed into for this long, reached by a recycled phone number, asks for
/// its email code too (SECURITY 29).
pub(super) const DORMANT_MS: i64 = 180 * DAY_MS;
/// How long «Нет доступа к почте» stays possible after the phone was proven.
pub(super) const NO_EMAIL_WINDOW_MS: i64 = 15 * 60_000;

/// `POST /auth/codes/verify`: a sign-in code, the confirmation of a registration, or the email
/// step for a dormant account. Finds or opens the account and starts a session.
///
/// A login code (the common case) is one write transaction: the code's check (see
/// [`check_in`]), the account found or opened, the session and the security log.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    state: &AppState,
    flow_id: &str,
    raw_code: &str,
    actor: &Actor,
    locale: Locale,
) -> AppResult<SignedIn> {
    let purposes = [Purpose::Login, Purpose::Register, Purpose::DormantEmail];
    let now = state.clock.now_ms();
    let (purpose, flow, found) = open_flow(state, &purposes, flow_id, now)
        .await
        .inspect_err(|e| crate::telemetry::code_check(e.code))?;
    if purpose != Purpose::Login {
        // Registrations and the dormant-account email step keep their own steps.
        let customer_id = found.map(|c| c.id);
        check_flow(state, purpose, &flow, customer_id, raw_code, actor, now).await?;
        return other_sign_in(state, purpose, &flow, actor).await;
    }
    let contact = flow.contact_typed()?;
    let (st, f, code, who, to) = (
        state.clone(),
        (flow.clone(), found),
        raw_code.to_owned(),
        actor.clone(),
        contact.clone(),
    );
    // Detached: a client that goes away must not cancel the transaction half-way.
    let done = crate::db::detached(crate::db::retrying(move || {
        let (st, f, code, who, to) = (st.clone(), f.clone(), code.clone(), who.clone(), to.clone());
        async move {
            let mut tx = crate::db::begin_write(&st.db).await?;
            let (flow, found) = f;
            let done = login_in(&mut tx, &st, &flow, found, &to, &code, &who, now).await?;
            // Committed whatever the answer: a wrong code stays counted and logged.
            tx.commit().await?;
            Ok::<_, sqlx::Error>(done)
        }
    }))
    .await?;
    // A dormant account's email step comes after a right code too.
    crate::telemetry::code_check(done.as_ref().map_or_else(|e| e.code, |_| "ok"));
    match done? {
        LoggedIn::Session(s) => Ok(s),
        LoggedIn::Dormant { old, email } => {
            Err(dormant_email_step(state, &old, &email, &flow, actor, locale).await?)
        }
    }
}

/// What a right login code led to.
enum LoggedIn {
    Session(SignedIn),
    /// A recycled phone number reached a long-unused account with an email: the email step
    /// comes first (after the transaction: it sends a code).
    Dormant {
        old: CustomerRow,
        email: String,
    },
}

/// A login code inside the caller's write transaction: checked, then the account `found` with
/// the flow (before the transaction; [`crate::customers::touch_or_create`] reads again only
/// when that no longer holds) signed into, or opened, and the session started.
/// `Ok(Err(answer))` is to be committed too.
#[allow(clippy::too_many_arguments)]
async fn login_in(
    conn: &mut crate::db::Conn,
    state: &AppState,
    flow: &FlowRow,
    found: Option<CustomerRow>,
    contact: &Contact,
    raw_code: &str,
    actor: &Actor,
    now: i64,
) -> Result<AppResult<LoggedIn>, sqlx::Error> {
    let customer_id = found.as_ref().map(|c| c.id.as_str());
    let checked = check_in(
        conn,
        state,
        Purpose::Login,
        flow,
        customer_id,
        raw_code,
        actor,
        now,
    )
    .await?;
    if let Err(refused) = checked {
        return Ok(Err(refused));
    }
    let dormant_email = found.as_ref().and_then(|old| {
        old.email
            .clone()
            .filter(|_| contact.is_phone())
            .filter(|_| old.email_verified != 0 && now - old.last_seen_at > DORMANT_MS)
    });
    if let (Some(old), Some(email)) = (&found, dormant_email) {
        let old = old.clone();
        return Ok(Ok(LoggedIn::Dormant { old, email }));
    }
    let (customer, created) =
        crate::customers::touch_or_create(&mut *conn, contact, found, now).await?;
    let s = start_session_in(
        conn,
        state,
        customer,
        created,
        &flow.channel,
        &flow.contact,
        actor,
        now,
    )
    .await?;
    Ok(Ok(LoggedIn::Session(s)))
}

/// A checked registration code or dormant-account email code: the account opened or found,
/// and the session.
async fn other_sign_in(
    state: &AppState,
    purpose: Purpose,
    flow: &FlowRow,
    actor: &Actor,
) -> AppResult<SignedIn> {
    let now = state.clock.now_ms();
    let (customer, created) = match purpose {
        Purpose::Register => {
            crate::auth::credentials::complete_registration(state, flow, now).await?
        }
        _ => {
            let id = flow.customer_id.as_deref().unwrap_or("");
            let c = crate::customers::by_id(&state.db, id)
                .await?
                .ok_or_else(|| AppError::bad_request("code_expired"))?;
            crate::customers::touch(&state.db, &c.id, now).await?;
            (c, false)
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

/// Starts a session in a write transaction of its own (see [`start_session_in`]).
pub(super) async fn start_session(
    state: &AppState,
    customer: CustomerRow,
    created: bool,
    method: &str,
    contact: &str,
    actor: &Actor,
) -> AppResult<SignedIn> {
    let now = state.clock.now_ms();
    let (st, method, contact, actor) = (
        state.clone(),
        method.to_owned(),
        contact.to_owned(),
        actor.clone(),
    );
    let s = crate::db::detached(crate::db::retrying(move || {
        let (st, c, method, contact, actor) = (
            st.clone(),
            customer.clone(),
            method.clone(),
            contact.clone(),
            actor.clone(),
        );
        async move {
            let mut tx = crate::db::begin_write(&st.db).await?;
            let s =
                start_session_in(&mut tx, &st, c, created, &method, &contact, &actor, now).await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(s)
        }
    }))
    .await?;
    Ok(s)
}

/// A code proved the contact: the account's failed password tries are forgotten (a new
/// account has none), a session is created and the sign-in logged, in the caller's
/// transaction.
#[allow(clippy::too_many_arguments)]
pub(super) async fn start_session_in(
    conn: &mut crate::db::Conn,
    state: &AppState,
    customer: CustomerRow,
    created: bool,
    method: &str,
    contact: &str,
    actor: &Actor,
    now: i64,
) -> Result<SignedIn, sqlx::Error> {
    if !created {
        crate::auth::credentials::reset_failures_in(&mut *conn, &customer.id).await?;
    }
    let (token, session_id) = crate::auth::sessions::create_with(
        &mut *conn,
        state,
        &customer.id,
        &actor.ip,
        &actor.user_agent,
        method,
    )
    .await?;
    crate::customers::log_event(
        &mut *conn,
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
pub(super) async fn dormant_email_step(
    state: &AppState,
    old: &CustomerRow,
    email: &str,
    phone_flow: &FlowRow,
    actor: &Actor,
    locale: Locale,
) -> AppResult<AppError> {
    let contact = Contact::Email(Email::stored(email.to_owned()));
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
#[tracing::instrument(skip_all)]
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
    if !store::void_flow(&state.db, &flow.id).await? {
        return Err(AppError::bad_request("code_expired"));
    }
    if crate::customers::store::detach_phone(&state.db, &old_id, &phone).await? {
        crate::customers::log_event(
            crate::db::autocommit(&state.db),
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
            let masked = Contact::Phone(Phone::stored(phone.clone())).masked();
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
    // The new account (or the one that has this phone by now) and the session: one transaction.
    let (st, actor) = (state.clone(), actor.clone());
    let s = crate::db::detached(crate::db::retrying(move || {
        let (st, phone, actor) = (st.clone(), phone.clone(), actor.clone());
        async move {
            let mut tx = crate::db::begin_write(&st.db).await?;
            let contact = Contact::Phone(Phone::stored(phone.clone()));
            let (customer, created) =
                crate::customers::find_or_create(&mut tx, &contact, now).await?;
            let s = start_session_in(&mut tx, &st, customer, created, "sms", &phone, &actor, now)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(s)
        }
    }))
    .await?;
    Ok(s)
}
