//! Regaining access (PRODUCT A7–A9, SECURITY 23, 25–26, 28): «Забыли пароль?» sends a link
//! to the email; the link's page sets a new password and may replace a lost phone; and when
//! the email is lost too, a support case.

pub mod api;
pub mod pages;
pub mod store;

use crate::auth::codes::{self, Extra, Started};
use crate::auth::volume::{self, Volume};
use crate::auth::{Channel, Contact, Purpose, new_token, token_hash};
use crate::customers::{self, Actor};
use crate::db::new_id;
use crate::domain::identity::{Email, Phone};
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::notify::Message;
use crate::state::AppState;

const LINK_TTL_MS: i64 = 3_600_000;
/// Contact changes wait this long after a recovery (SECURITY 26).
const HOLD_MS: i64 = 72 * 3_600_000;

/// `POST /recovery`: the captcha is checked by the caller. Always the same answer; a known
/// email gets a link, an unknown one a letter saying there is no account (so both queue one
/// message and take the same time).
pub async fn request(state: &AppState, email: &str, ip: &str, locale: Locale) -> AppResult<()> {
    let Some(email) = Email::parse(email).map(Email::into_string) else {
        return Err(AppError::bad_request("invalid_email"));
    };
    let contact = Contact::Email(Email::stored(email.clone()));
    volume::guard_solved(state, Volume::Requests, ip).await?;
    if codes::reserve_notice(state, Channel::Email, &contact)
        .await?
        .is_some()
    {
        // Over the address's caps: still the same answer, nothing sent.
        return Ok(());
    }
    let now = state.clock.now_ms();
    let msg = match customers::by_contact(&state.db, &contact).await? {
        Some(c) => {
            let token = new_token();
            store::insert_token(
                &state.db,
                &token_hash(&token),
                &c.id,
                now,
                now + LINK_TTL_MS,
            )
            .await?;
            customers::log_event(
                &state.db,
                now,
                &Actor {
                    ip: ip.into(),
                    ..Actor::default()
                },
                Some(&c.id),
                Some(&email),
                "recovery_requested",
                "ok",
            )
            .await?;
            let link = format!("{}/recovery/{token}", state.base_url);
            Message {
                channel: Channel::Email,
                to: email,
                subject: locale.t("email-recovery-subject"),
                text: locale.ta("email-recovery-body", &[("link", link.clone())]),
                code: None,
                link: Some(link),
            }
        }
        None => Message {
            channel: Channel::Email,
            to: email,
            subject: locale.t("email-recovery-unknown-subject"),
            text: locale.t("email-recovery-unknown-body"),
            code: None,
            link: None,
        },
    };
    state.notifier.send_now(&msg).await?;
    Ok(())
}

/// A valid (unused, unexpired) recovery link → its account id.
#[tracing::instrument(skip_all)]
pub async fn token_account(state: &AppState, token: &str) -> AppResult<String> {
    let now = state.clock.now_ms();
    let id = store::token_customer(&state.db, &token_hash(token), now).await?;
    id.ok_or_else(|| AppError::missing("recovery_link_invalid"))
}

/// `POST /recovery/{token}/phone`: a code to the NEW phone, by SMS or call.
#[tracing::instrument(skip_all)]
pub async fn phone_code(
    state: &AppState,
    token: &str,
    phone: &str,
    channel: &str,
    ip: &str,
    locale: Locale,
) -> AppResult<Started> {
    let customer_id = token_account(state, token).await?;
    let channel = match channel {
        "sms" => Channel::Sms,
        "voice" => Channel::Voice,
        _ => return Err(AppError::bad_request("invalid_channel")),
    };
    let contact = codes::parse_contact(state, channel, phone)?;
    // Codes to new numbers count against the address like any other (SMS pumping).
    volume::guard(state, Volume::Codes, ip, None).await?;
    let extra = Extra {
        customer_id: Some(customer_id),
        ..Extra::default()
    };
    codes::start_with(
        state,
        Purpose::RecoveryPhone,
        channel,
        &contact,
        ip,
        locale,
        extra,
    )
    .await
}

/// `POST /recovery/{token}/complete`: new password, and the new phone when a code for it is
/// given. Every session ends, no sign-in follows, the email is told, contact changes wait 72 h.
#[tracing::instrument(skip_all)]
pub async fn complete(
    state: &AppState,
    token: &str,
    password: &str,
    phone_code: Option<(&str, &str)>,
    actor: &Actor,
    locale: Locale,
) -> AppResult<()> {
    let customer_id = token_account(state, token).await?;
    crate::auth::password::check_policy(password).map_err(|e| AppError::bad_request(e.code()))?;
    let new_phone = match phone_code {
        None => None,
        Some((flow_id, code)) => {
            let (_, flow) =
                codes::check(state, &[Purpose::RecoveryPhone], flow_id, code, actor).await?;
            if flow.customer_id.as_deref() != Some(customer_id.as_str()) {
                return Err(AppError::bad_request("code_expired"));
            }
            Some(flow.contact)
        }
    };
    let hash = state.hasher.hash(password).await?;
    let now = state.clock.now_ms();
    let before = customers::by_id(&state.db, &customer_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    // A number that belongs to another account is refused before the link is spent.
    if let Some(phone) = &new_phone {
        let taken =
            customers::by_contact(&state.db, &Contact::Phone(Phone::stored(phone.clone()))).await?;
        if taken.is_some_and(|c| c.id != customer_id) {
            return Err(AppError::conflict("contact_taken"));
        }
    }
    if !store::use_token(&state.db, &token_hash(token), now).await? {
        return Err(AppError::missing("recovery_link_invalid"));
    }
    if let Some(phone) = &new_phone {
        customers::store::set_phone_and_hold(&state.db, &customer_id, phone, now + HOLD_MS).await?;
    }
    customers::store::set_password_and_hold(&state.db, &customer_id, &hash, now, now + HOLD_MS)
        .await?;
    crate::auth::store::delete_sessions_of(&state.db, &customer_id).await?;
    crate::auth::credentials::reset_failures(state, &customer_id).await?;
    let event = if new_phone.is_some() {
        "recovery_phone_replaced"
    } else {
        "recovery_password_set"
    };
    customers::log_event(
        &state.db,
        now,
        actor,
        Some(&customer_id),
        new_phone.as_deref(),
        event,
        "ok",
    )
    .await?;
    // Tell every other confirmed contact (SECURITY 23).
    if let Some(email) = before.email.filter(|_| before.email_verified != 0) {
        let key = if new_phone.is_some() {
            "recovery-phone-replaced"
        } else {
            "recovery-password-set"
        };
        customers::notify(state, Channel::Email, &email, locale, key).await?;
    }
    if new_phone.is_none()
        && let Some(phone) = before.phone
    {
        customers::notify(state, Channel::Sms, &phone, locale, "recovery-password-set").await?;
    }
    Ok(())
}

/// Evidence a support case needs (SECURITY 28): two of three.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub order_number: Option<String>,
    pub delivery_address: Option<String>,
    pub card_last4: Option<String>,
}

impl Evidence {
    pub fn count(&self) -> usize {
        [&self.order_number, &self.delivery_address, &self.card_last4]
            .into_iter()
            .filter(|v| v.as_deref().is_some_and(|s| !s.trim().is_empty()))
            .count()
    }
}

/// `POST /support/recovery-requests`: a case for staff (who decide it with a second approver,
/// and answer with a one-time link to the new contact — never a password).
#[allow(clippy::too_many_arguments)]
pub async fn open_case(
    state: &AppState,
    full_name: &str,
    old_email: &str,
    new_contact: &str,
    evidence: Evidence,
    comment: &str,
    ip: &str,
    captcha: Option<(&str, &str)>,
    locale: Locale,
) -> AppResult<String> {
    let full_name = full_name.trim();
    if full_name.chars().count() < 3 || full_name.chars().count() > 200 || !full_name.contains(' ')
    {
        return Err(AppError::bad_request("full_name_required"));
    }
    let old_email = Email::parse(old_email)
        .map(Email::into_string)
        .ok_or_else(|| AppError::bad_request("invalid_email"))?;
    let new_contact = crate::auth::credentials::parse_login(state, new_contact)
        .ok_or_else(|| AppError::bad_request("invalid_contact"))?;
    if evidence.count() < 2 {
        return Err(AppError::bad_request("not_enough_evidence"));
    }
    if let Some(l4) = &evidence.card_last4 {
        let l4 = l4.trim();
        if !l4.is_empty() && (l4.len() != 4 || !l4.bytes().all(|b| b.is_ascii_digit())) {
            return Err(AppError::bad_request("invalid_card_last4"));
        }
    }
    if comment.chars().count() > 2000 {
        return Err(AppError::bad_request("comment_too_long"));
    }
    let channel = if new_contact.is_phone() {
        Channel::Sms
    } else {
        Channel::Email
    };
    // Only a request that is complete counts against the address.
    volume::guard(state, Volume::Requests, ip, captcha).await?;
    if let Some(wait) = codes::reserve_notice(state, channel, &new_contact).await? {
        return Err(AppError::too_many("too_many_requests", wait));
    }
    let now = state.clock.now_ms();
    let matched =
        customers::by_contact(&state.db, &Contact::Email(Email::stored(old_email.clone())))
            .await?
            .map(|c| c.id);
    let id = new_id();
    let trim = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(300).collect::<String>())
    };
    let (order_number, delivery_address, card_last4) = (
        trim(&evidence.order_number),
        trim(&evidence.delivery_address),
        trim(&evidence.card_last4),
    );
    let case = store::NewCase {
        id: &id,
        full_name,
        old_email: &old_email,
        new_contact: new_contact.as_str(),
        order_number: order_number.as_deref(),
        delivery_address: delivery_address.as_deref(),
        card_last4: card_last4.as_deref(),
        comment: comment.trim(),
        ip,
        created_at: now,
        matched_customer_id: matched.as_deref(),
    };
    store::insert_case(&state.db, &case).await?;
    if let Some(cid) = &matched {
        customers::log_event(
            &state.db,
            now,
            &Actor {
                ip: ip.into(),
                ..Actor::default()
            },
            Some(cid),
            None,
            "support_case_opened",
            "new",
        )
        .await?;
    }
    let short: String = id
        .chars()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let key = "support-case-opened";
    let (subject, text) = match channel {
        Channel::Email => (
            locale.t(&format!("email-{key}-subject")),
            locale.ta(&format!("email-{key}-body"), &[("case", short.clone())]),
        ),
        _ => (
            String::new(),
            locale.ta(&format!("sms-{key}"), &[("case", short.clone())]),
        ),
    };
    state
        .notifier
        .send_now(&Message {
            channel,
            to: new_contact.as_str().to_owned(),
            subject,
            text,
            code: None,
            link: None,
        })
        .await?;
    Ok(id)
}
