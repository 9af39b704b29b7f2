//! TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps) for staff sign-in, by `totp-rs`.
//! A code is accepted for the current step or one step either side (clock drift); the caller
//! takes the matched step once ([`super::store::take_totp_step`]), so a code works once.

use totp_rs::{Algorithm, TOTP};

const STEP_SECS: u64 = 30;

/// A member's TOTP: their 160-bit secret, named for authenticator apps.
pub struct Totp(TOTP);

impl Totp {
    /// A fresh random secret (20 bytes, as RFC 4226 recommends).
    pub fn random_secret() -> Vec<u8> {
        let mut s = vec![0u8; 20];
        getrandom::fill(&mut s).expect("OS random source");
        s
    }

    pub fn new(secret: Vec<u8>, issuer: &str, email: &str) -> Option<Self> {
        TOTP::new(
            Algorithm::SHA1,
            6,
            1,
            STEP_SECS,
            secret,
            Some(issuer.replace(':', " ")),
            email.replace(':', " "),
        )
        .ok()
        .map(Totp)
    }

    /// The TOTP of an `otpauth://` URI (what an authenticator app reads from the QR code).
    pub fn from_uri(uri: &str) -> Option<Self> {
        TOTP::from_url(uri).ok().map(Totp)
    }

    /// `otpauth://totp/Issuer:email?secret=BASE32&issuer=Issuer…` for the authenticator app.
    pub fn uri(&self) -> String {
        self.0.get_url()
    }

    pub fn secret_base32(&self) -> String {
        self.0.get_secret_base32()
    }

    /// The code for the moment `unix_secs` (tests and the enrolment page's check).
    pub fn code_at(&self, unix_secs: u64) -> String {
        self.0.generate(unix_secs)
    }

    /// The step (`unix time / 30`) `code` is valid for around `unix_secs`, if any.
    pub fn step_of(&self, code: &str, unix_secs: u64) -> Option<i64> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let now_step = unix_secs / STEP_SECS;
        [now_step.saturating_sub(1), now_step, now_step + 1]
            .into_iter()
            .find(|step| {
                let expected = self.0.generate(step * STEP_SECS);
                crate::domain::identity::same_digest(&expected, code)
            })
            .map(|s| s as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_vector_and_the_window() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890" at T = 59 s → 94287082
        // (8 digits); its last six digits are the 6-digit code.
        let t = Totp::new(b"12345678901234567890".to_vec(), "Kabinet", "a@b.ru").unwrap();
        assert_eq!(t.code_at(59), "287082");
        assert_eq!(t.step_of("287082", 59), Some(1));
        assert_eq!(t.step_of("287082", 59 + 30), Some(1), "a step late is fine");
        assert_eq!(
            t.step_of("287082", 59 + 90),
            None,
            "three steps late is not"
        );
        assert_eq!(t.step_of("28708", 59), None);
        assert_eq!(t.step_of("abcdef", 59), None);
        let back = Totp::from_uri(&t.uri()).unwrap();
        assert_eq!(back.code_at(59), "287082");
        assert!(
            t.uri()
                .starts_with("otpauth://totp/Kabinet:a%40b.ru?secret="),
            "{}",
            t.uri()
        );
    }
}
