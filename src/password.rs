//! Passwords: Argon2id hashing and the password policy (SECURITY 15–16). No database here.
//!
//! The list of common/breached passwords is `data-src/common-passwords.txt`, the data file
//! `data/common-passwords.json` of the crate `passwords` 3.1.19 (crates.io, MIT License,
//! © 2018 magiclen.org (Ron Li)) rewritten one entry per line: 99 838 entries, of which the
//! 46 483 distinct ones of 8–128 characters (after folding) are kept in memory. Its source,
//! license text and how to refresh it are in `data-src/README.md`.
//!
//! Passwords are NFKC-normalised before hashing and before the list look-up (NIST SP 800-63B
//! §5.1.1.2), so the same password typed on two keyboards that compose «й» differently, or
//! in full-width letters, is the same password.

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use anyhow::{Context, anyhow};
use argon2::{
    ARGON2ID_IDENT, Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier,
    Version,
};
use tokio::sync::{OnceCell, Semaphore};
use unicode_normalization::UnicodeNormalization;

/// Fewest characters (Unicode scalar values) a password may have.
pub const MIN_CHARS: usize = 8;
/// Most characters a password may have.
pub const MAX_CHARS: usize = 128;

/// Argon2id memory cost in KiB (SECURITY 15).
pub const M_COST_KIB: u32 = 19_456;
/// Argon2id passes (SECURITY 15).
pub const T_COST: u32 = 2;
/// Argon2id lanes (SECURITY 15).
pub const P_COST: u32 = 1;

/// The parameters of SECURITY 15: Argon2id, m=19456 KiB, t=2, p=1, 32-byte output.
pub const DEFAULT_PARAMS: Params = match Params::new(M_COST_KIB, T_COST, P_COST, None) {
    Ok(params) => params,
    Err(_) => panic!("invalid Argon2 parameters"),
};

/// What the dummy hash is made of; nobody can sign in with it, `verify` says `ok: false`.
const DUMMY_PASSWORD: &str = "kabinet: no such login";

/// Hashes and verifies passwords with Argon2id off the async runtime.
///
/// At most one hash per CPU runs at a time (a semaphore in front of `spawn_blocking`), so a
/// burst of sign-ins queues here instead of occupying every blocking thread. Cheap to clone:
/// clones share the semaphore and the dummy hash.
#[derive(Clone, Debug)]
pub struct Hasher {
    params: Params,
    permits: Arc<Semaphore>,
    /// Jobs waiting or running; more than [`MAX_QUEUED`] are refused with [`Busy`].
    queued: Arc<AtomicUsize>,
    dummy: Arc<OnceCell<String>>,
}

/// Jobs that may wait for a hashing slot before new ones are refused (503 with Retry-After).
pub const MAX_QUEUED: usize = 64;

pub use crate::error::Busy;

/// The outcome of [`Hasher::verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Verified {
    /// The password matches the stored hash.
    pub ok: bool,
    /// `ok`, and the stored hash is weaker than the current parameters: store a new hash.
    pub needs_rehash: bool,
}

impl Verified {
    const FAILED: Verified = Verified {
        ok: false,
        needs_rehash: false,
    };
}

impl Default for Hasher {
    /// A hasher with [`DEFAULT_PARAMS`].
    fn default() -> Self {
        Self::new(DEFAULT_PARAMS)
    }
}

/// Concurrent hashes allowed: CPUs − 1, at least 1.
fn hash_slots() -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    cpus.saturating_sub(1).max(1)
}

impl Hasher {
    /// A hasher that makes new hashes with `params` (Argon2id, version 0x13) and allows one
    /// concurrent hash fewer than the machine has CPUs (at least one), so a burst of password
    /// sign-ins always leaves a core for session checks (measured: B1 p99 while B7 runs).
    pub fn new(params: Params) -> Self {
        Self {
            params,
            permits: Arc::new(Semaphore::new(hash_slots())),
            queued: Arc::default(),
            dummy: Arc::default(),
        }
    }

    /// Makes the dummy hash and the common-password set now, so the first unknown login and the
    /// first sign-up are not slower than the rest: call once at start-up.
    pub async fn warm_up(&self) {
        LazyLock::force(&COMMON);
        let _ = self.dummy_hash().await;
    }

    /// The parameters new hashes are made with.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Hashes `password` into a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) with a
    /// fresh 16-byte salt from the OS RNG.
    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone());
        let password = normalize(password);
        self.run(move || {
            argon2
                .hash_password(password.as_bytes())
                .map(|hash| hash.to_string())
                .map_err(|e| anyhow!("argon2 hash: {e}"))
        })
        .await?
    }

    /// Checks `password` against the stored PHC string `phc` in constant time (argon2's own
    /// comparison), with the parameters recorded in that string.
    ///
    /// With no stored hash (unknown login) or an unreadable one, the password is checked
    /// against a dummy hash made once with the current parameters, so the answer takes as long
    /// as for a known login (SECURITY 13), and `ok` is false.
    pub async fn verify(&self, password: &str, phc: Option<&str>) -> Result<Verified, Busy> {
        let stored = match phc.map(PasswordHash::new) {
            Some(Ok(hash)) => Some(hash),
            Some(Err(e)) => {
                tracing::warn!(error = %e, "stored password hash is unreadable");
                None
            }
            None => None,
        };
        let known = stored.is_some();
        let hash = match stored {
            Some(hash) => hash,
            None => match self.dummy_hash().await {
                Some(hash) => hash,
                None => return Ok(Verified::FAILED),
            },
        };
        let weaker = self.is_weaker(&hash);
        let password = normalize(password);
        let matches = match self
            .run(move || {
                // `verify_password` takes algorithm, version and costs from `hash` itself.
                Argon2::default()
                    .verify_password(password.as_bytes(), &hash)
                    .is_ok()
            })
            .await
        {
            Ok(m) => m,
            Err(e) if e.is::<Busy>() => return Err(Busy),
            Err(_) => false,
        };
        let ok = known && matches;
        Ok(Verified {
            ok,
            needs_rehash: ok && weaker,
        })
    }

    /// Whether `hash` is not Argon2id v0x13 or has any of m, t, p below the current ones.
    fn is_weaker(&self, hash: &PasswordHash) -> bool {
        if hash.algorithm != ARGON2ID_IDENT
            || hash.version.is_some_and(|v| v < u32::from(Version::V0x13))
        {
            return true;
        }
        match Params::try_from(hash) {
            Ok(p) => {
                p.m_cost() < self.params.m_cost()
                    || p.t_cost() < self.params.t_cost()
                    || p.p_cost() < self.params.p_cost()
            }
            Err(_) => true,
        }
    }

    /// The dummy hash for unknown logins, made on first use with the current parameters.
    async fn dummy_hash(&self) -> Option<PasswordHash> {
        let phc = self
            .dummy
            .get_or_try_init(|| self.hash(DUMMY_PASSWORD))
            .await
            .inspect_err(|e| tracing::error!(error = %e, "cannot make the dummy password hash"))
            .ok()?;
        PasswordHash::new(phc).ok()
    }

    /// Runs CPU-heavy `work` (hashing, drawing a captcha) on the blocking pool once a permit
    /// is free. The permit moves into the blocking task, so it is held until the work ends even
    /// if the caller goes away. With [`MAX_QUEUED`] jobs already waiting it fails at once with
    /// [`Busy`].
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        struct Queued(Arc<AtomicUsize>);
        impl Drop for Queued {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let before = self.queued.fetch_add(1, Ordering::SeqCst);
        let queued = Queued(Arc::clone(&self.queued));
        if before >= MAX_QUEUED {
            return Err(Busy.into());
        }
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .context("password hasher closed")?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _queued = queued;
            work()
        })
        .await
        .context("password hashing task failed")
    }
}

/// Why a new password is refused (SECURITY 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// Fewer than [`MIN_CHARS`] characters.
    #[error("password shorter than {MIN_CHARS} characters")]
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    #[error("password longer than {MAX_CHARS} characters")]
    TooLong,
    /// In the bundled list of common/breached passwords.
    #[error("password is a commonly used one")]
    Common,
}

impl PolicyError {
    /// The stable error code for APIs and message look-up.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::TooShort => "password_too_short",
            PolicyError::TooLong => "password_too_long",
            PolicyError::Common => "password_common",
        }
    }
}

/// Checks a new password against SECURITY 16: 8–128 characters counted as Unicode scalar
/// values (`chars`), any characters, no composition rules, not in the common-password list
/// (compared case-insensitively, after NFKC).
pub fn check_policy(password: &str) -> Result<(), PolicyError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        Err(PolicyError::TooShort)
    } else if chars > MAX_CHARS {
        Err(PolicyError::TooLong)
    } else if is_common(password) {
        Err(PolicyError::Common)
    } else {
        Ok(())
    }
}

/// Whether `password` is in the bundled common-password list (case-insensitive, after NFKC).
pub fn is_common(password: &str) -> bool {
    COMMON.contains(&fold(password))
}

/// The bundled list, see the module docs.
const COMMON_LIST: &str = include_str!("../data-src/common-passwords.txt");

/// The list folded like the input; entries the length rule refuses anyway are left out.
static COMMON: LazyLock<HashSet<String>> = LazyLock::new(|| {
    COMMON_LIST
        .lines()
        .map(fold)
        .filter(|p| (MIN_CHARS..=MAX_CHARS).contains(&p.chars().count()))
        .collect()
});

/// NFKC form of a password: what is hashed and compared.
fn normalize(password: &str) -> String {
    password.nfkc().collect()
}

/// NFKC then lower case: the form the common-password list is compared in.
fn fold(password: &str) -> String {
    normalize(password).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hasher with cheap parameters (`m` KiB, `t` passes, 1 lane) so tests run fast.
    fn cheap(m: u32, t: u32) -> Hasher {
        Hasher::new(Params::new(m, t, 1, None).unwrap())
    }

    #[tokio::test]
    async fn hash_then_verify_round_trip() {
        let h = cheap(256, 2);
        let phc = h.hash("correct horse battery").await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=256,t=2,p=1$"), "{phc}");
        let v = h.verify("correct horse battery", Some(&phc)).await.unwrap();
        assert_eq!(
            v,
            Verified {
                ok: true,
                needs_rehash: false
            }
        );
    }

    #[tokio::test]
    async fn default_params_round_trip() {
        let h = Hasher::default();
        let phc = h.hash("пароль-кот-в-сапогах").await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(
            h.verify("пароль-кот-в-сапогах", Some(&phc))
                .await
                .unwrap()
                .ok
        );
        assert!(
            !h.verify("пароль-кот-в-сапогаx", Some(&phc))
                .await
                .unwrap()
                .ok
        );
    }

    #[tokio::test]
    async fn salts_differ() {
        let h = cheap(256, 2);
        assert_ne!(h.hash("same").await.unwrap(), h.hash("same").await.unwrap());
    }

    #[tokio::test]
    async fn wrong_password_fails() {
        let h = cheap(256, 2);
        let phc = h.hash("correct horse battery").await.unwrap();
        assert_eq!(
            h.verify("correct horse batterY", Some(&phc)).await.unwrap(),
            Verified::FAILED
        );
    }

    #[tokio::test]
    async fn unknown_or_unreadable_login_fails() {
        let h = cheap(256, 2);
        assert_eq!(
            h.verify(DUMMY_PASSWORD, None).await.unwrap(),
            Verified::FAILED
        );
        assert_eq!(h.verify("anything", None).await.unwrap(), Verified::FAILED);
        assert_eq!(
            h.verify("anything", Some("not a phc string"))
                .await
                .unwrap(),
            Verified::FAILED
        );
        // The dummy hash is made once, with the current parameters.
        let dummy = h.dummy.get().unwrap().clone();
        assert!(dummy.starts_with("$argon2id$v=19$m=256,t=2,p=1$"));
        let _ = h.verify("again", None).await.unwrap();
        assert_eq!(h.dummy.get().unwrap(), &dummy);
    }

    #[tokio::test]
    async fn weaker_hashes_need_rehash() {
        let current = cheap(512, 2);
        for weaker in [cheap(256, 2), cheap(512, 1)] {
            let phc = weaker.hash("correct horse battery").await.unwrap();
            let v = current
                .verify("correct horse battery", Some(&phc))
                .await
                .unwrap();
            assert_eq!(
                v,
                Verified {
                    ok: true,
                    needs_rehash: true
                },
                "{phc}"
            );
            // A wrong password never asks for a rehash.
            assert_eq!(
                current.verify("wrong", Some(&phc)).await.unwrap(),
                Verified::FAILED
            );
        }
        // Stronger than current: no rehash.
        let phc = cheap(1024, 3).hash("x").await.unwrap();
        assert!(!current.verify("x", Some(&phc)).await.unwrap().needs_rehash);
    }

    #[tokio::test]
    async fn other_argon2_variants_need_rehash() {
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(512, 2, 1, None).unwrap(),
        );
        let phc = argon2i.hash_password(b"secret!!").unwrap().to_string();
        let v = cheap(512, 2).verify("secret!!", Some(&phc)).await.unwrap();
        assert!(v.ok && v.needs_rehash);
    }

    #[tokio::test]
    async fn unicode_is_normalised_before_hashing() {
        let h = cheap(256, 2);
        let composed = "пароль-й-кот"; // U+0439
        let decomposed = "пароль-и\u{306}-кот"; // и + combining breve
        let phc = h.hash(composed).await.unwrap();
        assert!(h.verify(decomposed, Some(&phc)).await.unwrap().ok);
    }

    #[tokio::test]
    async fn concurrent_hashes_all_finish() {
        let h = cheap(256, 1);
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let h = h.clone();
                tokio::spawn(async move { h.hash(&format!("pw{i}")).await })
            })
            .collect();
        for t in tasks {
            assert!(t.await.unwrap().is_ok());
        }
        assert_eq!(h.permits.available_permits(), hash_slots());
    }

    #[test]
    fn length_rule_counts_characters() {
        assert_eq!(check_policy("7-chars"), Err(PolicyError::TooShort));
        assert_eq!(check_policy("8-chars!"), Ok(()));
        assert_eq!(check_policy(&"x".repeat(128)), Ok(()));
        assert_eq!(check_policy(&"x".repeat(129)), Err(PolicyError::TooLong));
        // 20 characters, 37 bytes.
        assert_eq!(check_policy("пароль-кот-в-сапогах"), Ok(()));
        // 7 characters but 14 bytes: too short; 128 characters (256 bytes): fine.
        assert_eq!(check_policy("жжжжжжж"), Err(PolicyError::TooShort));
        assert_eq!(check_policy(&"ж".repeat(128)), Ok(()));
        assert_eq!(check_policy(&"ж".repeat(129)), Err(PolicyError::TooLong));
        // Any characters, no composition rules.
        assert_eq!(check_policy("🐈🐈‍⬛ мурлычет"), Ok(()));
        assert_eq!(check_policy("        "), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused() {
        for pw in [
            "password",
            "123456789",
            "qwerty123",
            "PassWord",
            "QWERTY123",
        ] {
            assert_eq!(check_policy(pw), Err(PolicyError::Common), "{pw}");
        }
        // Full-width letters fold to the listed "password".
        assert_eq!(check_policy("ｐａｓｓｗｏｒｄ"), Err(PolicyError::Common));
        assert!(!is_common("пароль-кот-в-сапогах"));
    }

    #[test]
    fn list_is_large() {
        assert!(COMMON_LIST.lines().count() >= 10_000);
        assert!(COMMON.len() >= 10_000, "{}", COMMON.len());
    }

    #[tokio::test]
    async fn warm_up_makes_the_dummy_hash() {
        let h = cheap(256, 1);
        assert!(h.dummy.get().is_none());
        h.warm_up().await;
        assert!(h.dummy.get().is_some());
    }

    #[test]
    fn error_codes() {
        assert_eq!(PolicyError::TooShort.code(), "password_too_short");
        assert_eq!(PolicyError::TooLong.code(), "password_too_long");
        assert_eq!(PolicyError::Common.code(), "password_common");
    }
}
