//! The «антиспам-код» picture (PRODUCT §3 `GET /captcha`): [`issue`] stores [`answer_hash`]
//! under a fresh captcha id (`store::insert_captcha`) and [`redeem`] compares it when the form
//! comes back.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use captcha::Captcha;
use captcha::filters::{Dots, Noise, Wave};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Characters in an answer.
pub const LENGTH: usize = 5;
/// Picture width in pixels.
pub const WIDTH: u32 = 220;
/// Picture height in pixels.
pub const HEIGHT: u32 = 80;

/// Capitals and digits that are hard to mistake for one another: no 0/O/Q/D, 1/I/L/J, 2/Z,
/// 5/S, 6/G, 8/B, 9/g, U/V, E/F. Answers are case-insensitive, so capitals alone suffice.
/// M and W are left out too: their glyphs (48 and 53 px) could push five characters past
/// the 220 px picture; every glyph here is at most 40 px wide, so five always fit.
const ALPHABET: &[char] = &[
    'A', 'C', 'E', 'H', 'K', 'N', 'P', 'R', 'T', 'X', 'Y', '3', '4', '7',
];

/// Makes a new captcha: the answer (as shown, capitals) and the picture as a
/// `data:image/png;base64,…` URL, about 220×80 pixels, with moderate noise and waves.
///
/// # Panics
/// If the `captcha` crate cannot encode a PNG three times running (it does not happen).
pub fn generate() -> (String, String) {
    for _ in 0..3 {
        let mut c = Captcha::new();
        c.set_chars(ALPHABET)
            .add_chars(LENGTH as u32)
            .apply_filter(Noise::new(0.1))
            .apply_filter(Wave::new(2.0, 6.0))
            .view(WIDTH, HEIGHT)
            .apply_filter(Dots::new(6).min_radius(2).max_radius(4));
        if let Some((answer, png)) = c.as_tuple()
            && answer.chars().count() == LENGTH
        {
            return (
                answer,
                format!("data:image/png;base64,{}", STANDARD.encode(png)),
            );
        }
    }
    panic!("captcha: could not render a picture");
}

/// The form of an answer that is compared: trimmed, without any whitespace, lower case.
pub fn normalize_answer(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Hex HMAC-SHA256 under `secret` of the captcha id and the normalised answer: what is
/// stored, so a database dump shows no answers and an answer fits only its own captcha.
pub fn answer_hash(secret: &[u8], captcha_id: &str, answer: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    for part in ["captcha", captcha_id, &normalize_answer(answer)] {
        mac.update(part.as_bytes());
        mac.update(b"\x1f");
    }
    hex::encode(mac.finalize().into_bytes())
}

/// How long a captcha may be answered.
const TTL_MS: i64 = 10 * 60_000;

/// A new captcha, stored only as an HMAC of its answer: 10 minutes, single use. With the dev
/// outbox on, the answer is put there (channel `captcha`, `to` = the captcha id) for tests.
/// Counted per address (hard cap only) before anything is drawn; drawn on the bounded CPU
/// pool, so a flood of requests gets 429 or 503 instead of every core.
pub async fn issue(
    state: &crate::state::AppState,
    ip: &str,
) -> crate::error::AppResult<(String, String)> {
    super::volume::guard(state, super::volume::Volume::Captchas, ip, None).await?;
    let (answer, image) = state.hasher.run(generate).await?;
    let id = crate::db::new_id();
    let now = state.clock.now_ms();
    let hash = answer_hash(&state.keys.captcha, &id, &answer);
    super::store::insert_captcha(&state.db, &id, &hash, now + TTL_MS).await?;
    crate::telemetry::captcha_shown();
    if let Some(dev) = state.notifier.dev_outbox() {
        dev.push(crate::notify::dev::DevItem {
            channel: "captcha".into(),
            to: id.clone(),
            text: answer.clone(),
            code: Some(answer),
            link: None,
            at: crate::clock::rfc3339(now),
        });
    }
    Ok((id, image))
}

/// Uses up a captcha (a wrong answer burns it too). Wrong, expired, reused and unknown
/// captchas are all `invalid_captcha`.
pub async fn redeem(
    state: &crate::state::AppState,
    id: &str,
    answer: &str,
) -> crate::error::AppResult<()> {
    let invalid = || crate::error::AppError::bad_request("invalid_captcha");
    if !crate::db::looks_like_id(id) {
        return Err(invalid());
    }
    let now = state.clock.now_ms();
    let stored = super::store::use_captcha(&state.db, id, now).await?;
    let given = answer_hash(&state.keys.captcha, id, answer);
    match stored {
        Some(h) if crate::auth::same_digest(&h, &given) => Ok(()),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

    #[test]
    fn generates_a_png_data_url_and_a_five_character_answer() {
        let (answer, url) = generate();
        assert_eq!(answer.chars().count(), LENGTH);
        assert!(answer.chars().all(|c| ALPHABET.contains(&c)), "{answer}");
        let b64 = url.strip_prefix("data:image/png;base64,").unwrap();
        let png = STANDARD.decode(b64).unwrap();
        assert!(png.starts_with(PNG_SIGNATURE));
        // IHDR: width and height, big-endian, at bytes 16..24.
        assert_eq!(png[16..20], WIDTH.to_be_bytes());
        assert_eq!(png[20..24], HEIGHT.to_be_bytes());
    }

    #[test]
    fn answers_vary() {
        let answers: std::collections::HashSet<_> = (0..10).map(|_| generate().0).collect();
        assert!(answers.len() > 1);
    }

    #[test]
    fn the_font_has_every_character_and_five_fit() {
        let supported = Captcha::new().supported_chars();
        assert!(ALPHABET.iter().all(|c| supported.contains(c)));
        for &ch in ALPHABET {
            let mut c = Captcha::new();
            c.set_chars(&[ch]).add_chars(1);
            let area = c.text_area();
            assert!(
                (area.right - area.left) * LENGTH as u32 <= WIDTH - 20,
                "{ch}"
            );
            assert!(area.bottom - area.top <= HEIGHT - 20, "{ch}");
        }
    }

    #[test]
    fn normalize_ignores_case_and_spaces() {
        assert_eq!(normalize_answer(" AbC 4 7\t"), "abc47");
        assert_eq!(normalize_answer("abc47"), normalize_answer("A B C 4 7"));
        assert_eq!(normalize_answer("\u{a0}XY3\u{a0}"), "xy3");
    }

    #[test]
    fn hash_depends_on_id_answer_and_secret() {
        let h = answer_hash(b"k", "id1", "AB3CD");
        assert_eq!(h.len(), 64);
        assert_eq!(h, answer_hash(b"k", "id1", " ab3 cd "));
        assert_ne!(h, answer_hash(b"k", "id2", "AB3CD"));
        assert_ne!(h, answer_hash(b"k", "id1", "AB3CE"));
        assert_ne!(h, answer_hash(b"k2", "id1", "AB3CD"));
    }
}
