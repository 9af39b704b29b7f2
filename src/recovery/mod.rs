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
                crate::db::autocommit(&state.db),
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

/// A valid recovery link: the account it recovers, and for a link a support case sent, the
/// contact it puts on the account (the person's new email or phone).
#[derive(Debug, Clone)]
pub struct Link {
    pub customer_id: String,
    pub new_contact: Option<Contact>,
}

/// A valid (unused, unexpired) recovery link → its account (and new contact).
#[tracing::instrument(skip_all)]
pub async fn link(state: &AppState, token: &str) -> AppResult<Link> {
    let now = state.clock.now_ms();
    let (customer_id, new_contact) = store::token_customer(&state.db, &token_hash(token), now)
        .await?
        .ok_or_else(|| AppError::missing("recovery_link_invalid"))?;
    Ok(Link {
        customer_id,
        new_contact: new_contact.map(stored_contact),
    })
}

/// A contact as a case stores it (normalised when the case was opened): an email has an `@`.
fn stored_contact(s: String) -> Contact {
    if s.contains('@') {
        Contact::Email(Email::stored(s))
    } else {
        Contact::Phone(Phone::stored(s))
    }
}

/// A valid (unused, unexpired) recovery link → its account id.
#[tracing::instrument(skip_all)]
pub async fn token_account(state: &AppState, token: &str) -> AppResult<String> {
    Ok(link(state, token).await?.customer_id)
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
    let link = link(state, token).await?;
    if link.new_contact.is_some() {
        // A support case's link brings its own contact, checked by two staff members.
        return Err(AppError::conflict("contact_fixed"));
    }
    let customer_id = link.customer_id;
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
/// given — or, for a link a support case sent, the case's new contact (an email is set as
/// confirmed, a phone as the phone). Every session ends, no sign-in follows, the other
/// contacts are told, contact changes wait 72 h.
#[tracing::instrument(skip_all)]
pub async fn complete(
    state: &AppState,
    token: &str,
    password: &str,
    phone_code: Option<(&str, &str)>,
    actor: &Actor,
    locale: Locale,
) -> AppResult<()> {
    let link = link(state, token).await?;
    let customer_id = link.customer_id;
    let by_support = link.new_contact.is_some();
    if by_support && phone_code.is_some() {
        return Err(AppError::conflict("contact_fixed"));
    }
    crate::auth::password::check_policy(password).map_err(|e| AppError::bad_request(e.code()))?;
    let new_contact = match (link.new_contact, phone_code) {
        (Some(c), _) => Some(c),
        (None, None) => None,
        (None, Some((flow_id, code))) => {
            let (_, flow) =
                codes::check(state, &[Purpose::RecoveryPhone], flow_id, code, actor).await?;
            if flow.customer_id.as_deref() != Some(customer_id.as_str()) {
                return Err(AppError::bad_request("code_expired"));
            }
            Some(Contact::Phone(Phone::stored(flow.contact)))
        }
    };
    let hash = state.hasher.hash(password).await?;
    let now = state.clock.now_ms();
    let before = customers::by_id(&state.db, &customer_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    // A contact that belongs to another account is refused before the link is spent.
    if let Some(contact) = &new_contact {
        let taken = customers::by_contact(&state.db, contact).await?;
        if taken.is_some_and(|c| c.id != customer_id) {
            return Err(AppError::conflict("contact_taken"));
        }
    }
    if !store::use_token(&state.db, &token_hash(token), now).await? {
        return Err(AppError::missing("recovery_link_invalid"));
    }
    let set = match &new_contact {
        Some(Contact::Phone(phone)) => {
            customers::store::set_phone_and_hold(
                &state.db,
                &customer_id,
                phone.as_str(),
                now + HOLD_MS,
            )
            .await
        }
        Some(Contact::Email(email)) => {
            customers::store::set_confirmed_email(&state.db, &customer_id, email.as_str()).await
        }
        None => Ok(()),
    };
    match set {
        Ok(()) => {}
        // Another account took the contact between the check and here: the link stays usable.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            store::unuse_token(&state.db, &token_hash(token), now).await?;
            return Err(AppError::conflict("contact_taken"));
        }
        Err(e) => return Err(e.into()),
    }
    customers::store::set_password_and_hold(&state.db, &customer_id, &hash, now, now + HOLD_MS)
        .await?;
    crate::auth::store::delete_sessions_of(&state.db, &customer_id).await?;
    crate::auth::credentials::reset_failures(state, &customer_id).await?;
    let event = match &new_contact {
        _ if by_support => "support_recovery_completed",
        Some(_) => "recovery_phone_replaced",
        None => "recovery_password_set",
    };
    customers::log_event(
        crate::db::autocommit(&state.db),
        now,
        actor,
        Some(&customer_id),
        new_contact.as_ref().map(Contact::as_str),
        event,
        "ok",
    )
    .await?;
    let new_value = new_contact.as_ref().map(Contact::as_str);
    if by_support {
        // Support restored access: every contact the account had is told (SECURITY 23, 28).
        if let Some(email) = before.email.filter(|e| Some(e.as_str()) != new_value) {
            customers::notify(
                state,
                Channel::Email,
                &email,
                locale,
                "support-recovery-completed",
            )
            .await?;
        }
        if let Some(phone) = before.phone.filter(|p| Some(p.as_str()) != new_value) {
            customers::notify(
                state,
                Channel::Sms,
                &phone,
                locale,
                "support-recovery-completed",
            )
            .await?;
        }
        return Ok(());
    }
    // Tell every other confirmed contact (SECURITY 23).
    if let Some(email) = before.email.filter(|_| before.email_verified != 0) {
        let key = if new_contact.is_some() {
            "recovery-phone-replaced"
        } else {
            "recovery-password-set"
        };
        customers::notify(state, Channel::Email, &email, locale, key).await?;
    }
    if new_contact.is_none()
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
        locale: locale.code(),
    };
    store::insert_case(&state.db, &case).await?;
    if let Some(cid) = &matched {
        customers::log_event(
            crate::db::autocommit(&state.db),
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
    let short = short_id(&id);
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

// ---- deciding support cases (SECURITY 28): two members approve, or one rejects ------------

/// A recovery link a support case sends is valid this long (SECURITY 25).
const CASE_LINK_TTL_MS: i64 = LINK_TTL_MS;

/// Where a case stands: `new` → `awaiting_second` (one approval) → `approved` (a second member
/// agreed; the link went out), or `rejected` (with a reason) from either open status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    New,
    AwaitingSecond,
    Approved,
    Rejected,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::AwaitingSecond => "awaiting_second",
            CaseStatus::Approved => "approved",
            CaseStatus::Rejected => "rejected",
        }
    }

    /// A stored status; anything else is an error, never a silent default.
    pub fn stored(s: &str) -> AppResult<Self> {
        match s {
            "new" => Ok(CaseStatus::New),
            "awaiting_second" => Ok(CaseStatus::AwaitingSecond),
            "approved" => Ok(CaseStatus::Approved),
            "rejected" => Ok(CaseStatus::Rejected),
            other => Err(AppError::internal(anyhow::anyhow!(
                "unknown recovery case status {other:?}"
            ))),
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, CaseStatus::New | CaseStatus::AwaitingSecond)
    }
}

/// A support case with its status read.
#[derive(Debug, Clone)]
pub struct Case {
    pub row: store::CaseRow,
    pub status: CaseStatus,
}

impl Case {
    /// Approvals so far: 0, 1 or 2.
    pub fn approvals(&self) -> i64 {
        i64::from(self.row.first_approver.is_some()) + i64::from(self.row.second_approver.is_some())
    }

    /// The case's number as the customer was told it (its id's last 8 characters).
    pub fn short(&self) -> String {
        short_id(&self.row.id)
    }

    /// The language the customer wrote the case in.
    pub fn locale(&self) -> Locale {
        self.row
            .locale
            .as_deref()
            .and_then(Locale::parse)
            .unwrap_or(Locale::Ru)
    }
}

fn short_id(id: &str) -> String {
    let n = id.chars().count();
    id.chars().skip(n.saturating_sub(8)).collect()
}

fn case_of(row: store::CaseRow) -> AppResult<Case> {
    Ok(Case {
        status: CaseStatus::stored(&row.status)?,
        row,
    })
}

/// One case; 404 `case_not_found`.
pub async fn case(state: &AppState, id: &str) -> AppResult<Case> {
    if !crate::db::looks_like_id(id) {
        return Err(AppError::missing("case_not_found"));
    }
    let row = store::case(&state.db, id)
        .await?
        .ok_or_else(|| AppError::missing("case_not_found"))?;
    case_of(row)
}

/// A page of cases, newest first: `open` (new and awaiting a second approval), `approved`,
/// `rejected`, or every case (None).
pub async fn cases(
    state: &AppState,
    status: Option<&str>,
    cursor: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Case>, Option<String>)> {
    let statuses: &[&str] = match status.filter(|s| !s.is_empty()) {
        None | Some("all") => &[],
        Some("open") => &["new", "awaiting_second"],
        Some("new") => &["new"],
        Some("awaiting_second") => &["awaiting_second"],
        Some("approved") => &["approved"],
        Some("rejected") => &["rejected"],
        Some(_) => return Err(AppError::bad_request("invalid_status")),
    };
    let start = crate::db::ledger_page_start(cursor)
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))?;
    let rows = store::cases(&state.db, statuses, start, limit + 1).await?;
    let next = crate::db::ledger_next_cursor(&rows, limit, |r| (r.created_at, r.id.as_str()));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(case_of)
        .collect::<AppResult<Vec<_>>>()?;
    Ok((items, next))
}

/// A member approves a case (`approver` is their staff id; `actor` the security log's actor).
/// The first approval moves a `new` case to `awaiting_second`; a second approval by ANOTHER
/// member approves it and sends the one-time link to the new contact. Each move is one
/// conditional update, so of any number of simultaneous approvals exactly one approves the
/// case and exactly one link is made. 409 `four_eyes_required` (the same member again),
/// `case_decided`, `case_no_account`.
pub async fn approve_case(
    state: &AppState,
    id: &str,
    approver: &str,
    actor: &Actor,
) -> AppResult<CaseStatus> {
    // The status only moves forward (new → awaiting_second → approved), so when another
    // approval wins a race, reading again and trying the next step ends in a few rounds.
    for _ in 0..3 {
        let case = case(state, id).await?;
        let Some(customer_id) = case.row.matched_customer_id.clone() else {
            return Err(if case.status.is_open() {
                AppError::conflict("case_no_account")
            } else {
                AppError::conflict("case_decided")
            });
        };
        let now = state.clock.now_ms();
        match case.status {
            CaseStatus::Approved | CaseStatus::Rejected => {
                return Err(AppError::conflict("case_decided"));
            }
            CaseStatus::New => {
                if store::approve_first(&state.db, id, approver, now).await? {
                    return Ok(CaseStatus::AwaitingSecond);
                }
            }
            CaseStatus::AwaitingSecond => {
                if case.row.first_approver.as_deref() == Some(approver) {
                    return Err(AppError::conflict("four_eyes_required"));
                }
                if approve_second(state, &case, approver, &customer_id, now).await? {
                    customers::log_event(
                        crate::db::autocommit(&state.db),
                        now,
                        actor,
                        Some(&customer_id),
                        None,
                        "support_case_approved",
                        "ok",
                    )
                    .await?;
                    return Ok(CaseStatus::Approved);
                }
            }
        }
    }
    Err(AppError::conflict("case_decided"))
}

/// The second approval and its link, in one transaction: the conditional update, the link
/// (stored hashed, 1 h, single use, for the case's new contact) and its message. False when
/// another approval got there first.
async fn approve_second(
    state: &AppState,
    case: &Case,
    approver: &str,
    customer_id: &str,
    now: i64,
) -> AppResult<bool> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    if !store::approve_second(&mut tx, &case.row.id, approver, now).await? {
        return Ok(false);
    }
    let token = new_token();
    store::insert_contact_token(
        &mut tx,
        &token_hash(&token),
        customer_id,
        &case.row.new_contact,
        now,
        now + CASE_LINK_TTL_MS,
    )
    .await?;
    let link = format!("{}/recovery/{token}", state.base_url);
    let locale = case.locale();
    let args = [("link", link.clone()), ("case", case.short())];
    let contact = stored_contact(case.row.new_contact.clone());
    let msg = match &contact {
        Contact::Email(e) => Message {
            channel: Channel::Email,
            to: e.as_str().to_owned(),
            subject: locale.t("email-support-case-approved-subject"),
            text: locale.ta("email-support-case-approved-body", &args),
            code: None,
            link: Some(link),
        },
        Contact::Phone(p) => Message {
            channel: Channel::Sms,
            to: p.as_str().to_owned(),
            subject: String::new(),
            text: locale.ta("sms-support-case-approved", &args),
            code: None,
            link: Some(link),
        },
    };
    state.notifier.enqueue(&mut tx, &msg).await?;
    tx.commit().await?;
    state.notifier.kick();
    Ok(true)
}

/// A member rejects an open case with a reason (1–500 characters); the person is told at the
/// new contact, with the reason. 409 `case_decided`.
pub async fn reject_case(
    state: &AppState,
    id: &str,
    member: &str,
    reason: &str,
    actor: &Actor,
) -> AppResult<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::bad_request("reason_required"));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::bad_request("reason_too_long"));
    }
    let case = case(state, id).await?;
    let now = state.clock.now_ms();
    if !store::reject(&state.db, id, member, reason, now).await? {
        return Err(AppError::conflict("case_decided"));
    }
    if let Some(customer_id) = &case.row.matched_customer_id {
        customers::log_event(
            crate::db::autocommit(&state.db),
            now,
            actor,
            Some(customer_id),
            None,
            "support_case_rejected",
            "rejected",
        )
        .await?;
    }
    let locale = case.locale();
    let args = [("case", case.short()), ("reason", reason.to_owned())];
    let msg = match stored_contact(case.row.new_contact.clone()) {
        Contact::Email(e) => Message {
            channel: Channel::Email,
            to: e.as_str().to_owned(),
            subject: locale.t("email-support-case-rejected-subject"),
            text: locale.ta("email-support-case-rejected-body", &args),
            code: None,
            link: None,
        },
        Contact::Phone(p) => Message {
            channel: Channel::Sms,
            to: p.as_str().to_owned(),
            subject: String::new(),
            text: locale.ta("sms-support-case-rejected", &args),
            code: None,
            link: None,
        },
    };
    state.notifier.send_now(&msg).await?;
    Ok(())
}
