//! One-time codes (SECURITY 1–13): asking for a code and entering it.
//!
//! Each code is a *flow* row bound to (purpose, contact); a newer flow for the same pair voids
//! older ones. Sends are counted per contact and per IP for the resend cooldown and the caps.
//! Nothing here looks at whether an account exists, so known, new and locked contacts get the
//! same answer in the same time.

mod check;
mod send;
mod sign_in;
pub mod store;

pub use check::*;
pub use send::*;
pub use sign_in::*;

use super::{
    Channel, Contact, Purpose, code_hash, new_code, normalize_code, resend_wait_secs, same_digest,
};
use crate::customers::{Actor, CustomerRow};
use crate::db::{looks_like_id, new_id};
pub(crate) use crate::domain::identity::{Email, Phone};
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
        Channel::Email => Email::parse(to)
            .map(Contact::Email)
            .ok_or_else(|| AppError::bad_request("invalid_email")),
        Channel::Sms | Channel::Voice => Phone::parse(to, &state.config.allowed_countries)
            .map(Contact::Phone)
            .map_err(|e| match e {
                super::PhoneError::Invalid => AppError::bad_request("invalid_phone"),
                super::PhoneError::NotSupported => AppError::bad_request("phone_not_supported"),
            }),
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
    pub fn contact_typed(&self) -> AppResult<Contact> {
        Ok(Contact::stored(self.channel_typed()?, self.contact.clone()))
    }
    /// The channel as stored; an unknown one is a broken row, said so, not guessed.
    pub fn channel_typed(&self) -> AppResult<Channel> {
        Channel::parse(&self.channel).ok_or_else(|| {
            AppError::internal(format!(
                "flow {}: unknown channel {}",
                self.id, self.channel
            ))
        })
    }
    /// The purpose as stored; an unknown one is a broken row, said so, not guessed.
    pub fn purpose_typed(&self) -> AppResult<Purpose> {
        Purpose::parse(&self.purpose).ok_or_else(|| {
            AppError::internal(format!(
                "flow {}: unknown purpose {}",
                self.id, self.purpose
            ))
        })
    }
}

pub async fn flow(state: &AppState, flow_id: &str) -> AppResult<Option<FlowRow>> {
    if !looks_like_id(flow_id) {
        return Ok(None);
    }
    Ok(store::flow_by_id(&state.db, flow_id).await?)
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
    let channel = flow.channel_typed()?;
    let call_in = (channel != Channel::Email).then(|| {
        let after_sms = if channel == Channel::Sms {
            ceil_secs(flow.created_at + limits.voice_after_sms_secs * 1000 - now).max(0)
        } else {
            0
        };
        after_sms.max(resend_in)
    });
    Ok(FlowView {
        purpose: flow.purpose_typed()?,
        channel,
        contact: flow.contact_typed()?,
        resend_in,
        call_in,
    })
}
