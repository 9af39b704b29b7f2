//! «Баллы и бонусы» and «Карта Kabinet» (PRODUCT W1, W6): the customer's side of the status
//! points (`loyalty` keeps the books; this capability shows them) and the co-branded card.
//!
//! The card is offered only where it is delivered: the city is checked first, and an
//! application from any other city is refused before anything is stored. One live application
//! (submitted or approved) per customer; after a rejection the customer may apply again. Until
//! the staff console decides applications, `kabinet cobrand decide ID approve|reject` does; an
//! approval makes the customer platinum at once (`loyalty::approve_card`, in the same
//! transaction).

pub mod api;
pub mod pages;
pub mod store;

use crate::db::{begin_write, looks_like_id, new_id};
use crate::domain::identity::{Channel, Phone, PhoneError};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// An application's status (`none` is the absence of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CobrandStatus {
    None,
    Submitted,
    Approved,
    Rejected,
}

impl CobrandStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CobrandStatus::None => "none",
            CobrandStatus::Submitted => "submitted",
            CobrandStatus::Approved => "approved",
            CobrandStatus::Rejected => "rejected",
        }
    }
    fn parse(s: &str) -> CobrandStatus {
        match s {
            "submitted" => CobrandStatus::Submitted,
            "approved" => CobrandStatus::Approved,
            "rejected" => CobrandStatus::Rejected,
            _ => CobrandStatus::None,
        }
    }
}

/// An application as its customer sees it.
#[derive(Debug, Clone)]
pub struct Application {
    pub id: String,
    pub status: CobrandStatus,
    pub full_name: String,
    pub birth_date: String,
    pub city: String,
    pub phone: String,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

impl From<store::ApplicationRow> for Application {
    fn from(r: store::ApplicationRow) -> Self {
        Application {
            id: r.id,
            status: CobrandStatus::parse(&r.status),
            full_name: r.full_name,
            birth_date: r.birth_date,
            city: r.city,
            phone: r.phone,
            created_at: r.created_at,
            decided_at: r.decided_at,
        }
    }
}

/// What the customer typed to apply.
#[derive(Debug, Clone, Default)]
pub struct NewApplication {
    pub full_name: String,
    /// `YYYY-MM-DD` (a date field) or `ДД.ММ.ГГГГ` (typed).
    pub birth_date: String,
    pub city: String,
    pub phone: String,
}

/// How a city is compared: case, «ё», hyphens, extra spaces and a leading «г.» do not matter.
fn city_key(s: &str) -> String {
    let lower = s.trim().to_lowercase().replace('ё', "е");
    let lower = lower
        .strip_prefix("г.")
        .or_else(|| lower.strip_prefix("город "))
        .unwrap_or(&lower)
        .to_owned();
    lower
        .split(|c: char| c.is_whitespace() || c == '-' || c == '‑' || c == '–')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The city as the shop names it, if the card is delivered there.
pub fn served_city(cities: &[String], typed: &str) -> Option<String> {
    let key = city_key(typed);
    if key.is_empty() {
        return None;
    }
    cities.iter().find(|c| city_key(c) == key).cloned()
}

/// A full name: two to four words of letters (a hyphen or an apostrophe inside a word is
/// fine), at most 150 characters; extra spaces go.
fn full_name(s: &str) -> AppResult<String> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let word_ok = |w: &&str| {
        w.chars().next().is_some_and(char::is_alphabetic)
            && w.chars().last().is_some_and(char::is_alphabetic)
            && w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’')
    };
    let name = words.join(" ");
    if (2..=4).contains(&words.len()) && words.iter().all(word_ok) && name.chars().count() <= 150 {
        Ok(name)
    } else {
        Err(AppError::bad_request("invalid_full_name"))
    }
}

/// A birth date (`YYYY-MM-DD` or `ДД.ММ.ГГГГ`) of an adult (18 or older on `today`, born
/// after 1900). Returns it as `YYYY-MM-DD`.
fn birth_date(s: &str, today: jiff::civil::Date) -> AppResult<String> {
    let s = s.trim();
    let invalid = || AppError::bad_request("invalid_birth_date");
    let date = if s.contains('.') {
        jiff::civil::Date::strptime("%d.%m.%Y", s)
    } else {
        jiff::civil::Date::strptime("%Y-%m-%d", s)
    }
    .map_err(|_| invalid())?;
    if date.year() < 1900 || date > today {
        return Err(invalid());
    }
    let adult_from = date
        .checked_add(jiff::Span::new().years(18))
        .map_err(|_| invalid())?;
    if adult_from > today {
        return Err(AppError::bad_request("applicant_under_18"));
    }
    Ok(date.strftime("%Y-%m-%d").to_string())
}

/// Today in the shop's time zone.
fn today(state: &AppState) -> jiff::civil::Date {
    jiff::Timestamp::from_millisecond(state.clock.now_ms())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(state.zone.clone())
        .date()
}

/// Checks a city first: blank → `city_required`; not served → `card_not_available_in_region`.
pub fn check_city(state: &AppState, typed: &str) -> AppResult<String> {
    if typed.trim().is_empty() {
        return Err(AppError::bad_request("city_required"));
    }
    served_city(&state.config.cobrand_cities, typed)
        .ok_or_else(|| AppError::conflict("card_not_available_in_region"))
}

/// The customer's latest application, if any.
pub async fn current(state: &AppState, customer: &str) -> AppResult<Option<Application>> {
    Ok(store::latest(&state.db, customer).await?.map(Into::into))
}

/// Applies for the card: the city first (a city it is not delivered to is refused and nothing
/// is stored), then the name, the birth date (an adult) and the phone; one live application
/// per customer (`cobrand_application_exists`).
pub async fn apply(state: &AppState, customer: &str, a: &NewApplication) -> AppResult<Application> {
    let city = check_city(state, &a.city)?;
    let full_name = full_name(&a.full_name)?;
    let birth_date = birth_date(&a.birth_date, today(state))?;
    let phone = Phone::parse(&a.phone, &state.config.allowed_countries)
        .map(Phone::into_string)
        .map_err(|e| match e {
            PhoneError::Invalid => AppError::bad_request("invalid_phone"),
            PhoneError::NotSupported => AppError::bad_request("phone_not_supported"),
        })?;
    let row = store::ApplicationRow {
        id: new_id(),
        customer_id: customer.to_owned(),
        status: "submitted".into(),
        full_name,
        birth_date,
        city,
        phone,
        created_at: state.clock.now_ms(),
        decided_at: None,
    };
    if !store::insert_application(&state.db, &row).await? {
        return Err(AppError::conflict("cobrand_application_exists"));
    }
    Ok(row.into())
}

/// What the bank decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "approve" => Some(Decision::Approve),
            "reject" => Some(Decision::Reject),
            _ => None,
        }
    }
}

/// Decides a submitted application, once: an approval makes the customer platinum in the same
/// transaction. The applicant gets a short SMS either way (a rejection said politely). An
/// unknown id → `cobrand_application_not_found`; one already decided →
/// `cobrand_application_decided`.
/// Applications waiting for a decision (or decided ones, by status), oldest first.
pub async fn queue(
    state: &AppState,
    status: CobrandStatus,
    limit: i64,
) -> AppResult<Vec<Application>> {
    Ok(store::in_status(&state.db, status.as_str(), limit)
        .await?
        .into_iter()
        .map(Application::from)
        .collect())
}

pub async fn decide(state: &AppState, id: &str, decision: Decision) -> AppResult<CobrandStatus> {
    let not_found = || AppError::missing("cobrand_application_not_found");
    if !looks_like_id(id) {
        return Err(not_found());
    }
    let (status, key) = match decision {
        Decision::Approve => (CobrandStatus::Approved, "cobrand-approved"),
        Decision::Reject => (CobrandStatus::Rejected, "cobrand-rejected"),
    };
    let now = state.clock.now_ms();
    let mut tx = begin_write(&state.db).await?;
    let Some((customer, phone)) = store::decide(&mut tx, id, status.as_str(), now).await? else {
        drop(tx);
        return match store::by_id(&state.db, id).await? {
            None => Err(not_found()),
            Some(_) => Err(AppError::conflict("cobrand_application_decided")),
        };
    };
    if status == CobrandStatus::Approved {
        crate::loyalty::approve_card(&mut tx, &customer, now).await?;
    }
    tx.commit().await?;
    // The decision stands even if the message cannot be queued.
    if let Err(e) =
        crate::customers::notify(state, Channel::Sms, &phone, crate::i18n::Locale::Ru, key).await
    {
        tracing::warn!(error = %e, "the card decision's SMS was not queued");
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cities_match_as_people_type_them() {
        let cities: Vec<String> = ["Москва", "Ростов-на-Дону", "Нижний Новгород", "Пермь"]
            .map(String::from)
            .to_vec();
        for (typed, want) in [
            ("москва", Some("Москва")),
            ("  г. Москва ", Some("Москва")),
            ("Ростов на Дону", Some("Ростов-на-Дону")),
            ("нижний  новгород", Some("Нижний Новгород")),
            ("ПЕРМЬ", Some("Пермь")),
            ("Магадан", None),
            ("", None),
        ] {
            assert_eq!(served_city(&cities, typed).as_deref(), want, "{typed}");
        }
    }

    #[test]
    fn names_and_birth_dates_are_checked() {
        assert_eq!(
            full_name("  Демидов   Игорь Валерьянович ").unwrap(),
            "Демидов Игорь Валерьянович"
        );
        assert!(full_name("Салтыков-Щедрин Михаил").is_ok());
        assert!(full_name("O'Neil Anna").is_ok());
        for bad in ["Игорь", "Игорь 123", "<script> x", "- -", "a b c d e"] {
            assert_eq!(
                full_name(bad).unwrap_err().code,
                "invalid_full_name",
                "{bad}"
            );
        }
        let today = jiff::civil::date(2026, 1, 5);
        assert_eq!(birth_date("2008-01-05", today).unwrap(), "2008-01-05");
        assert_eq!(birth_date("05.01.2008", today).unwrap(), "2008-01-05");
        assert_eq!(
            birth_date("2008-01-06", today).unwrap_err().code,
            "applicant_under_18"
        );
        for bad in ["2027-01-01", "1899-12-31", "2001-02-30", "вчера", ""] {
            assert_eq!(
                birth_date(bad, today).unwrap_err().code,
                "invalid_birth_date",
                "{bad}"
            );
        }
    }
}
