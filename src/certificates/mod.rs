//! Gift certificates («Сертификаты и промокоды», PRODUCT W3, §2, §5) and the balance's pages
//! and API («Баланс средств», W2). The books are kept by the `balance` floor; this capability
//! issues certificates, activates them onto the balance and shows both.
//!
//! **The number** is 16 characters of a 32-character alphabet without the look-alikes O/0 and
//! I/1 ([`ALPHABET`]), shown `XXXX-XXXX-XXXX-XXXX`: 15 random ones (75 bits) and a check
//! character (Luhn mod 32), so a mistyped character or two swapped neighbours are caught as
//! `certificate_typo` before any lookup — a typo is never counted as a failed try. The customer
//! may type it in any case, with or without spaces and dashes, in full-width forms, or with
//! Cyrillic letters that look like the Latin ones.
//!
//! **The code word** is the alternative for dictating: four words of a fixed list
//! ([`words::WORDS`]), e.g. «подарок-радуга-чайник-сказка», unique like the number. A word not on
//! the list is a typo too.
//!
//! **At rest** only HMAC-SHA256 under the server's `certificates` key is stored (of the number
//! and of the code word), and a masked number for the customer's history
//! (`KABN-••••-••••-567X`). A database dump therefore gives no usable code.
//!
//! **Activation** is one conditional update (unused, not expired) and the balance credit in one
//! transaction: of any number of racing activations, from one customer or several, exactly one
//! credits the face value. Unknown, used and expired codes get one answer,
//! `invalid_certificate`; each counts as a failure, and after
//! [`crate::config::Limits::certificate_failures_per_hour`] failures in an hour the customer gets
//! 429 `too_many_certificate_attempts` (the try is reserved before the lookup, so racing tries
//! find the exact cap; a successful one gives its reservation back).

pub mod api;
pub mod pages;
pub mod store;
pub mod words;

use crate::balance::{EntryKind, Movement};
use crate::db::{Db, begin_write, new_id};
use crate::domain::money::Kopecks;
use crate::error::{AppError, AppResult};
use crate::limits::{self, HOUR_MS, Window};
use crate::state::AppState;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The number's alphabet: digits 2–9 and the Latin capitals without I and O (32 characters).
pub const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Characters of a number, the check character included.
pub const LEN: usize = 16;
/// A certificate is valid this many years from its issue.
pub const VALID_YEARS: i16 = 3;
/// The largest face value one certificate may have: 1 000 000 ₽.
pub const MAX_VALUE: Kopecks = Kopecks::roubles(1_000_000);
/// The most certificates one issue makes.
pub const MAX_COUNT: u32 = 10_000;

/// The demo's unused certificate (README): 3 000 ₽, by number or by code word.
pub const DEMO_NUMBER: &str = "KABN-ETDE-M234-567X";
pub const DEMO_CODE_WORD: &str = "подарок-радуга-чайник-сказка";
pub const DEMO_VALUE: Kopecks = Kopecks::roubles(3_000);
/// What the demo customer already activated: 5 000 ₽ on the balance.
pub const DEMO_ACTIVATED_VALUE: Kopecks = Kopecks::roubles(5_000);

fn index(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|i| i as u32)
}

/// The Luhn mod 32 sum of `chars` (indexes into [`ALPHABET`]), doubling every second one from
/// the right starting with the first when `check_included` is false.
fn luhn_sum(chars: &[u32], double_first_from_right: bool) -> u32 {
    let mut double = double_first_from_right;
    let mut sum = 0;
    for &c in chars.iter().rev() {
        let addend = if double { c * 2 } else { c };
        sum += addend / 32 + addend % 32;
        double = !double;
    }
    sum
}

/// The check character of 15 characters of the alphabet (Luhn mod N with N = 32): it catches
/// every single wrong character and every swap of two neighbours but one pair.
pub fn check_char(body: &[u8]) -> Option<u8> {
    let idx: Vec<u32> = body.iter().map(|&c| index(c)).collect::<Option<_>>()?;
    let sum = luhn_sum(&idx, true);
    Some(ALPHABET[((32 - sum % 32) % 32) as usize])
}

/// A certificate's number in its canonical form: 16 characters of [`ALPHABET`] whose last is
/// the check character.
#[derive(Clone, PartialEq, Eq)]
pub struct Number([u8; LEN]);

impl std::fmt::Debug for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Number({})", self.masked())
    }
}

impl Number {
    /// A new random number (the OS random source; 32 divides 256, so each character is uniform).
    pub fn random() -> Number {
        let mut bytes = [0u8; LEN - 1];
        getrandom::fill(&mut bytes).expect("OS random source");
        let mut n = [0u8; LEN];
        for (i, b) in bytes.iter().enumerate() {
            n[i] = ALPHABET[(b % 32) as usize];
        }
        n[LEN - 1] = check_char(&n[..LEN - 1]).expect("alphabet characters");
        Number(n)
    }

    /// 16 characters (already upper-case, no separators): each of the alphabet and the last
    /// the right check character.
    fn from_canonical(s: &[u8]) -> Option<Number> {
        if s.len() != LEN {
            return None;
        }
        let check = check_char(&s[..LEN - 1])?;
        if s[LEN - 1] != check {
            return None;
        }
        let mut n = [0u8; LEN];
        n.copy_from_slice(s);
        Some(Number(n))
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII")
    }

    /// `XXXX-XXXX-XXXX-XXXX`.
    pub fn display(&self) -> String {
        let s = self.as_str();
        format!("{}-{}-{}-{}", &s[..4], &s[4..8], &s[8..12], &s[12..])
    }

    /// `KABN-••••-••••-567X`: names the certificate without making it usable.
    pub fn masked(&self) -> String {
        let s = self.as_str();
        format!("{}-••••-••••-{}", &s[..4], &s[12..])
    }
}

/// A code word in its canonical form: four words of the list joined by hyphens.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeWord(String);

impl std::fmt::Debug for CodeWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeWord(…)")
    }
}

impl CodeWord {
    pub const WORDS: usize = 4;

    /// Four random words of the list (uniform: rejection sampling of the random bytes).
    pub fn random() -> CodeWord {
        let n = words::WORDS.len() as u32;
        let zone = u32::MAX - u32::MAX % n;
        let mut picked = Vec::with_capacity(Self::WORDS);
        while picked.len() < Self::WORDS {
            let r = getrandom::u32().expect("OS random source");
            if r < zone {
                picked.push(words::WORDS[(r % n) as usize]);
            }
        }
        CodeWord(picked.join("-"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the customer typed, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    Number(Number),
    Word(CodeWord),
}

/// A Cyrillic capital that looks like a Latin one of the alphabet (a number typed on the
/// Russian layout), as that Latin letter.
fn latin_look_alike(c: char) -> char {
    match c {
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'У' => 'Y',
        'Х' => 'X',
        other => other,
    }
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '_' | ',' | '.' | '/')
}

/// Understands a typed number or code word. Nothing typed → `certificate_code_required`;
/// anything that cannot be a certificate (a wrong check character, a character outside the
/// alphabet, a wrong length, a word not on the list) → `certificate_typo`. Neither is a lookup.
pub fn parse(typed: &str) -> AppResult<Code> {
    use unicode_normalization::UnicodeNormalization;
    // Full-width forms and the like become plain ones.
    let text: String = typed.nfkc().collect();
    let tokens: Vec<String> = text
        .split(is_separator)
        .filter(|t| !t.is_empty())
        .map(|t| t.to_lowercase().replace('ё', "е"))
        .collect();
    if tokens.is_empty() {
        return Err(AppError::bad_request("certificate_code_required"));
    }
    let typo = || AppError::bad_request("certificate_typo");
    if tokens.len() == CodeWord::WORDS && tokens.iter().all(|t| words::WORDS.contains(&t.as_str()))
    {
        return Ok(Code::Word(CodeWord(tokens.join("-"))));
    }
    let joined: String = tokens
        .concat()
        .chars()
        .map(|c| latin_look_alike(c.to_uppercase().next().unwrap_or(c)))
        .collect();
    if joined.is_ascii() {
        return Number::from_canonical(joined.as_bytes())
            .map(Code::Number)
            .ok_or_else(typo);
    }
    // Words (Cyrillic, not a number), but not four words of the list.
    Err(typo())
}

/// HMAC-SHA256 of a code under the server's `certificates` key, hex.
pub fn code_hash(key: &[u8], code: &Code) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    match code {
        Code::Number(n) => {
            mac.update(b"number\x1f");
            mac.update(n.as_str().as_bytes());
        }
        Code::Word(w) => {
            mac.update(b"word\x1f");
            mac.update(w.as_str().as_bytes());
        }
    }
    hex::encode(mac.finalize().into_bytes())
}

/// When a certificate issued at `now` expires: [`VALID_YEARS`] calendar years later (UTC).
pub fn expiry(now: i64) -> i64 {
    jiff::Timestamp::from_millisecond(now)
        .ok()
        .and_then(|t| {
            t.to_zoned(jiff::tz::TimeZone::UTC)
                .checked_add(jiff::Span::new().years(VALID_YEARS))
                .ok()
        })
        .map_or(now + i64::from(VALID_YEARS) * 365 * 86_400_000, |z| {
            z.timestamp().as_millisecond()
        })
}

/// A certificate as issued: the only moment its number and code word are known.
#[derive(Debug, Clone)]
pub struct Issued {
    pub number: Number,
    pub code_word: CodeWord,
    pub value: Kopecks,
    pub expires_at: i64,
}

/// Issues `count` certificates of `value` each, in one transaction; prints nothing, stores only
/// hashes. A value ≤ 0 or over [`MAX_VALUE`] → `invalid_certificate_value`; a count of 0 or
/// over [`MAX_COUNT`] → `invalid_certificate_count`.
#[tracing::instrument(skip_all)]
pub async fn issue(
    db: &Db,
    key: &[u8],
    value: Kopecks,
    count: u32,
    now: i64,
) -> AppResult<Vec<Issued>> {
    if !value.is_positive() || value > MAX_VALUE {
        return Err(AppError::bad_request("invalid_certificate_value"));
    }
    if count == 0 || count > MAX_COUNT {
        return Err(AppError::bad_request("invalid_certificate_count"));
    }
    let expires_at = expiry(now);
    let mut out = Vec::with_capacity(count as usize);
    let mut tx = begin_write(db).await?;
    while out.len() < count as usize {
        let (number, code_word) = (Number::random(), CodeWord::random());
        let stored = store::insert(
            &mut tx,
            &store::NewCertificate {
                id: &new_id(),
                number_hash: &code_hash(key, &Code::Number(number.clone())),
                word_hash: &code_hash(key, &Code::Word(code_word.clone())),
                masked: &number.masked(),
                value: value.get(),
                created_at: now,
                expires_at,
            },
        )
        .await?;
        // A number or a code word already taken (rare): draw again.
        if stored {
            out.push(Issued {
                number,
                code_word,
                value,
                expires_at,
            });
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// A successful activation.
#[derive(Debug, Clone)]
pub struct Activated {
    pub amount: Kopecks,
    /// The balance right after the credit.
    pub balance: Kopecks,
    /// The masked number, as the history names it.
    pub masked: String,
}

fn failures_key(customer: &str) -> String {
    format!("certfail:{customer}")
}

/// Activates a certificate by number or code word onto the customer's balance, exactly once.
#[tracing::instrument(skip_all)]
pub async fn activate(state: &AppState, customer: &str, typed: &str) -> AppResult<Activated> {
    let code = parse(typed)?;
    let now = state.clock.now_ms();
    let key = failures_key(customer);
    let cap = state.config.limits.certificate_failures_per_hour;
    // The try is reserved before the lookup: racing tries find the exact cap.
    if limits::reserve(crate::db::autocommit(&state.db), &key, HOUR_MS, cap, now)
        .await?
        .is_none()
    {
        return Err(AppError::too_many(
            "too_many_certificate_attempts",
            Window::of(now, HOUR_MS).retry_after_secs(now),
        ));
    }
    let hash = code_hash(&state.keys.certificates, &code);
    let column = match code {
        Code::Number(_) => store::By::Number,
        Code::Word(_) => store::By::Word,
    };
    let mut tx = begin_write(&state.db).await?;
    let Some(claimed) = store::claim(&mut tx, column, &hash, customer, now).await? else {
        drop(tx);
        // Unknown, used or expired: one answer, and the reservation stays (a failure).
        return Err(AppError::bad_request("invalid_certificate"));
    };
    let amount = Kopecks::new(claimed.value);
    let credited = crate::balance::credit(
        &mut tx,
        customer,
        Movement {
            amount,
            kind: EntryKind::Certificate,
            key: &format!("certificate:{}", claimed.id),
            reference: &claimed.masked,
        },
        now,
    )
    .await?;
    if !credited {
        // The claim is exclusive, so its key cannot be on record: the books would be wrong.
        return Err(AppError::internal(format!(
            "certificate {} was credited before it was claimed",
            claimed.id
        )));
    }
    let balance = crate::balance::current(&mut tx, customer).await?;
    tx.commit().await?;
    // A success is no failure: its reservation goes back.
    limits::release(crate::db::autocommit(&state.db), &key, HOUR_MS, now).await?;
    Ok(Activated {
        amount,
        balance,
        masked: claimed.masked,
    })
}

/// A certificate the customer activated, as their page lists it.
#[derive(Debug, Clone)]
pub struct Mine {
    pub masked: String,
    pub value: Kopecks,
    pub activated_at: i64,
}

/// The customer's activated certificates, newest first (at most 50).
pub async fn activated_by(db: &Db, customer: &str) -> AppResult<Vec<Mine>> {
    Ok(store::activated_by(db, customer, 50)
        .await?
        .into_iter()
        .map(|r| Mine {
            masked: r.masked,
            value: Kopecks::new(r.value),
            activated_at: r.activated_at,
        })
        .collect())
}

/// The demo's certificates (development only; idempotent): the unused one of README
/// ([`DEMO_NUMBER`], [`DEMO_CODE_WORD`], 3 000 ₽), and — once — a 5 000 ₽ one the demo customer
/// has activated onto their balance.
pub async fn seed_demo(
    db: &Db,
    key: &[u8],
    demo_customer: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let number = match parse(DEMO_NUMBER) {
        Ok(Code::Number(n)) => n,
        _ => return Err(sqlx::Error::Protocol("the demo number is invalid".into())),
    };
    let word = match parse(DEMO_CODE_WORD) {
        Ok(Code::Word(w)) => w,
        _ => {
            return Err(sqlx::Error::Protocol(
                "the demo code word is invalid".into(),
            ));
        }
    };
    let mut tx = begin_write(db).await?;
    let mut wrote = store::insert(
        &mut tx,
        &store::NewCertificate {
            id: &new_id(),
            number_hash: &code_hash(key, &Code::Number(number.clone())),
            word_hash: &code_hash(key, &Code::Word(word)),
            masked: &number.masked(),
            value: DEMO_VALUE.get(),
            created_at: now,
            expires_at: expiry(now),
        },
    )
    .await?;
    const DEMO_KEY: &str = "demo-certificate";
    if let Some(customer) = demo_customer
        && crate::balance::moved(&mut tx, customer, DEMO_KEY)
            .await?
            .is_none()
    {
        let (number, at) = (Number::random(), now - 20 * 86_400_000);
        let id = new_id();
        let masked = number.masked();
        store::insert(
            &mut tx,
            &store::NewCertificate {
                id: &id,
                number_hash: &code_hash(key, &Code::Number(number)),
                word_hash: &code_hash(key, &Code::Word(CodeWord::random())),
                masked: &masked,
                value: DEMO_ACTIVATED_VALUE.get(),
                created_at: at - 86_400_000,
                expires_at: expiry(at - 86_400_000),
            },
        )
        .await?;
        store::claim_by_id(&mut tx, &id, customer, at).await?;
        crate::balance::credit(
            &mut tx,
            customer,
            Movement {
                amount: DEMO_ACTIVATED_VALUE,
                kind: EntryKind::Certificate,
                key: DEMO_KEY,
                reference: &masked,
            },
            at,
        )
        .await?;
        wrote = true;
    }
    tx.commit().await?;
    Ok(wrote)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alphabet_has_no_look_alikes_and_32_distinct_characters() {
        for c in [b'O', b'0', b'I', b'1'] {
            assert!(!ALPHABET.contains(&c), "{}", c as char);
        }
        let mut sorted = ALPHABET.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 32);
        assert!(
            ALPHABET
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
    }

    #[test]
    fn random_numbers_use_the_alphabet_and_carry_their_check_character() {
        for _ in 0..1000 {
            let n = Number::random();
            let s = n.display();
            assert_eq!(s.len(), 19);
            assert_eq!(s.matches('-').count(), 3);
            assert!(
                s.bytes()
                    .filter(|&c| c != b'-')
                    .all(|c| ALPHABET.contains(&c))
            );
            assert_eq!(parse(&s).unwrap(), Code::Number(n.clone()));
            assert_eq!(luhn_sum(&n.0.map(|c| index(c).unwrap()), false) % 32, 0);
        }
    }

    #[test]
    fn every_single_wrong_character_and_every_neighbour_swap_but_one_is_a_typo() {
        let n = Number::random();
        for i in 0..LEN {
            for &c in ALPHABET.iter().filter(|&&c| c != n.0[i]) {
                let mut bad = n.0;
                bad[i] = c;
                assert!(Number::from_canonical(&bad).is_none(), "{i}: {}", c as char);
            }
        }
        // Luhn mod N misses only the swap of the two characters whose indexes are 0 and N-1
        // ("2" and "Z" here); every other swap of two different neighbours is caught.
        let mut caught = 0;
        let mut swaps = 0;
        for _ in 0..200 {
            let n = Number::random();
            for i in 0..LEN - 1 {
                if n.0[i] == n.0[i + 1] {
                    continue;
                }
                let mut bad = n.0;
                bad.swap(i, i + 1);
                swaps += 1;
                let pair = [n.0[i], n.0[i + 1]];
                if Number::from_canonical(&bad).is_none() {
                    caught += 1;
                } else {
                    assert!(pair == *b"2Z" || pair == *b"Z2", "{pair:?}");
                }
            }
        }
        assert!(caught > swaps * 99 / 100, "{caught} of {swaps}");
    }

    #[test]
    fn numbers_are_read_in_any_spacing_case_and_form() {
        let want = parse("KABN-ETDE-M234-567X").unwrap();
        for typed in [
            "kabn etde m234 567x",
            "KABNETDEM234567X",
            " kabn-etde-m234-567x ",
            "KABN‑ETDE‑M234‑567X",
            "ＫＡＢＮ－ＥＴＤＥ－Ｍ２３４－５６７Ｘ",
            "КАВN ЕТDЕ М234 567Х", // Cyrillic К, А, В, Е, Т, М, Х
            "kabn\u{a0}etde\u{a0}m234\u{a0}567x",
        ] {
            assert_eq!(parse(typed).unwrap(), want, "{typed}");
        }
        let Code::Number(n) = want else {
            panic!("a number")
        };
        assert_eq!(n.display(), DEMO_NUMBER);
    }

    #[test]
    fn typos_and_blanks_are_told_apart_from_unknown_codes() {
        let code = |s: &str| parse(s).unwrap_err().code;
        assert_eq!(code("   "), "certificate_code_required");
        for typo in [
            "KABN-ETDE-M234-567W",  // wrong check character
            "KABN-ETDE-M234-56",    // too short
            "KABN-ETDE-M234-567XX", // too long
            "KABO-ETDE-M234-567X",  // O is not in the alphabet
            "KAB1-ETDE-M234-567X",  // nor 1
            "подарок-радуга-чайник",
            "подарок-радуга-чайник-сказочка",
            "подарок радуга чайник сказка море",
        ] {
            assert_eq!(code(typo), "certificate_typo", "{typo}");
        }
    }

    #[test]
    fn code_words_are_four_words_of_the_list_in_any_case_and_spacing() {
        let want = Code::Word(CodeWord(DEMO_CODE_WORD.into()));
        for typed in [
            "подарок-радуга-чайник-сказка",
            "Подарок Радуга Чайник Сказка",
            "  ПОДАРОК,  радуга — чайник  сказка ",
        ] {
            assert_eq!(parse(typed).unwrap(), want, "{typed}");
        }
        // «ё» is read as «е».
        assert!(parse("самолёт костёр берёза клён").is_ok());
        for _ in 0..100 {
            let w = CodeWord::random();
            assert_eq!(w.as_str().split('-').count(), 4);
            assert_eq!(parse(w.as_str()).unwrap(), Code::Word(w));
        }
    }

    #[test]
    fn the_word_list_is_long_distinct_and_plain() {
        let mut sorted = words::WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), words::WORDS.len(), "no word twice");
        assert!(words::WORDS.len() >= 512, "≥ 36 bits in four words");
        for w in words::WORDS {
            assert!(
                w.chars().all(|c| ('а'..='я').contains(&c)) && !w.is_empty(),
                "{w}: lower-case Russian letters, no «ё»"
            );
        }
    }

    #[test]
    fn hashes_depend_on_the_key_and_the_kind_and_hide_the_code() {
        let n = parse(DEMO_NUMBER).unwrap();
        let w = parse(DEMO_CODE_WORD).unwrap();
        let h = code_hash(b"key one", &n);
        assert_eq!(h, code_hash(b"key one", &n));
        assert_ne!(h, code_hash(b"key two", &n));
        assert_ne!(h, code_hash(b"key one", &w));
        assert_eq!(h.len(), 64);
        assert!(!h.contains("KABN"));
        let Code::Number(n) = n else { unreachable!() };
        assert_eq!(n.masked(), "KABN-••••-••••-567X");
    }

    #[test]
    fn certificates_are_valid_three_calendar_years() {
        let issued = jiff::civil::date(2026, 11, 30)
            .at(12, 0, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_millisecond();
        let want = jiff::civil::date(2029, 11, 30)
            .at(12, 0, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_millisecond();
        assert_eq!(expiry(issued), want);
    }
}
