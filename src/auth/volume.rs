//! Volume from one client address (SECURITY 8, 17; PRODUCT §5 «Captcha instead of a lock»).
//!
//! A whole mobile carrier may sit behind one address, so crossing a threshold never locks
//! anybody out: the call answers `captcha_required` until the client solves an
//! «антиспам-код». Only far above (the hard cap, 10× by default) does it answer 429.
//! Each request is counted *before* its work, by [`crate::limits::reserve`].

use crate::error::{AppError, AppResult};
use crate::limits::{self, HOUR_MS, Window};
use crate::state::AppState;

/// What is counted per address and hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Volume {
    /// Code requests (SMS, voice, email), registrations included.
    Codes,
    /// Failed password sign-ins (a success gives its unit back).
    PasswordFailures,
    /// Recovery requests and support cases.
    Requests,
    /// Captcha pictures asked for (no captcha in front of them: the hard cap only).
    Captchas,
}

impl Volume {
    /// How metrics name it (`kabinet_address_limits_total{volume}`).
    fn name(self) -> &'static str {
        match self {
            Volume::Codes => "codes",
            Volume::PasswordFailures => "password_failures",
            Volume::Requests => "requests",
            Volume::Captchas => "captchas",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Volume::Codes => "addr:codes",
            Volume::PasswordFailures => "addr:password",
            Volume::Requests => "addr:requests",
            Volume::Captchas => "addr:captchas",
        }
    }

    /// Requests an hour that pass without a captcha.
    fn threshold(self, state: &AppState) -> i64 {
        let l = &state.config.limits;
        match self {
            Volume::Codes => l.ip_per_hour,
            Volume::PasswordFailures => l.ip_password_failures_per_hour,
            Volume::Requests => l.ip_requests_per_hour,
            // No captcha for a captcha: only a cap far above what every other threshold
            // needs (5× the code requests' hard cap), so one stranger behind a carrier's NAT
            // cannot use up the pictures of everyone else; drawing is on the bounded CPU pool.
            Volume::Captchas => l.ip_per_hour * l.hard_cap_factor * 5,
        }
    }

    fn hard_cap(self, state: &AppState) -> i64 {
        match self {
            Volume::Captchas => self.threshold(state),
            _ => self.threshold(state) * state.config.limits.hard_cap_factor,
        }
    }
}

fn counter_key(volume: Volume, ip: &str) -> String {
    format!("{}:{}", volume.key(), limits::address_key_of(ip))
}

/// Counts one request of `volume` from `ip`: `Ok(true)` under the threshold, `Ok(false)` when
/// it needs a solved captcha, 429 over the hard cap.
pub async fn count(state: &AppState, volume: Volume, ip: &str) -> AppResult<bool> {
    let now = state.clock.now_ms();
    // Every code request writes here first: in line with the other writers on SQLite.
    let mut w = crate::db::writer(&state.db).await?;
    let reserved = limits::reserve(
        &mut w,
        &counter_key(volume, ip),
        HOUR_MS,
        volume.hard_cap(state),
        now,
    )
    .await?;
    w.commit().await?;
    match reserved {
        None => {
            crate::telemetry::address_limit(volume.name(), "too_many_requests");
            Err(AppError::too_many(
                "too_many_requests",
                Window::of(now, HOUR_MS).retry_after_secs(now),
            ))
        }
        Some(n) => Ok(n <= volume.threshold(state)),
    }
}

/// Uses up the captcha a request came with; `captcha_required` when it came without one.
pub async fn solve(state: &AppState, captcha: Option<(&str, &str)>) -> AppResult<()> {
    match captcha {
        Some((id, answer)) if !id.is_empty() => super::captcha::redeem(state, id, answer).await,
        _ => Err(captcha_required()),
    }
}

/// Counts one request of `volume` from `ip`. Over the threshold it needs `captcha` (an id and
/// an answer, used up here); over the hard cap it is refused with 429.
pub async fn guard(
    state: &AppState,
    volume: Volume,
    ip: &str,
    captcha: Option<(&str, &str)>,
) -> AppResult<()> {
    if count(state, volume, ip).await? {
        Ok(())
    } else {
        solve(state, captcha)
            .await
            .inspect_err(|e| crate::telemetry::address_limit(volume.name(), e.code))
    }
}

/// Counts one request of `volume` whose captcha the caller has already checked (the recovery
/// form always asks for one): only the hard cap applies.
pub async fn guard_solved(state: &AppState, volume: Volume, ip: &str) -> AppResult<()> {
    let now = state.clock.now_ms();
    let key = counter_key(volume, ip);
    match limits::reserve(
        crate::db::autocommit(&state.db),
        &key,
        HOUR_MS,
        volume.hard_cap(state),
        now,
    )
    .await?
    {
        Some(_) => Ok(()),
        None => {
            crate::telemetry::address_limit(volume.name(), "too_many_requests");
            Err(AppError::too_many(
                "too_many_requests",
                Window::of(now, HOUR_MS).retry_after_secs(now),
            ))
        }
    }
}

/// Gives back the unit [`guard`] counted (a password sign-in that succeeded).
pub async fn release(state: &AppState, volume: Volume, ip: &str) -> AppResult<()> {
    let now = state.clock.now_ms();
    limits::release(
        crate::db::autocommit(&state.db),
        &counter_key(volume, ip),
        HOUR_MS,
        now,
    )
    .await?;
    Ok(())
}

/// Whether the next request of `volume` from `ip` will need a captcha (for pages that show
/// the field in advance; the decision is [`guard`]'s).
pub async fn needs_captcha(state: &AppState, volume: Volume, ip: &str) -> AppResult<bool> {
    let now = state.clock.now_ms();
    let n = limits::taken(&state.db, &counter_key(volume, ip), HOUR_MS, now).await?;
    Ok(n >= volume.threshold(state))
}

pub fn captcha_required() -> AppError {
    AppError::bad_request("captcha_required").detail("captcha", "required")
}
