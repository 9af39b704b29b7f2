//! Checking a code: one of the flow's tries and one of the contact's reserved before comparing,
//! in constant time.

use super::*;

/// Checks a code and consumes its flow. Wrong entries count against the flow (5 void it) and
/// against the contact (more than 10 an hour lock code entry for an hour).
#[tracing::instrument(skip_all)]
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

    let until = store::locked_until(&state.db, &flow.contact).await?;
    if let Some(until) = until.filter(|&u| u > now) {
        return Err(AppError::too_many(
            "code_entry_locked",
            ceil_secs(until - now),
        ));
    }
    // Reserve this comparison against the code (5 at most)…
    let attempt = store::take_attempt(&state.db, &flow.id, limits.code_max_attempts, now).await?;
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
    if !store::consume_flow(&state.db, &flow.id, now).await? {
        return Err(AppError::bad_request("code_expired"));
    }
    // The customer receives codes: signing in on another device need not wait.
    limits::open_gate(&state.db, &resend_key(&flow.contact)).await?;
    Ok((purpose, flow))
}

/// The customer behind a flow's contact, for the security log.
pub(super) async fn customer_of(state: &AppState, flow: &FlowRow) -> AppResult<Option<String>> {
    Ok(
        crate::customers::by_contact(&state.db, &flow.contact_typed()?)
            .await?
            .map(|c| c.id),
    )
}

/// More than the allowed wrong entries an hour: code entry for this contact stops for an hour.
pub(super) async fn lock_contact(
    state: &AppState,
    flow: &FlowRow,
    now: i64,
    actor: &Actor,
) -> AppResult<AppError> {
    let limits = &state.config.limits;
    let until = now + limits.contact_lock_secs * 1000;
    store::lock_contact(&state.db, &flow.contact, until, now).await?;
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

pub(super) async fn wrong_code(
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
