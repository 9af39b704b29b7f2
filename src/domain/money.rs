//! Money: integer kopecks, said the Russian way.

/// Money for people: «1 299,00 ₽» (non-breaking spaces).
pub fn rubles(kopecks: i64) -> String {
    let sign = if kopecks < 0 { "-" } else { "" };
    let k = kopecks.unsigned_abs();
    let whole = (k / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped},{:02}\u{a0}₽", k % 100)
}

/// A price as people type it into a box — whole roubles, «1 500», «1500,00 ₽» — in kopecks;
/// `None` for an empty box. Anything else (letters, negative, over 100 million) is an error.
pub fn typed_roubles(s: &str) -> Result<Option<i64>, crate::error::AppError> {
    let s = s.replace([' ', '\u{a0}', '₽'], "");
    let whole = s.split([',', '.']).next().unwrap_or("");
    if whole.is_empty() {
        return Ok(None);
    }
    whole
        .parse::<i64>()
        .ok()
        .filter(|r| (0..=100_000_000).contains(r))
        .map(|r| Some(r * 100))
        .ok_or_else(|| crate::error::AppError::bad_request("invalid_price"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_prices_read_as_people_type_them() {
        assert_eq!(typed_roubles("").unwrap(), None);
        assert_eq!(typed_roubles("1 500").unwrap(), Some(150_000));
        assert_eq!(typed_roubles("1500,00 ₽").unwrap(), Some(150_000));
        assert!(typed_roubles("abc").is_err());
        assert!(typed_roubles("-5").is_err());
    }
}
