//! Payment rules and the sandbox acquirer (PRODUCT S5). The sandbox behaves like a real one:
//! brands recognised by number, Luhn, expiry and CVC checked; numbers ending 0002 are
//! declined «Недостаточно средств», numbers ending 0010 need a 3-D Secure confirmation
//! ([`SANDBOX_CARDS`] lists test numbers that pass the Luhn check: `2200 0000 0000 0002`
//! does not, so the README names whole numbers).
//! A card number is never stored: only brand and last 4 digits.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brand {
    Mir,
    Visa,
    Mastercard,
    Amex,
}

/// E-wallets the sandbox plays: the customer is sent to the wallet's page to confirm.
pub const WALLETS: &[&str] = &["yoomoney", "webmoney", "qiwi", "paypal"];

/// A provider token for a saved card (the sandbox's stand-in for the acquirer's).
pub fn card_token() -> String {
    format!("sandbox_tok_{}", crate::domain::identity::new_token())
}

/// A brand as people know it in `l`: «Мир» (Mir in English), «Visa», «Mastercard»…
pub fn brand_name_in(brand: &str, l: crate::i18n::Locale) -> &str {
    match (brand, l) {
        ("mir", crate::i18n::Locale::En) => "Mir",
        _ => brand_name(brand),
    }
}

/// A brand as people know it: «Мир», «Visa», «Mastercard», «American Express».
pub fn brand_name(brand: &str) -> &str {
    match brand {
        "mir" => "Мир",
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        other => other,
    }
}

impl Brand {
    pub fn as_str(self) -> &'static str {
        match self {
            Brand::Mir => "mir",
            Brand::Visa => "visa",
            Brand::Mastercard => "mastercard",
            Brand::Amex => "amex",
        }
    }
}

/// A card as entered, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub brand: Brand,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardError {
    Number,
    Brand,
    Expired,
    Cvc,
}

impl CardError {
    pub fn code(self) -> &'static str {
        match self {
            CardError::Number => "invalid_card_number",
            CardError::Brand => "card_brand_not_supported",
            CardError::Expired => "card_expired",
            CardError::Cvc => "invalid_cvc",
        }
    }
}

pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

pub fn brand(digits: &str) -> Option<Brand> {
    let p2: u32 = digits.get(..2)?.parse().ok()?;
    let p4: u32 = digits.get(..4)?.parse().ok()?;
    match (digits.len(), p2, p4) {
        (16..=19, _, 2200..=2204) => Some(Brand::Mir),
        (13 | 16 | 19, _, _) if digits.starts_with('4') => Some(Brand::Visa),
        (16, 51..=55, _) | (16, _, 2221..=2720) => Some(Brand::Mastercard),
        (15, 34 | 37, _) => Some(Brand::Amex),
        _ => None,
    }
}

/// Checks number (spaces and dashes allowed), expiry against `(year, month)` now, and CVC.
pub fn check_card(
    number: &str,
    exp_month: u32,
    exp_year: u32,
    cvc: &str,
    now: (i32, u32),
) -> Result<Card, CardError> {
    let digits: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.len() < 13
        || digits.len() > 19
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !luhn(&digits)
    {
        return Err(CardError::Number);
    }
    let brand = brand(&digits).ok_or(CardError::Brand)?;
    let year = if exp_year < 100 {
        2000 + exp_year as i32
    } else {
        exp_year as i32
    };
    if !(1..=12).contains(&exp_month) || (year, exp_month) < now || year > now.0 + 20 {
        return Err(CardError::Expired);
    }
    let cvc_len = if brand == Brand::Amex { 4 } else { 3 };
    if cvc.len() != cvc_len || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CardError::Cvc);
    }
    Ok(Card {
        brand,
        last4: digits[digits.len() - 4..].to_owned(),
        exp_month,
        exp_year: year as u32,
    })
}

/// What the sandbox acquirer says to a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Approved,
    /// «Недостаточно средств».
    Declined,
    /// The customer must confirm on a 3-D Secure page.
    NeedsConfirmation,
}

/// The sandbox decides by the last digits, so a saved card behaves like the card it stands for.
/// Bank bonuses «Спасибо» (1 bonus = 1 ₽): every card in the sandbox bank starts with 3 000.
pub const SPASIBO_SANDBOX_GRANT: i64 = 300_000;

/// The most of an order bonuses may pay: 99 %, so the card always pays a part.
pub fn spasibo_limit(total: i64) -> i64 {
    total * 99 / 100
}

/// The sandbox's test cards (README), each with what the sandbox answers: every number passes
/// the Luhn check, and the last four digits decide.
pub const SANDBOX_CARDS: &[(&str, Outcome)] = &[
    ("2200 0000 0000 0004", Outcome::Approved),
    ("4111 1111 1111 1111", Outcome::Approved),
    ("2200 1000 0000 0002", Outcome::Declined),
    ("4000 0000 0000 0002", Outcome::Declined),
    ("2200 1000 0000 0010", Outcome::NeedsConfirmation),
    ("4000 0000 0000 0010", Outcome::NeedsConfirmation),
];

pub fn sandbox_charge(last4: &str) -> Outcome {
    match last4 {
        "0002" => Outcome::Declined,
        "0010" => Outcome::NeedsConfirmation,
        _ => Outcome::Approved,
    }
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Approved => "approved",
            Outcome::Declined => "declined",
            Outcome::NeedsConfirmation => "needs_confirmation",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Outcome::Approved,
            Outcome::Declined,
            Outcome::NeedsConfirmation,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

pub mod cards;
pub mod provider;
pub mod sandbox;
pub mod store;
pub mod tenders;

pub use provider::{ChargeRequest, Instrument, PaymentProvider, ProviderError};
pub use store::SavedCard;
pub use tenders::{Refused, Tender};

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: (i32, u32) = (2026, 11);

    #[test]
    fn brands_by_number() {
        assert_eq!(
            check_card("2200 0000 0000 0004", 12, 2030, "123", NOW)
                .unwrap()
                .brand,
            Brand::Mir
        );
        assert_eq!(
            check_card("4111-1111-1111-1111", 12, 30, "123", NOW)
                .unwrap()
                .brand,
            Brand::Visa
        );
        assert_eq!(
            check_card("5555555555554444", 1, 2027, "123", NOW)
                .unwrap()
                .brand,
            Brand::Mastercard
        );
        assert_eq!(
            check_card("378282246310005", 1, 2027, "1234", NOW)
                .unwrap()
                .brand,
            Brand::Amex
        );
    }

    #[test]
    fn bad_cards_are_refused_with_a_reason() {
        assert_eq!(
            check_card("4111111111111112", 12, 2030, "123", NOW),
            Err(CardError::Number)
        );
        assert_eq!(
            check_card("abcd", 12, 2030, "123", NOW),
            Err(CardError::Number)
        );
        assert_eq!(
            check_card("6011111111111117", 12, 2030, "123", NOW),
            Err(CardError::Brand)
        );
        assert_eq!(
            check_card("4111111111111111", 10, 2026, "123", NOW),
            Err(CardError::Expired)
        );
        assert_eq!(
            check_card("4111111111111111", 13, 2030, "123", NOW),
            Err(CardError::Expired)
        );
        assert_eq!(
            check_card("4111111111111111", 12, 2030, "12", NOW),
            Err(CardError::Cvc)
        );
        assert_eq!(
            check_card("378282246310005", 12, 2030, "123", NOW),
            Err(CardError::Cvc)
        );
        assert!(
            check_card("4111111111111111", 11, 2026, "123", NOW).is_ok(),
            "valid through its month"
        );
    }

    #[test]
    fn the_sandbox_declines_0002_and_asks_3ds_for_0010() {
        let ok = check_card("2200000000000004", 12, 2030, "123", NOW).unwrap();
        assert_eq!(sandbox_charge(&ok.last4), Outcome::Approved);
        // Luhn-valid numbers with those endings.
        let declined = check_card("4000000000000002", 12, 2030, "123", NOW).unwrap();
        assert_eq!(sandbox_charge(&declined.last4), Outcome::Declined);
        let three_ds = check_card("4000000000000010", 12, 2030, "123", NOW).unwrap();
        assert_eq!(sandbox_charge(&three_ds.last4), Outcome::NeedsConfirmation);
        assert_eq!(ok.last4, "0004");
    }

    #[test]
    fn the_sandbox_test_cards_pass_luhn_and_get_their_answer() {
        for (number, outcome) in SANDBOX_CARDS {
            let digits: String = number.chars().filter(char::is_ascii_digit).collect();
            assert!(luhn(&digits), "{number}");
            let card = check_card(number, 12, 2030, "123", NOW).unwrap();
            assert_eq!(sandbox_charge(&card.last4), *outcome, "{number}");
        }
        // What a reader of «numbers ending 0002» would type after the Mir card: not a card.
        assert!(!luhn("2200000000000002") && !luhn("2200000000000010"));
    }
}
