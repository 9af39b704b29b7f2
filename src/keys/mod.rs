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
    /// Encryption key of staff members' TOTP secrets at rest.
    pub totp: [u8; 32],
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
            totp: derive(secret, "totp"),
        }
    }
}

/// `base64(nonce ‖ ChaCha20-Poly1305(body))`.
pub fn seal(key: &[u8; 32], body: &str) -> String {
    use base64::Engine;
    use chacha20poly1305::aead::{Aead, KeyInit};
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; 12];
    getrandom::fill(&mut nonce).expect("OS random source");
    let sealed = cipher
        .encrypt(&nonce.into(), body.as_bytes())
        .expect("ChaCha20-Poly1305 seals any length we queue");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    base64::engine::general_purpose::STANDARD.encode(out)
}

pub fn open(key: &[u8; 32], sealed: &str) -> Option<String> {
    use base64::Engine;
    use chacha20poly1305::aead::{Aead, KeyInit};
    let raw = base64::engine::general_purpose::STANDARD
        .decode(sealed)
        .ok()?;
    if raw.len() < 12 {
        return None;
    }
    let (nonce, body) = raw.split_at(12);
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(key.into());
    let plain = cipher
        .decrypt(<[u8; 12]>::try_from(nonce).ok()?.as_ref().into(), body)
        .ok()?;
    String::from_utf8(plain).ok()
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
