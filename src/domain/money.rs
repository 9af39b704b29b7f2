//! Money: integer kopecks, said the Russian way.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// An amount of money in kopecks (RUB). Arithmetic is whole kopecks; shown the Russian way
/// («1 299,00 ₽») by `Display`. Serialised as the bare integer, as the API speaks.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Kopecks(i64);

impl Kopecks {
    pub const ZERO: Kopecks = Kopecks(0);

    pub const fn new(kopecks: i64) -> Self {
        Kopecks(kopecks)
    }
    /// Whole roubles (1 point = 1 ₽, face values, thresholds).
    pub const fn roubles(roubles: i64) -> Self {
        Kopecks(roubles * 100)
    }
    pub const fn get(self) -> i64 {
        self.0
    }
    /// The whole roubles in it, rounded down (points that an amount buys).
    pub const fn whole_roubles(self) -> i64 {
        self.0.div_euclid(100)
    }
    /// `percent` % of it, rounded down to a kopeck.
    pub const fn percent(self, percent: i64) -> Self {
        Kopecks(self.0 * percent / 100)
    }
    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl fmt::Display for Kopecks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&rubles(self.0))
    }
}

impl Add for Kopecks {
    type Output = Kopecks;
    fn add(self, o: Kopecks) -> Kopecks {
        Kopecks(self.0 + o.0)
    }
}

impl AddAssign for Kopecks {
    fn add_assign(&mut self, o: Kopecks) {
        self.0 += o.0;
    }
}

impl Sub for Kopecks {
    type Output = Kopecks;
    fn sub(self, o: Kopecks) -> Kopecks {
        Kopecks(self.0 - o.0)
    }
}

impl std::iter::Sum for Kopecks {
    fn sum<I: Iterator<Item = Kopecks>>(iter: I) -> Kopecks {
        Kopecks(iter.map(|k| k.0).sum())
    }
}

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
    fn kopecks_add_up_and_read_the_russian_way() {
        let price = Kopecks::roubles(1_299);
        assert_eq!(price.to_string(), "1\u{a0}299,00\u{a0}₽");
        assert_eq!((price + Kopecks::new(50)).get(), 129_950);
        assert_eq!((price - Kopecks::roubles(300)).whole_roubles(), 999);
        assert_eq!(Kopecks::new(5_099).percent(25), Kopecks::new(1_274));
        assert_eq!(
            Kopecks::new(-1).whole_roubles(),
            -1,
            "a debt never rounds up to nothing"
        );
        let total: Kopecks = [Kopecks::new(1), Kopecks::new(2)].into_iter().sum();
        assert_eq!(total, Kopecks::new(3));
        assert_eq!(serde_json::to_string(&price).unwrap(), "129900");
    }

    #[test]
    fn typed_prices_read_as_people_type_them() {
        assert_eq!(typed_roubles("").unwrap(), None);
        assert_eq!(typed_roubles("1 500").unwrap(), Some(150_000));
        assert_eq!(typed_roubles("1500,00 ₽").unwrap(), Some(150_000));
        assert!(typed_roubles("abc").is_err());
        assert!(typed_roubles("-5").is_err());
    }
}
