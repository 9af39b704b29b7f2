//! Checking a code: one of the flow's tries and one of the contact's reserved before comparing,
//! in constant time.

use super::*;

/// Checks a code and consumes its flow, in one write transaction. Wrong entries count against
/// the flow (5 void it) and against the contact (more than 10 an hour lock code entry for an
/// hour). The customer named in the security log is the one who had the contact when the flow
/// was read.
#[tracing::instrument(skip_all)]
pub async fn check(
    state: &AppState,
    purposes: &[Purpose],
    flow_id: &str,
    raw_code: &str,
    actor: &Actor,
) -> AppResult<(Purpose, FlowRow)> {
    let now = state.clock.now_ms();
    let (purpose, flow, customer) = open_flow(state, purposes, flow_id, now)
        .await
        .inspect_err(|e| crate::telemetry::code_check(e.code))?;
    let customer_id = customer.map(|c| c.id);
    check_flow(state, purpose, &flow, customer_id, raw_code, actor, now).await?;
    Ok((purpose, flow))
}

/// [`check`] of a flow [`open_flow`] read: [`check_in`] in a write transaction of its own.
pub(super) async fn check_flow(
    state: &AppState,
    purpose: Purpose,
    flow: &FlowRow,
    customer_id: Option<String>,
    raw_code: &str,
    actor: &Actor,
    now: i64,
) -> AppResult<()> {
    let (st, f, code, actor) = (
        state.clone(),
        (flow.clone(), customer_id),
        raw_code.to_owned(),
        actor.clone(),
    );
    // Detached: a client that goes away must not cancel the transaction half-way.
    let checked = crate::db::detached(crate::db::retrying(move || {
        let (st, f, code, actor) = (st.clone(), f.clone(), code.clone(), actor.clone());
        async move {
            let mut tx = crate::db::begin_write(&st.db).await?;
            let (flow, customer_id) = &f;
            let checked = check_in(
                &mut tx,
                &st,
                purpose,
                flow,
                customer_id.as_deref(),
                &code,
                &actor,
                now,
            )
            .await?;
            // Committed whatever the answer: a wrong code stays counted and logged.
            tx.commit().await?;
            Ok::<_, sqlx::Error>(checked)
        }
    }))
    .await?;
    crate::telemetry::code_check(checked.as_ref().map_or_else(|e| e.code, |_| "ok"));
    checked
}

/// The flow a code is entered for, read (with its contact's lock and the customer who has the
/// contact now) in one statement before the transaction that checks the code: `code_expired`
/// when it is unknown or of another purpose, `code_entry_locked` while its contact is locked.
/// Whether the flow is still open is decided by [`check_in`]'s conditional statement, not here.
pub(super) async fn open_flow(
    state: &AppState,
    purposes: &[Purpose],
    flow_id: &str,
    now: i64,
) -> AppResult<(Purpose, FlowRow, Option<CustomerRow>)> {
    let found = if looks_like_id(flow_id) {
        store::flow_entry(&state.db, flow_id).await?
    } else {
        None
    };
    let Some(entry) = found else {
        return Err(AppError::bad_request("code_expired"));
    };
    let customer = entry.customer();
    let store::FlowEntry {
        flow, locked_until, ..
    } = entry;
    let purpose = Purpose::parse(&flow.purpose)
        .filter(|p| purposes.contains(p))
        .ok_or_else(|| AppError::bad_request("code_expired"))?;
    flow.contact_typed()?;
    if let Some(until) = locked_until.filter(|&u| u > now) {
        return Err(AppError::too_many(
            "code_entry_locked",
            ceil_secs(until - now),
        ));
    }
    Ok((purpose, flow, customer))
}

/// The check inside the caller's write transaction (`BEGIN IMMEDIATE` on SQLite). Reserves
/// one of the flow's tries and one of the contact's (each one conditional statement) before
/// comparing. `Ok(Ok(()))`: the code is right, the flow is consumed, the contact's reservation
/// given back and its resend gate opened; the caller goes on in the same transaction.
/// `Ok(Err(answer))`: refused; the caller COMMITS (a wrong code stays counted, with its
/// security-log event) and answers with it. `Err`: the database failed; roll back.
#[allow(clippy::too_many_arguments)]
pub(super) async fn check_in(
    conn: &mut crate::db::Conn,
    state: &AppState,
    purpose: Purpose,
    flow: &FlowRow,
    customer_id: Option<&str>,
    raw_code: &str,
    actor: &Actor,
    now: i64,
) -> Result<Result<(), AppError>, sqlx::Error> {
    let limits = &state.config.limits;
    // Reserve this comparison against the code (5 at most)…
    let attempt = store::take_attempt(&mut *conn, &flow.id, limits.code_max_attempts, now).await?;
    let Some(attempt) = attempt else {
        return Ok(Err(AppError::bad_request("code_expired")));
    };
    // …and against the contact (10 an hour; the next one locks code entry for an hour).
    let failures_key = format!("codefail:{}", flow.contact);
    let reserved = limits::reserve(
        &mut *conn,
        &failures_key,
        HOUR_MS,
        limits.contact_failures_per_hour,
        now,
    )
    .await?;
    if reserved.is_none() {
        return Ok(Err(lock_contact(
            conn,
            state,
            flow,
            customer_id,
            now,
            actor,
        )
        .await?));
    }

    let good = normalize_code(raw_code).is_some_and(|code| {
        same_digest(
            &flow.code_hash,
            &code_hash(&state.keys.codes, purpose, &flow.contact, &flow.id, &code),
        )
    });
    if !good {
        return Ok(Err(wrong_code(
            conn,
            state,
            flow,
            customer_id,
            attempt,
            now,
            actor,
        )
        .await?));
    }
    // A right code is no failure: its reservation goes back.
    limits::release(&mut *conn, &failures_key, HOUR_MS, now).await?;
    if !store::consume_flow(&mut *conn, &flow.id, now).await? {
        return Ok(Err(AppError::bad_request("code_expired")));
    }
    // The customer receives codes: signing in on another device need not wait.
    limits::open_gate(&mut *conn, &resend_key(&flow.contact)).await?;
    Ok(Ok(()))
}

/// More than the allowed wrong entries an hour: code entry for this contact stops for an hour.
pub(super) async fn lock_contact(
    conn: &mut crate::db::Conn,
    state: &AppState,
    flow: &FlowRow,
    customer_id: Option<&str>,
    now: i64,
    actor: &Actor,
) -> Result<AppError, sqlx::Error> {
    let limits = &state.config.limits;
    let until = now + limits.contact_lock_secs * 1000;
    store::lock_contact(&mut *conn, &flow.contact, until, now).await?;
    crate::customers::log_event(
        &mut *conn,
        now,
        actor,
        customer_id,
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

pub(super) async fn wrong_code(
    conn: &mut crate::db::Conn,
    state: &AppState,
    flow: &FlowRow,
    customer_id: Option<&str>,
    attempt: i64,
    now: i64,
    actor: &Actor,
) -> Result<AppError, sqlx::Error> {
    crate::customers::log_event(
        &mut *conn,
        now,
        actor,
        customer_id,
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
