//! Customers as stored: who they are and how to reach them, the security log, and who is
//! signed in (the session types; `auth` resolves them). A floor under the capabilities: sign-in,
//! the cart and the account pages all build on it.

pub mod notices;
pub mod store;

use crate::db::Db;
pub use crate::domain::actor::{Actor, ActorKind};
use crate::domain::identity::Contact;
use serde::Serialize;

/// A customer as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CustomerRow {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub patronymic: String,
    pub address_as: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub email_verified: i64,
    pub last_seen_at: i64,
    pub contact_hold_until: i64,
    pub password_hash: Option<String>,
}

/// A customer as shown to themselves (`GET /me`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub patronymic: String,
    pub address_as: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
}

impl From<&CustomerRow> for Me {
    fn from(c: &CustomerRow) -> Self {
        Self {
            id: c.id.clone(),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            patronymic: c.patronymic.clone(),
            address_as: c.address_as.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            email_verified: c.email_verified != 0,
        }
    }
}

impl CustomerRow {
    /// How the header and greetings name the customer: the chosen form of address, else the
    /// first name, else nothing (the page then says «Профиль»).
    pub fn display_name(&self) -> Option<String> {
        [&self.address_as, &self.first_name]
            .into_iter()
            .map(|s| s.trim())
            .find(|s| !s.is_empty())
            .map(str::to_owned)
    }

    pub fn full_name(&self) -> String {
        [&self.last_name, &self.first_name, &self.patronymic]
            .into_iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

pub use store::{by_contact, by_id, log_event, touch};

/// Finds the account of a confirmed contact or opens a new one, inside the caller's
/// transaction. Returns (customer, created). Safe under races: the unique index decides which
/// insert wins.
pub async fn find_or_create(
    conn: &mut crate::db::Conn,
    contact: &Contact,
    now: i64,
) -> Result<(CustomerRow, bool), sqlx::Error> {
    let found = store::by_contact(&mut *conn, contact).await?;
    touch_or_create(conn, contact, found, now).await
}

/// [`find_or_create`] when the caller has already read the contact's customer (`found`; read
/// before this transaction is fine): records the sign-in on that customer if the contact is
/// still theirs (an email contact is confirmed by it), or opens the account, reading again in
/// this transaction when what was read no longer holds. Returns the customer as stored now and
/// whether it is new.
pub async fn touch_or_create(
    conn: &mut crate::db::Conn,
    contact: &Contact,
    found: Option<CustomerRow>,
    now: i64,
) -> Result<(CustomerRow, bool), sqlx::Error> {
    let (phone, email) = match contact {
        Contact::Phone(p) => (Some(p.as_str()), None),
        Contact::Email(e) => (None, Some(e.as_str())),
    };
    let confirm_email = email.is_some();
    match &found {
        Some(c) => {
            if let Some(fresh) = store::touch_returning(&mut *conn, &c.id, contact, now).await? {
                return Ok((fresh, false));
            }
            // The contact left that customer since it was read.
        }
        None => {
            let inserted =
                store::insert_with_contact(&mut *conn, phone, email, confirm_email, now).await?;
            if let Some(c) = inserted {
                return Ok((c, true));
            }
            // Another transaction opened it since (on PostgreSQL, or read before this one).
        }
    }
    if let Some(c) = store::by_contact(&mut *conn, contact).await? {
        let fresh = store::touch_returning(&mut *conn, &c.id, contact, now).await?;
        return fresh.map(|c| (c, false)).ok_or(sqlx::Error::RowNotFound);
    }
    let inserted = store::insert_with_contact(&mut *conn, phone, email, confirm_email, now).await?;
    inserted.map(|c| (c, true)).ok_or(sqlx::Error::RowNotFound)
}

/// Keeps when the customer agreed to the processing of personal data (the first time only).
pub async fn record_consent(
    state: &crate::state::AppState,
    customer_id: &str,
) -> crate::error::AppResult<()> {
    store::set_consent_once(&state.db, customer_id, state.clock.now_ms()).await?;
    Ok(())
}

/// Demo data for an empty database: one customer with a name, so the header greets by name.
pub async fn seed_demo(db: &Db, now: i64) -> Result<(), sqlx::Error> {
    if store::count(db).await? > 0 {
        return Ok(());
    }
    let demo = store::DemoCustomer {
        first_name: "Игорь",
        last_name: "Демидов",
        patronymic: "Валерьянович",
        address_as: "Игорь Валерьянович",
        phone: "+79990000001",
        email: "demo@kabinet.local",
    };
    store::insert_demo(db, &demo, now).await
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SecurityEvent {
    pub at: String,
    pub event: String,
    pub result: String,
    pub ip: String,
    pub device: String,
    /// `customer`, `staff` or `system`.
    pub actor: String,
}

/// The last 90 days of the customer's security log, newest first.
pub async fn recent_events(
    db: &Db,
    customer_id: &str,
    now: i64,
) -> Result<Vec<SecurityEvent>, sqlx::Error> {
    let rows = store::events_since(db, customer_id, now - 90 * 86_400_000).await?;
    Ok(rows
        .into_iter()
        .map(|(at, event, result, ip, ua, actor)| SecurityEvent {
            at: crate::clock::rfc3339(at),
            event,
            result,
            ip,
            device: crate::domain::identity::device_name(&ua),
            actor,
        })
        .collect())
}

/// Sends a short notice about the account (a password changed, a contact replaced): an email
/// uses `email-<key>-subject` / `email-<key>-body`, an SMS `sms-<key>`.
pub async fn notify(
    state: &crate::state::AppState,
    channel: crate::domain::identity::Channel,
    to: &str,
    locale: crate::i18n::Locale,
    key: &str,
) -> Result<(), sqlx::Error> {
    notify_with(state, channel, to, locale, key, &[], None).await
}

/// [`notify`] with message arguments and a link (e.g. «Это был не я»).
pub async fn notify_with(
    state: &crate::state::AppState,
    channel: crate::domain::identity::Channel,
    to: &str,
    locale: crate::i18n::Locale,
    key: &str,
    args: &[(&'static str, String)],
    link: Option<String>,
) -> Result<(), sqlx::Error> {
    use crate::domain::identity::Channel;
    let mut args = args.to_vec();
    if let Some(l) = &link {
        args.push(("link", l.clone()));
    }
    let (subject, text) = match channel {
        Channel::Email => (
            locale.ta(&format!("email-{key}-subject"), &args),
            locale.ta(&format!("email-{key}-body"), &args),
        ),
        Channel::Sms | Channel::Voice => (String::new(), locale.ta(&format!("sms-{key}"), &args)),
    };
    let msg = crate::notify::Message {
        channel: if channel == Channel::Voice {
            Channel::Sms
        } else {
            channel
        },
        to: to.to_owned(),
        subject,
        text,
        code: None,
        link,
    };
    state.notifier.send_now(&msg).await
}

/// The signed-in customer of this request.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub session_id: String,
    pub authenticated_at: i64,
    pub customer: CustomerRow,
}

/// Like [`Authenticated`], but guests pass too.
#[derive(Debug, Clone)]
pub struct MaybeAuthenticated(pub Option<Authenticated>);

/// A customer as the staff console finds them (contacts in full: the console masks them).
#[derive(Debug, Clone)]
pub struct Found {
    pub id: String,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_at: i64,
}

/// The customer whose phone (as typed in any common way) or email this is, if any.
pub async fn by_typed_contact(
    state: &crate::state::AppState,
    q: &str,
) -> Result<Option<CustomerRow>, sqlx::Error> {
    use crate::domain::identity::{Email, Phone};
    let contact = if let Ok(p) = Phone::parse(q, &state.config.allowed_countries) {
        Contact::Phone(p)
    } else if let Some(e) = Email::parse(q) {
        Contact::Email(e)
    } else {
        return Ok(None);
    };
    store::by_contact(&state.db, &contact).await
}

/// Staff's customer search, newest first: `q` is a phone (any common typing), an email, or a
/// part of the name (case-insensitive: what was typed in lower case, Capitalised and UPPER
/// case, which covers names as people type them in any script); empty `q` lists everyone. The
/// cursor is `<created ms>:<id>` of the last customer shown.
pub async fn search(
    state: &crate::state::AppState,
    q: &str,
    cursor: Option<&str>,
    limit: i64,
) -> crate::error::AppResult<(Vec<Found>, Option<String>)> {
    use crate::domain::identity::{Email, Phone};
    use crate::error::AppError;
    let q = q.trim();
    if q.chars().count() > crate::products::MAX_QUERY_CHARS {
        return Err(AppError::bad_request("query_too_long"));
    }
    let start = crate::db::ledger_page_start(cursor)
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))?;
    let phone = Phone::parse(q, &state.config.allowed_countries).ok();
    let email = Email::parse(q);
    let mut names: Vec<String> = Vec::new();
    if !q.is_empty() {
        // SQLite's LIKE folds ASCII only: a name is tried as typed, as names are written
        // («Кондратьева Ульяна»: each word capitalised) and in lower case.
        let lower = q.to_lowercase();
        let title = lower
            .split(' ')
            .map(|w| {
                let mut t: String = w.chars().take(1).flat_map(char::to_uppercase).collect();
                t.extend(w.chars().skip(1));
                t
            })
            .collect::<Vec<_>>()
            .join(" ");
        for v in [q.to_owned(), title, lower] {
            let p = crate::products::like_pattern(&v);
            if !names.contains(&p) {
                names.push(p);
            }
        }
    }
    let rows = store::search(
        &state.db,
        q.is_empty(),
        phone.as_ref().map(|p| p.as_str()),
        email.as_ref().map(|e| e.as_str()),
        &names,
        start,
        limit,
    )
    .await?;
    let next = crate::db::ledger_next_cursor(&rows, limit, |r| (r.6, r.0.as_str()));
    let items = rows
        .into_iter()
        .take(limit as usize)
        .map(
            |(id, last, first, patronymic, phone, email, created_at)| Found {
                id,
                name: [last, first, patronymic]
                    .iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
                phone,
                email,
                created_at,
            },
        )
        .collect();
    Ok((items, next))
}
