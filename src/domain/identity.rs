//! Who a customer is reached by and how they prove it: channels, contacts (phone, email),
//! one-time codes, tokens and their digests. Pure rules, no I/O.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// How a code travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Sms,
    Voice,
    Email,
}

impl Channel {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sms" => Some(Channel::Sms),
            "voice" => Some(Channel::Voice),
            "email" => Some(Channel::Email),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Voice => "voice",
            Channel::Email => "email",
        }
    }
}

/// What a code may be used for (SECURITY 2: a code is bound to its purpose).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Sign-in by code (`POST /auth/codes`).
    Login,
    /// Email confirmation of a registration with password.
    Register,
    /// Second factor for a dormant account reached by a phone code (SECURITY 29).
    DormantEmail,
    /// A new email or phone inside the account (SECURITY 27).
    ChangeEmail,
    ChangePhone,
    /// The new phone of a lost-phone recovery (SECURITY 26).
    RecoveryPhone,
}

impl Purpose {
    /// Purposes a client may ask a code for directly; the others come from their own flows.
    pub fn parse_public(s: &str) -> Option<Self> {
        match s {
            "login" => Some(Purpose::Login),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Login => "login",
            Purpose::Register => "register",
            Purpose::DormantEmail => "dormant_email",
            Purpose::ChangeEmail => "change_email",
            Purpose::ChangePhone => "change_phone",
            Purpose::RecoveryPhone => "recovery_phone",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Purpose::Login,
            Purpose::Register,
            Purpose::DormantEmail,
            Purpose::ChangeEmail,
            Purpose::ChangePhone,
            Purpose::RecoveryPhone,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// A mobile number in E.164 (`+79161234567`), made only by [`Phone::parse`] (people's input,
/// checked) or [`Phone::stored`] (a value this service normalised when it stored it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Any common Russian form → E.164; only mobiles of the allowed countries (SECURITY 9).
    pub fn parse(input: &str, allowed: &[String]) -> Result<Phone, PhoneError> {
        parse_phone(input, allowed).map(Phone)
    }
    /// A phone read back from our own storage (normalised when it was written).
    pub fn stored(e164: String) -> Phone {
        Phone(e164)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
    /// `+7 916 123-45-67`, for pages.
    pub fn formatted(&self) -> String {
        format_phone(&self.0)
    }
}

/// An email address, trimmed, lower-cased and shaped like an address, made only by
/// [`Email::parse`] or [`Email::stored`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Option<Email> {
        parse_email(input).map(Email)
    }
    /// An email read back from our own storage (normalised when it was written).
    pub fn stored(email: String) -> Email {
        Email(email)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A normalised contact with its kind: a phone or an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    Phone(Phone),
    Email(Email),
}

impl Contact {
    pub fn as_str(&self) -> &str {
        match self {
            Contact::Phone(p) => p.as_str(),
            Contact::Email(e) => e.as_str(),
        }
    }
    pub fn is_phone(&self) -> bool {
        matches!(self, Contact::Phone(_))
    }
    /// A contact read back from storage with the channel it was stored for (never guessed
    /// from the text).
    pub fn stored(channel: Channel, s: String) -> Self {
        match channel {
            Channel::Email => Contact::Email(Email(s)),
            Channel::Sms | Channel::Voice => Contact::Phone(Phone(s)),
        }
    }
    /// `+7 916 ***-**-67` / `iv***@mail.ru`, for pages that confirm where a code went.
    pub fn masked(&self) -> String {
        match self {
            Contact::Phone(Phone(p)) => {
                let digits: Vec<char> = p.chars().collect();
                if p.starts_with("+7") && digits.len() == 12 {
                    let s: String = digits.iter().collect();
                    // Non-breaking space and hyphens: the number stays on one line.
                    format!(
                        "+7\u{a0}{}\u{a0}***\u{2011}**\u{2011}{}",
                        &s[2..5],
                        &s[10..12]
                    )
                } else {
                    let keep = digits.len().saturating_sub(2);
                    digits
                        .iter()
                        .enumerate()
                        .map(|(i, c)| if i > 3 && i < keep { '*' } else { *c })
                        .collect()
                }
            }
            Contact::Email(Email(e)) => {
                let (local, domain) = e.split_once('@').unwrap_or((e, ""));
                let head: String = local.chars().take(2).collect();
                format!("{head}***@{domain}")
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    /// Not a phone number at all.
    Invalid,
    /// A real number, but not a mobile of an allowed country.
    NotSupported,
}

/// Any common Russian form (`8 (916) 123-45-67`, `+7 916 1234567`, `9161234567`) → E.164.
/// Only mobile numbers of the allowed countries pass (SECURITY 9).
fn parse_phone(input: &str, allowed: &[String]) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    if trimmed.is_empty() || trimmed.len() > 32 {
        return Err(PhoneError::Invalid);
    }
    if !trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()\u{a0}.".contains(c))
    {
        return Err(PhoneError::Invalid);
    }
    let number = phonenumber::parse(Some(phonenumber::country::Id::RU), trimmed)
        .map_err(|_| PhoneError::Invalid)?;
    if !number.is_valid() {
        return Err(PhoneError::Invalid);
    }
    let region = number.country().id().map(|id| id.as_ref().to_owned());
    let region_ok = region.is_some_and(|r| allowed.iter().any(|a| a.eq_ignore_ascii_case(&r)));
    let mobile = matches!(
        number.number_type(&phonenumber::metadata::DATABASE),
        phonenumber::Type::Mobile | phonenumber::Type::FixedLineOrMobile
    );
    if !region_ok || !mobile {
        return Err(PhoneError::NotSupported);
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// `+79161234567` → `+7 916 123-45-67`, for pages.
pub fn format_phone(e164: &str) -> String {
    phonenumber::parse(None, e164)
        .map(|n| {
            n.format()
                .mode(phonenumber::Mode::International)
                .to_string()
        })
        .unwrap_or_else(|_| e164.to_owned())
}

/// Trimmed, lower-cased, and shaped like an address (one `@`, a dotted domain, no spaces).
fn parse_email(input: &str) -> Option<String> {
    let e = input.trim().to_lowercase();
    if e.len() > 254 || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (local, domain) = e.split_once('@')?;
    // One mailbox, one spelling: `x@пример.рф` and `x@xn--e1afmkfd.xn--p1ai` are the same
    // address, kept in the readable (Unicode, UTS 46) form; SMTP gets the ASCII form.
    let (domain, idna_ok) = idna::domain_to_unicode(domain);
    if idna_ok.is_err() || domain.is_empty() {
        return None;
    }
    let e = format!("{local}@{domain}");
    let (local, domain) = e.split_once('@')?;
    let ok = !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !local.contains(['<', '>', '(', ')', ',', ';', ':', '"', '[', ']', '\\']);
    ok.then_some(e)
}

/// SECURITY 6: spaces, NBSP, dashes and any decimal-digit script map to ASCII digits.
/// Returns `None` when anything else is in the input.
pub fn normalize_code(input: &str) -> Option<String> {
    // First code points of Unicode decimal-digit runs (0..9 follow contiguously).
    const ZEROS: &[u32] = &[
        0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
        0xE50, 0xED0, 0xF20, 0x1040, 0x17E0, 0x1810, 0xFF10, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC,
        0x1D7F6,
    ];
    let mut out = String::with_capacity(6);
    for c in input.chars() {
        if c.is_whitespace() || "-‐‑‒–—―−_.".contains(c) {
            continue;
        }
        let cp = c as u32;
        let digit = ZEROS
            .iter()
            .find(|&&z| cp >= z && cp < z + 10)
            .map(|&z| cp - z)?;
        out.push(char::from_digit(digit, 10)?);
        if out.len() > 12 {
            return None;
        }
    }
    (out.len() == 6).then_some(out)
}

/// A fresh 6-digit code from the OS CSPRNG (SECURITY 1), without modulo bias.
pub fn new_code() -> String {
    loop {
        let n = getrandom::u32().expect("OS random source");
        // 4_294_000_000 is the largest multiple of 1_000_000 below 2^32.
        if n < 4_294_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// 256-bit random token, base64url.
pub fn new_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("OS random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are stored as SHA-256: they carry 256 bits, so no key or salt is needed.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// SECURITY 3: a code is stored only as HMAC(secret, purpose|contact|flow|code).
pub fn code_hash(
    secret: &[u8],
    purpose: Purpose,
    contact: &str,
    flow_id: &str,
    code: &str,
) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    for part in [purpose.as_str(), contact, flow_id, code] {
        mac.update(part.as_bytes());
        mac.update(b"\x1f");
    }
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time comparison of two hex digests.
pub fn same_digest(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// SECURITY 7: wait after the n-th send within the window (60 s, then 120 s, then 240 s).
pub fn resend_wait_secs(schedule: &[i64], sends_in_window: usize) -> i64 {
    if sends_in_window == 0 {
        return 0;
    }
    let i = (sends_in_window - 1).min(schedule.len().saturating_sub(1));
    schedule.get(i).copied().unwrap_or(60)
}

/// "Chrome, Windows" from a User-Agent, for the session list.
pub fn device_name(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = [
        ("YaBrowser", "Яндекс Браузер"),
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome", "Chrome (headless)"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("okhttp", "Android app"),
        ("CFNetwork", "iOS app"),
        ("curl/", "curl"),
        ("python", "Python"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let os = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b}, {o}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(o)) => o.to_owned(),
        (None, None) if ua.is_empty() => "—".to_owned(),
        (None, None) => ua.chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        vec!["RU".into(), "BY".into(), "KZ".into()]
    }

    #[test]
    fn russian_phone_forms_become_e164() {
        for input in [
            "8 (916) 123-45-67",
            "+7 916 1234567",
            "9161234567",
            "+7 (916) 123 45 67",
            " 89161234567 ",
        ] {
            assert_eq!(
                parse_phone(input, &allowed()).as_deref(),
                Ok("+79161234567"),
                "{input}"
            );
        }
    }

    #[test]
    fn landlines_foreign_and_junk_are_refused() {
        assert_eq!(
            parse_phone("+7 495 123-45-67", &allowed()),
            Err(PhoneError::NotSupported)
        );
        assert_eq!(
            parse_phone("+44 7911 123456", &allowed()),
            Err(PhoneError::NotSupported)
        );
        assert_eq!(
            parse_phone("+375 29 123-45-67", &allowed()).as_deref(),
            Ok("+375291234567")
        );
        assert_eq!(
            parse_phone("not a phone", &allowed()),
            Err(PhoneError::Invalid)
        );
        assert_eq!(parse_phone("", &allowed()), Err(PhoneError::Invalid));
        assert_eq!(parse_phone("123", &allowed()), Err(PhoneError::Invalid));
    }

    #[test]
    fn an_internationalised_domain_is_one_mailbox_in_either_spelling() {
        assert_eq!(
            parse_email("Ivan@ПРИМЕР.РФ").as_deref(),
            Some("ivan@пример.рф")
        );
        assert_eq!(
            parse_email("ivan@xn--e1afmkfd.xn--p1ai").as_deref(),
            Some("ivan@пример.рф")
        );
        assert_eq!(
            parse_email("+ivan@mail.ru").as_deref(),
            Some("+ivan@mail.ru")
        );
        assert_eq!(parse_email("ivan@xn--.ru"), None);
    }

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            parse_email("  Ivan.Petrov@Mail.RU ").as_deref(),
            Some("ivan.petrov@mail.ru")
        );
        for bad in [
            "",
            "ivan",
            "ivan@",
            "@mail.ru",
            "iv an@mail.ru",
            "a@b",
            "a@@b.ru",
            "a@b..ru",
        ] {
            assert_eq!(parse_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn codes_in_any_common_form() {
        for input in [
            " 123 456 ",
            "123-456",
            "１２３４５６",
            "123\u{a0}456",
            "123 – 456",
            "١٢٣٤٥٦",
        ] {
            assert_eq!(
                normalize_code(input).as_deref(),
                Some("123456"),
                "{input:?}"
            );
        }
        for bad in ["12345", "1234567", "12a456", "", "abcdef"] {
            assert_eq!(normalize_code(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn new_codes_are_six_digits() {
        for _ in 0..200 {
            let c = new_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_ne!(new_token(), new_token());
        assert!(new_token().len() >= 43);
    }

    #[test]
    fn code_hash_binds_purpose_contact_and_flow() {
        let h = code_hash(b"k", Purpose::Login, "+79161234567", "f1", "123456");
        assert!(same_digest(
            &h,
            &code_hash(b"k", Purpose::Login, "+79161234567", "f1", "123456")
        ));
        assert!(!same_digest(
            &h,
            &code_hash(b"k", Purpose::Login, "+79161234567", "f2", "123456")
        ));
        assert!(!same_digest(
            &h,
            &code_hash(b"k", Purpose::Login, "+79161234568", "f1", "123456")
        ));
        assert!(!same_digest(
            &h,
            &code_hash(b"x", Purpose::Login, "+79161234567", "f1", "123456")
        ));
    }

    #[test]
    fn resend_schedule_doubles_then_stays() {
        let s = [60, 120, 240];
        assert_eq!(resend_wait_secs(&s, 0), 0);
        assert_eq!(resend_wait_secs(&s, 1), 60);
        assert_eq!(resend_wait_secs(&s, 2), 120);
        assert_eq!(resend_wait_secs(&s, 3), 240);
        assert_eq!(resend_wait_secs(&s, 9), 240);
    }

    #[test]
    fn formats_phones_for_people() {
        assert_eq!(format_phone("+79161234567"), "+7 916 123-45-67");
        assert_eq!(format_phone("garbage"), "garbage");
    }

    #[test]
    fn stored_contacts_keep_the_kind_of_their_channel() {
        // `+ivan@mail.ru` is an email, whatever its first character says.
        let c = Contact::stored(Channel::Email, "+ivan@mail.ru".into());
        assert!(!c.is_phone());
        assert!(Contact::stored(Channel::Voice, "+79161234567".into()).is_phone());
    }

    #[test]
    fn masks_contacts() {
        assert_eq!(
            Contact::Phone(Phone::parse("8 (916) 123-45-67", &allowed()).unwrap()).masked(),
            "+7\u{a0}916\u{a0}***\u{2011}**\u{2011}67"
        );
        assert_eq!(
            Contact::Email(Email::parse(" Ivan@Mail.ru").unwrap()).masked(),
            "iv***@mail.ru"
        );
    }

    #[test]
    fn names_devices() {
        let ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36";
        assert_eq!(device_name(ua), "Chrome, Linux");
        assert_eq!(device_name(""), "—");
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn code_normalisation_never_panics(s in "\\PC{0,20}") {
                let _ = normalize_code(&s);
            }

            #[test]
            fn spaced_codes_match(d in "[0-9]{6}", sep in "[ \\-\u{a0}]{0,2}") {
                let spaced = format!("{}{sep}{}", &d[..3], &d[3..]);
                prop_assert_eq!(normalize_code(&spaced), Some(d));
            }

            #[test]
            fn phone_parsing_never_panics(s in "\\PC{0,30}") {
                let _ = parse_phone(&s, &["RU".to_string()]);
            }
        }
    }
}
