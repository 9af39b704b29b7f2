//! Keys derived from the one server secret, one per purpose (SECURITY 3, 34): a key that
//! leaks from one use (say, the message queue) says nothing about another (code hashes).

pub mod store;

use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Clone)]
pub struct Keys {
    /// HMAC key of one-time codes.
    pub codes: [u8; 32],
    /// HMAC key of captcha answers.
    pub captcha: [u8; 32],
    /// Encryption key of queued messages (they may carry a code until delivered).
    pub outbox: [u8; 32],
    /// Key that binds a signed-in visitor's CSRF token to the session.
    pub csrf: [u8; 32],
    /// HMAC key of gift certificates' numbers and code words (only their hashes are stored).
    pub certificates: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(…)")
    }
}

/// HMAC-SHA256(secret, "kabinet/<purpose>/v1"): a pseudo-random key per purpose (the
/// expand step of HKDF with a single block).
pub fn derive(secret: &[u8], purpose: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(format!("kabinet/{purpose}/v1").as_bytes());
    mac.finalize().into_bytes().into()
}

impl Keys {
    pub fn from_secret(secret: &[u8]) -> Self {
        Self {
            codes: derive(secret, "codes"),
            captcha: derive(secret, "captcha"),
            outbox: derive(secret, "outbox"),
            csrf: derive(secret, "csrf"),
            certificates: derive(secret, "certificates"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_purpose_gets_its_own_key() {
        let k = Keys::from_secret(b"a secret of at least thirty-two chars");
        assert_ne!(k.codes, k.captcha);
        assert_ne!(k.codes, k.outbox);
        assert_ne!(k.codes, k.certificates);
        assert_eq!(
            k.codes,
            Keys::from_secret(b"a secret of at least thirty-two chars").codes
        );
        assert_ne!(
            k.codes,
            Keys::from_secret(b"another secret of at least 32 chars").codes
        );
    }
}
