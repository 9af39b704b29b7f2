//! Personal data and contact changes inside the account (PRODUCT A10, SECURITY 20, 27).
//!
//! Names change freely. A new email or phone needs a fresh sign-in and a code sent to the NEW
//! contact; the old one stays until then, and afterwards receives a notice with an
//! «Это был не я» link (7 days) that puts it back and ends every session.

use super::store::{self, NewContactChange};
use super::{Actor, CustomerRow};
use crate::auth::codes::{self, Extra, Started};
use crate::auth::credentials::{parse_name, require_fresh};
use crate::auth::sessions::Authenticated;
use crate::auth::{Channel, Contact, Purpose, new_token, token_hash};
use crate::customers;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::state::AppState;

const REVERT_TTL_MS: i64 = 7 * 86_400_000;

/// The editable names; `None` leaves a field as it is.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NamesPatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub patronymic: Option<String>,
    /// How to address the customer, e.g. «Игорь Валерьянович»; empty means the first name.
    pub address_as: Option<String>,
}

/// The same fields from a page form (empty inputs arrive as empty strings).
#[derive(Debug, serde::Deserialize)]
pub struct NamesPatchForm {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub patronymic: Option<String>,
    pub address_as: Option<String>,
}

impl From<NamesPatchForm> for NamesPatch {
    fn from(f: NamesPatchForm) -> Self {
        Self {
            first_name: f.first_name,
            last_name: f.last_name,
            patronymic: f.patronymic,
            address_as: f.address_as,
        }
    }
}

pub async fn update_names(
    state: &AppState,
    auth: &Authenticated,
    patch: &NamesPatch,
    actor: &Actor,
) -> AppResult<CustomerRow> {
    let c = &auth.customer;
    let pick = |v: &Option<String>, old: &str| -> AppResult<String> {
        match v {
            None => Ok(old.to_owned()),
            Some(s) => parse_name(s, false).map_err(AppError::bad_request),
        }
    };
    let first = pick(&patch.first_name, &c.first_name)?;
    let last = pick(&patch.last_name, &c.last_name)?;
    let patronymic = pick(&patch.patronymic, &c.patronymic)?;
    let address_as = pick(&patch.address_as, &c.address_as)?;
    customers::store::set_names(&state.db, &c.id, &first, &last, &patronymic, &address_as).await?;
    let now = state.clock.now_ms();
    super::log_event(
        crate::db::autocommit(&state.db),
        now,
        actor,
        Some(&c.id),
        None,
        "profile_changed",
        "ok",
    )
    .await?;
    super::by_id(&state.db, &c.id)
        .await?
        .ok_or_else(AppError::not_found)
}

fn check_hold(state: &AppState, c: &CustomerRow) -> AppResult<()> {
    let now = state.clock.now_ms();
    if c.contact_hold_until > now {
        let secs = (c.contact_hold_until - now + 999) / 1000;
        return Err(AppError::conflict("contact_change_on_hold")
            .arg("hours", (secs / 3600 + 1).to_string()));
    }
    Ok(())
}

/// `POST /me/email` and `POST /me/phone`: a code to the new contact.
pub async fn start_change(
    state: &AppState,
    auth: &Authenticated,
    channel: Channel,
    raw: &str,
    ip: &str,
    locale: Locale,
) -> AppResult<Started> {
    require_fresh(state, auth)?;
    check_hold(state, &auth.customer)?;
    let contact = codes::parse_contact(state, channel, raw)?;
    let current = match contact {
        Contact::Email(_) => auth.customer.email.as_deref(),
        Contact::Phone(_) => auth.customer.phone.as_deref(),
    };
    if current == Some(contact.as_str()) {
        return Err(AppError::bad_request("contact_unchanged"));
    }
    // «Taken» tells that the contact has an account: at most 10 such answers per account a
    // day; past that every change request of the account waits, taken or not, so the wait
    // itself tells nothing.
    let now = state.clock.now_ms();
    let probes = format!("taken:{}", auth.customer.id);
    let cap = state.config.limits.contact_taken_per_day;
    let day = crate::limits::Window::of(now, crate::limits::DAY_MS);
    if crate::limits::taken(&state.db, &probes, crate::limits::DAY_MS, now).await? >= cap {
        return Err(AppError::too_many(
            "too_many_requests",
            day.retry_after_secs(now),
        ));
    }
    if super::by_contact(&state.db, &contact).await?.is_some() {
        if crate::limits::reserve(
            crate::db::autocommit(&state.db),
            &probes,
            crate::limits::DAY_MS,
            cap,
            now,
        )
        .await?
        .is_none()
        {
            return Err(AppError::too_many(
                "too_many_requests",
                day.retry_after_secs(now),
            ));
        }
        // Someone's contact: refused without saying whose.
        return Err(AppError::conflict("contact_taken"));
    }
    let purpose = if contact.is_phone() {
        Purpose::ChangePhone
    } else {
        Purpose::ChangeEmail
    };
    // Codes to new contacts count against the address like any other (SMS pumping).
    crate::auth::volume::guard(state, crate::auth::volume::Volume::Codes, ip, None).await?;
    let extra = Extra {
        customer_id: Some(auth.customer.id.clone()),
        ..Extra::default()
    };
    codes::start_with(state, purpose, channel, &contact, ip, locale, extra).await
}

/// `POST /me/email/confirm` and `POST /me/phone/confirm`.
#[tracing::instrument(skip_all)]
pub async fn confirm_change(
    state: &AppState,
    auth: &Authenticated,
    phone: bool,
    flow_id: &str,
    code: &str,
    actor: &Actor,
    locale: Locale,
) -> AppResult<()> {
    let purpose = if phone {
        Purpose::ChangePhone
    } else {
        Purpose::ChangeEmail
    };
    let (_, flow) = codes::check(state, &[purpose], flow_id, code, actor).await?;
    if flow.customer_id.as_deref() != Some(auth.customer.id.as_str()) {
        return Err(AppError::bad_request("code_expired"));
    }
    check_hold(state, &auth.customer)?;
    let c = &auth.customer;
    let (kind, old) = if phone {
        ("phone", c.phone.clone())
    } else {
        ("email", c.email.clone())
    };
    let now = state.clock.now_ms();
    let updated = if phone {
        customers::store::set_phone(&state.db, &c.id, &flow.contact).await
    } else {
        customers::store::set_confirmed_email(&state.db, &c.id, &flow.contact).await
    };
    match updated {
        Ok(_) => {}
        // The unique index: taken by someone else since the code was sent.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::conflict("contact_taken"));
        }
        Err(e) => return Err(e.into()),
    }
    let token = new_token();
    let change = NewContactChange {
        customer_id: &c.id,
        kind,
        old_value: old.as_deref(),
        new_value: &flow.contact,
        revert_token_hash: &token_hash(&token),
        created_at: now,
        expires_at: now + REVERT_TTL_MS,
    };
    store::insert_change(&state.db, &change).await?;
    super::log_event(
        crate::db::autocommit(&state.db),
        now,
        actor,
        Some(&c.id),
        Some(&flow.contact),
        &format!("{kind}_changed"),
        "ok",
    )
    .await?;
    // The notice goes to the old contact, or — when there was none — to the other one.
    let link = format!("{}/account/revert/{token}", state.base_url);
    let new_masked = flow.contact_typed()?.masked();
    let args = [("contact", new_masked)];
    let target = match (&old, phone) {
        (Some(o), true) => Some((Channel::Sms, o.clone())),
        (Some(o), false) => Some((Channel::Email, o.clone())),
        (None, true) => c.email.clone().map(|e| (Channel::Email, e)),
        (None, false) => c.phone.clone().map(|p| (Channel::Sms, p)),
    };
    if let Some((channel, to)) = target {
        let key = format!("contact-changed-{kind}");
        super::notify_with(state, channel, &to, locale, &key, &args, Some(link)).await?;
    }
    Ok(())
}

/// «Это был не я»: the old contact comes back (if still free), a password set since the
/// change is removed, recovery links die and every session ends. True when a password was
/// removed (the page says so: sign in by code and set a new one).
#[tracing::instrument(skip_all)]
pub async fn revert(state: &AppState, token: &str, actor: &Actor) -> AppResult<bool> {
    let now = state.clock.now_ms();
    let row = store::revertible_by_token_hash(&state.db, &token_hash(token), now).await?;
    let Some((id, customer_id, kind, old, new)) = row else {
        return Err(AppError::missing("revert_link_invalid"));
    };
    if !store::claim_revert(&state.db, &id, now).await? {
        return Err(AppError::missing("revert_link_invalid"));
    }
    let restored = if kind == "phone" {
        customers::store::replace_phone(&state.db, &customer_id, &new, old.as_deref()).await
    } else {
        customers::store::replace_email(&state.db, &customer_id, &new, old.as_deref()).await
    };
    if let Err(sqlx::Error::Database(e)) = &restored {
        if e.is_unique_violation() {
            // The old contact went to another account meanwhile: at least remove the new one.
            if kind == "phone" {
                customers::store::detach_phone(&state.db, &customer_id, &new).await?;
            } else {
                customers::store::detach_email(&state.db, &customer_id, &new).await?;
            }
        }
    } else {
        restored?;
    }
    // Whoever made the change may also have set a password and asked for recovery links:
    // a password set since the change goes, open links die, every session ends.
    let changed_at = store::change_created_at(&state.db, &id).await?;
    let password_removed =
        customers::store::remove_password_set_after(&state.db, &customer_id, changed_at, now)
            .await?;
    crate::recovery::store::void_tokens_of(&state.db, &customer_id, now).await?;
    crate::auth::store::delete_sessions_of(&state.db, &customer_id).await?;
    if password_removed {
        super::log_event(
            crate::db::autocommit(&state.db),
            now,
            actor,
            Some(&customer_id),
            None,
            "password_removed",
            "change_reverted",
        )
        .await?;
    }
    super::log_event(
        crate::db::autocommit(&state.db),
        now,
        actor,
        Some(&customer_id),
        old.as_deref(),
        &format!("{kind}_change_reverted"),
        "ok",
    )
    .await?;
    Ok(password_removed)
}

/// «Игорю Валерьяновичу»: the customer's form of address in another grammatical case, for
/// sentences that need it (petrovich). Falls back to the text as it is.
pub fn address_in(c: &CustomerRow, case: crate::petrovich::Case) -> Option<String> {
    let name = c.display_name()?;
    let words: Vec<&str> = name.split_whitespace().collect();
    let gender = crate::petrovich::detect_gender(
        Some(c.last_name.as_str()).filter(|s| !s.is_empty()),
        words.first().copied(),
        words
            .get(1)
            .copied()
            .or(Some(c.patronymic.as_str()).filter(|s| !s.is_empty())),
    );
    let inflected = match words.as_slice() {
        [first] => crate::petrovich::firstname(gender, first, case),
        [first, middle] => format!(
            "{} {}",
            crate::petrovich::firstname(gender, first, case),
            crate::petrovich::middlename(gender, middle, case)
        ),
        _ => name.clone(),
    };
    Some(inflected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(first: &str, patronymic: &str, address_as: &str) -> CustomerRow {
        CustomerRow {
            id: "c".into(),
            first_name: first.into(),
            last_name: "Демидов".into(),
            patronymic: patronymic.into(),
            address_as: address_as.into(),
            phone: None,
            email: None,
            email_verified: 0,
            last_seen_at: 0,
            contact_hold_until: 0,
            password_hash: None,
        }
    }

    #[test]
    fn inflects_the_form_of_address() {
        let c = customer("Игорь", "Валерьянович", "Игорь Валерьянович");
        assert_eq!(
            address_in(&c, crate::petrovich::Case::Dative).as_deref(),
            Some("Игорю Валерьяновичу")
        );
        assert_eq!(
            address_in(&c, crate::petrovich::Case::Genitive).as_deref(),
            Some("Игоря Валерьяновича")
        );
        let anna = customer("Анна", "", "");
        assert_eq!(
            address_in(&anna, crate::petrovich::Case::Dative).as_deref(),
            Some("Анне")
        );
        assert_eq!(
            address_in(&customer("", "", ""), crate::petrovich::Case::Dative),
            None
        );
    }
}
