//! Notices about a customer's orders, returns and support requests, sent by the channels the
//! customer chose for that topic («Уведомления»), and promotions only to those who agreed to
//! them (38-ФЗ). Security notices do not come through here: they go to the contact concerned
//! whatever the settings (see [`super::notify_with`]).

use super::Actor;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a notice is about; the customer chooses channels per topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// Order status changes and return decisions.
    Orders,
    /// The shop answered a support request.
    Support,
    /// Offers and sales: only with the customer's consent.
    Promotions,
}

/// Whether a topic goes by SMS and by email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Channels {
    pub sms: bool,
    pub email: bool,
}

/// A customer's notification settings (`GET /me/notifications`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Settings {
    /// Order status changes and return decisions.
    pub order_status: Channels,
    /// Answers to support requests.
    pub support: Channels,
    /// Offers and sales; off until the customer turns them on.
    pub promotions: Channels,
    /// Sign-ins, contact and password changes: always sent to the contact concerned, cannot be
    /// switched off (always true).
    pub security: Channels,
    /// When promotions were agreed to (RFC 3339), absent while they are off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promotions_consent_at: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        let on = Channels {
            sms: true,
            email: true,
        };
        Self {
            order_status: on,
            support: on,
            promotions: Channels {
                sms: false,
                email: false,
            },
            security: on,
            promotions_consent_at: None,
        }
    }
}

impl Settings {
    fn from_row(row: &super::store::NoticeRow) -> Self {
        let pair = |sms: i64, email: i64| Channels {
            sms: sms != 0,
            email: email != 0,
        };
        Self {
            order_status: pair(row.0, row.1),
            support: pair(row.2, row.3),
            promotions: pair(row.4, row.5),
            security: Settings::default().security,
            promotions_consent_at: row.6.map(crate::clock::rfc3339),
        }
    }

    /// The channels a topic goes by.
    pub fn channels(&self, topic: Topic) -> Channels {
        match topic {
            Topic::Orders => self.order_status,
            Topic::Support => self.support,
            Topic::Promotions => self.promotions,
        }
    }

    /// These settings with `change` applied: what it leaves out stays; security cannot be
    /// switched off (`security_notices_required`).
    pub fn changed(&self, change: &SettingsChange) -> AppResult<Settings> {
        if let Some(s) = &change.security
            && (s.sms == Some(false) || s.email == Some(false))
        {
            return Err(AppError::bad_request("security_notices_required"));
        }
        let apply = |now: Channels, patch: &Option<ChannelsChange>| match patch {
            None => now,
            Some(p) => Channels {
                sms: p.sms.unwrap_or(now.sms),
                email: p.email.unwrap_or(now.email),
            },
        };
        Ok(Settings {
            order_status: apply(self.order_status, &change.order_status),
            support: apply(self.support, &change.support),
            promotions: apply(self.promotions, &change.promotions),
            security: self.security,
            promotions_consent_at: self.promotions_consent_at.clone(),
        })
    }

    fn promotions_on(&self) -> bool {
        self.promotions.sms || self.promotions.email
    }
}

/// A change of settings (`PUT /me/notifications`): any topic and channel may be left out.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    #[serde(default)]
    pub order_status: Option<ChannelsChange>,
    #[serde(default)]
    pub support: Option<ChannelsChange>,
    #[serde(default)]
    pub promotions: Option<ChannelsChange>,
    /// Accepted only as `true` (security notices cannot be switched off).
    #[serde(default)]
    pub security: Option<ChannelsChange>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelsChange {
    #[serde(default)]
    pub sms: Option<bool>,
    #[serde(default)]
    pub email: Option<bool>,
}

/// The customer's settings (the defaults until they change any).
pub async fn settings(db: &Db, customer_id: &str) -> Result<Settings, sqlx::Error> {
    Ok(super::store::notice_settings(db, customer_id)
        .await?
        .map(|row| Settings::from_row(&row))
        .unwrap_or_default())
}

/// Applies `change` and stores the result. Agreeing to promotions, or withdrawing that
/// consent, is written to the security log (the consent's record) with its time.
pub async fn change(
    state: &AppState,
    customer_id: &str,
    change: &SettingsChange,
    actor: &Actor,
) -> AppResult<Settings> {
    let now = state.clock.now_ms();
    let before = settings(&state.db, customer_id).await?;
    let mut after = before.changed(change)?;
    let consent_event = match (before.promotions_on(), after.promotions_on()) {
        (false, true) => Some("promotions_consent_given"),
        (true, false) => Some("promotions_consent_withdrawn"),
        _ => None,
    };
    let consent_at = match consent_event {
        Some("promotions_consent_given") => Some(now),
        Some(_) => None,
        None => super::store::notice_settings(&state.db, customer_id)
            .await?
            .and_then(|r| r.6),
    };
    let flag = |b: bool| i64::from(b);
    let row = (
        flag(after.order_status.sms),
        flag(after.order_status.email),
        flag(after.support.sms),
        flag(after.support.email),
        flag(after.promotions.sms),
        flag(after.promotions.email),
        consent_at,
    );
    super::store::set_notice_settings(&state.db, customer_id, &row, now).await?;
    if let Some(event) = consent_event {
        super::store::log_event(
            crate::db::autocommit(&state.db),
            now,
            actor,
            Some(customer_id),
            None,
            event,
            "ok",
        )
        .await?;
    }
    after.promotions_consent_at = consent_at.map(crate::clock::rfc3339);
    Ok(after)
}

/// Tells the customer `key` (an email uses `email-<key>-subject` / `email-<key>-body`, an SMS
/// `sms-<key>`) by every channel they chose for `topic` and have a contact for (an email only
/// once the address is confirmed). The texts are in the customer's language (`args` gets it,
/// and `$greeting` is added: «Здравствуйте, <form of address>!»,
/// for arguments that are words themselves, such as «собирается»). Nothing is sent to a
/// customer who no longer exists.
pub async fn announce(
    state: &AppState,
    customer_id: &str,
    topic: Topic,
    key: &str,
    args: impl Fn(crate::i18n::Locale) -> Vec<(&'static str, String)>,
    link: Option<String>,
) -> Result<(), sqlx::Error> {
    use crate::domain::identity::Channel;
    let Some(customer) = super::store::by_id(&state.db, customer_id).await? else {
        return Ok(());
    };
    let chosen = settings(&state.db, customer_id).await?.channels(topic);
    let locale = super::store::locale_of(&state.db, customer_id)
        .await?
        .as_deref()
        .and_then(crate::i18n::Locale::parse)
        .unwrap_or(crate::i18n::Locale::Ru);
    // Every notice may greet the customer as they asked to be addressed («Здравствуйте,
    // Игорь Валерьянович!»): `$greeting`.
    let mut args = args(locale);
    args.push((
        "greeting",
        match customer.display_name() {
            Some(name) => locale.ta("notice-greeting", &[("name", name)]),
            None => locale.t("notice-greeting-anon"),
        },
    ));
    if chosen.sms
        && let Some(phone) = &customer.phone
    {
        super::notify_with(state, Channel::Sms, phone, locale, key, &args, link.clone()).await?;
    }
    if chosen.email
        && customer.email_verified != 0
        && let Some(email) = &customer.email
    {
        super::notify_with(state, Channel::Email, email, locale, key, &args, link).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promotions_are_off_and_the_rest_on_by_default() {
        let s = Settings::default();
        assert_eq!(
            s.channels(Topic::Promotions),
            Channels {
                sms: false,
                email: false
            }
        );
        assert_eq!(
            s.channels(Topic::Orders),
            Channels {
                sms: true,
                email: true
            }
        );
        assert_eq!(
            s.channels(Topic::Support),
            Channels {
                sms: true,
                email: true
            }
        );
    }

    #[test]
    fn a_change_keeps_what_it_leaves_out() {
        let change = SettingsChange {
            order_status: Some(ChannelsChange {
                sms: Some(false),
                email: None,
            }),
            promotions: Some(ChannelsChange {
                sms: None,
                email: Some(true),
            }),
            ..Default::default()
        };
        let s = Settings::default().changed(&change).unwrap();
        assert_eq!(
            s.order_status,
            Channels {
                sms: false,
                email: true
            }
        );
        assert_eq!(
            s.promotions,
            Channels {
                sms: false,
                email: true
            }
        );
        assert_eq!(s.support, Settings::default().support);
    }

    #[test]
    fn security_notices_cannot_be_switched_off() {
        let off = SettingsChange {
            security: Some(ChannelsChange {
                sms: Some(false),
                email: None,
            }),
            ..Default::default()
        };
        let e = Settings::default().changed(&off).unwrap_err();
        assert_eq!(e.code, "security_notices_required");
        let on = SettingsChange {
            security: Some(ChannelsChange {
                sms: Some(true),
                email: Some(true),
            }),
            ..Default::default()
        };
        assert!(Settings::default().changed(&on).is_ok());
    }
}
