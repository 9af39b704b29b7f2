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
#[tracing::instrument(skip_all)]
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
        Purpose::Register => {
            crate::auth::credentials::complete_registration(state, &flow, now).await?
        }
        Purpose::DormantEmail => {
            let id = flow.customer_id.as_deref().unwrap_or("");
            let c = crate::customers::by_id(&state.db, id)
                .await?
                .ok_or_else(|| AppError::bad_request("code_expired"))?;
            crate::customers::touch(&state.db, &c.id, now).await?;
            (c, false)
        }
        _ => {
            let contact = flow.contact_typed()?;
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

pub(super) async fn start_session(
    state: &AppState,
    customer: CustomerRow,
    created: bool,
    method: &str,
    contact: &str,
    actor: &Actor,
) -> AppResult<SignedIn> {
    let now = state.clock.now_ms();
    // A code proves the contact: failed password tries of the account are forgotten.
    crate::auth::credentials::reset_failures(state, &customer.id).await?;
    let (token, session_id) =
        crate::auth::sessions::create(state, &customer.id, &actor.ip, &actor.user_agent, method)
            .await?;
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
    let (customer, created) = crate::customers::find_or_create(
        &state.db,
        &Contact::Phone(Phone::stored(phone.clone())),
        now,
    )
    .await?;
    start_session(state, customer, created, "sms", &phone, actor).await
}
