//! 54-ФЗ receipts («кассовый чек»): one for every payment of an order and one for every refund.
//!
//! A receipt is written in the same transaction as the state change it records (the order
//! becoming paid, a paid order cancelled) by one `INSERT … ON CONFLICT DO NOTHING` on
//! (order, kind, source), so settling or cancelling raced by many callers writes it once. The
//! fiscal operator (ОФД with its cash register; the sandbox here, [`FiscalOperator`]) registers
//! it after the commit, idempotently by the receipt's id, and answers the fiscal fields — ФН
//! (the fiscal drive's number), ФД (the document's number), ФП (the fiscal sign). A receipt
//! the operator could not be asked about stays unregistered and the reconciler asks again.
//!
//! A receipt covers every tender of the order («totals by tender»): card, СБП and wallet are
//! «безналичными»; bonuses «Спасибо» are «встречное предоставление»; points and the account
//! balance are «предоплата (зачёт аванса)».

pub mod receipts;
pub mod sandbox;
pub mod store;

use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;

pub use receipts::*;

/// VAT included in every price, per cent (the sandbox shop sells everything at 20 %).
pub const VAT_RATE: i64 = 20;

/// The VAT included in `amount` kopecks at `rate` per cent, rounded to the nearest kopeck.
pub fn vat_included(amount: i64, rate: i64) -> i64 {
    let den = 100 + rate;
    (amount * rate * 2 + den) / (2 * den)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ReceiptKind)]
pub enum Kind {
    /// «Приход»: the customer paid.
    Payment,
    /// «Возврат прихода»: the money went back.
    Refund,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Payment => "payment",
            Kind::Refund => "refund",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Kind::Payment, Kind::Refund]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One line of a receipt («предмет расчёта»).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub title: String,
    /// Who supplies it (the marketplace sells as the seller's agent).
    pub seller: String,
    pub qty: i64,
    /// Kopecks per unit, VAT included.
    pub price: i64,
    /// `price × qty`, kopecks.
    pub total: i64,
    /// Per cent.
    pub vat_rate: i64,
    /// The VAT in `total`, kopecks.
    pub vat: i64,
}

impl Item {
    /// A line at the shop's VAT rate.
    pub fn new(title: &str, seller: &str, qty: i64, price: i64) -> Self {
        let total = price * qty;
        Item {
            title: title.to_owned(),
            seller: seller.to_owned(),
            qty,
            price,
            total,
            vat_rate: VAT_RATE,
            vat: vat_included(total, VAT_RATE),
        }
    }
}

/// How much one tender paid (or gets back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderSum {
    /// `card`, `sbp`, `wallet`, `spasibo`, `points` or `balance`.
    pub kind: String,
    /// Kopecks.
    pub amount: i64,
}

impl TenderSum {
    /// The 54-ФЗ form of payment: `cashless` (card, СБП, wallet), `prepaid` (points, balance,
    /// certificates: «зачёт предоплаты»), `consideration` (bank bonuses: «встречное
    /// предоставление»).
    pub fn form(&self) -> &'static str {
        match self.kind.as_str() {
            "points" | "balance" | "certificate" => "prepaid",
            "spasibo" => "consideration",
            _ => "cashless",
        }
    }
}

/// What the fiscal operator answers for a registered receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Fiscal {
    /// ФН: the fiscal drive's number, 16 digits.
    #[serde(rename = "fn")]
    pub fn_: String,
    /// ФД: the fiscal document's number.
    pub fd: i64,
    /// ФП: the fiscal sign, 10 digits.
    pub fp: String,
}

/// A receipt as kept.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub id: String,
    pub order_id: String,
    pub kind: Kind,
    /// Ms.
    pub at: i64,
    /// Kopecks.
    pub total: i64,
    pub items: Vec<Item>,
    pub tenders: Vec<TenderSum>,
    pub fiscal: Option<Fiscal>,
}

impl Receipt {
    /// The VAT of the whole receipt, kopecks.
    pub fn vat(&self) -> i64 {
        self.items.iter().map(|i| i.vat).sum()
    }
}

/// The operator could not be asked: the receipt stays unregistered and is asked about again.
#[derive(Debug, thiserror::Error)]
#[error("fiscal operator unavailable: {0}")]
pub struct OperatorError(pub String);

impl From<sqlx::Error> for OperatorError {
    fn from(e: sqlx::Error) -> Self {
        OperatorError(e.to_string())
    }
}

pub type Answer<'a, T> = Pin<Box<dyn Future<Output = Result<T, OperatorError>> + Send + 'a>>;

/// A fiscal data operator (ОФД) with its online cash register: a real one (АТОЛ Онлайн,
/// OrangeData, CloudKassir) implements it in one file beside `sandbox.rs` over its HTTP API.
pub trait FiscalOperator: Send + Sync {
    /// Registers `receipt` and answers its fiscal fields. Idempotent by the receipt's id: a
    /// repeated call gets the first answer, never a second document.
    fn register<'a>(&'a self, receipt: &'a Receipt) -> Answer<'a, Fiscal>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_is_included_and_rounded_to_the_kopeck() {
        // 1 200 ₽ at 20 %: 200 ₽ of VAT.
        assert_eq!(vat_included(120_000, 20), 20_000);
        // 99 ₽: 16,50 ₽.
        assert_eq!(vat_included(9_900, 20), 1_650);
        // 1 ₽: 0,1666… → 17 kopecks.
        assert_eq!(vat_included(100, 20), 17);
        assert_eq!(vat_included(0, 20), 0);
        let item = Item::new("Чайник", "ООО «Ромашка»", 3, 1_000);
        assert_eq!((item.total, item.vat), (3_000, 500));
    }

    #[test]
    fn tenders_have_their_54fz_form() {
        let form = |k: &str| {
            TenderSum {
                kind: k.into(),
                amount: 1,
            }
            .form()
        };
        assert_eq!(form("card"), "cashless");
        assert_eq!(form("sbp"), "cashless");
        assert_eq!(form("points"), "prepaid");
        assert_eq!(form("balance"), "prepaid");
        assert_eq!(form("spasibo"), "consideration");
        assert_eq!(Kind::parse("refund"), Some(Kind::Refund));
        assert_eq!(Kind::parse("x"), None);
    }
}
