//! Checkout, orders and purchased items (PRODUCT S5–S7).
//!
//! `POST /orders` turns the cart into an order inside one transaction: stock is reserved by
//! conditional updates (an order never oversells), the same `Idempotency-Key` never makes a
//! second order or charge, and a declined payment cancels the order and releases its stock.
//! Bank bonuses «Спасибо» pay part of a card payment (at most 99 %); they are spent inside the
//! order's transaction and come back when it is cancelled; so do status points (at most 25 %
//! of the goods) and the account balance, which may pay an order whole.
//!
//! Rooms: `checkout` (cart → order → charge), `settle` (payment attempts, refunds, the
//! reconciler), `status` (staff moves, cancelling, the demo's delivery), `store` (reading
//! orders, purchases and saved cards); the types an order is made of stay here.

pub mod api;
mod checkout;
pub mod pages;
mod settle;
mod status;
mod store;

pub use checkout::*;
pub use settle::*;
pub use status::*;
pub use store::*;

use crate::auth::sessions::Authenticated;
use crate::cart;
use crate::delivery::{self, Kind};
use crate::error::{AppError, AppResult};
use crate::payments::{self, Outcome};
use crate::state::AppState;
use serde::Serialize;

/// Unpaid orders are cancelled after this long.
pub const PAY_WITHIN_MS: i64 = 30 * 60_000;

pub use crate::domain::order::{OrderNumber, OrderStatus};

#[derive(Debug, Clone)]
pub enum Delivery {
    Courier { address: String },
    Point { id: String, kind: Kind },
}

/// Who collects the order (prefilled from the profile).
#[derive(Debug, Clone, Default)]
pub struct Recipient {
    pub name: String,
    /// As typed; checked and stored as E.164.
    pub phone: String,
}

/// What the customer's own accounts pay: bank bonuses «Спасибо» (kopecks, card payments only),
/// status points (whole points, at most a quarter of the goods) and, with `use_balance`, the
/// account balance for what those leave (as much as it has; the card or wallet pays the rest).
#[derive(Debug, Clone, Copy, Default)]
pub struct WalletUse {
    pub spasibo: i64,
    pub points: i64,
    pub use_balance: bool,
}

#[derive(Debug, Clone)]
pub enum Payment {
    /// A card as typed; `save` keeps its token, brand, last 4 and expiry for next time.
    Card {
        number: String,
        exp_month: u32,
        exp_year: u32,
        cvc: String,
        save: bool,
    },
    /// A card saved by an earlier payment: the returning customer only confirms.
    SavedCard { id: String },
    /// YooMoney, WebMoney, QIWI or PayPal: the customer confirms on the wallet's page.
    Wallet { provider: String },
    /// The account balance pays all that points and bonuses leave (`balance_not_enough` when it
    /// cannot).
    Balance,
    /// СБП: the customer pays from their bank's app (a QR code or a link on the bank's page).
    Sbp,
}

/// Delivery prices: courier 299 ₽; points free from 1 000 ₽ of goods, else 99 ₽.
pub fn delivery_cost(delivery: &Delivery, goods: i64) -> i64 {
    match delivery {
        Delivery::Courier { .. } => 29_900,
        Delivery::Point { .. } if goods >= 100_000 => 0,
        Delivery::Point { .. } => 9_900,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderLine {
    pub product_id: String,
    pub title: String,
    pub seller_id: String,
    pub seller_name: String,
    pub price: i64,
    pub quantity: i64,
    pub line_total: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Event {
    pub status: OrderStatus,
    pub at: String,
}

/// Where an order goes and who collects it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderDelivery {
    /// `pickup_point`, `parcel_locker` or `courier`.
    pub method: String,
    pub pickup_point_id: Option<String>,
    pub address: String,
    pub recipient: OrderRecipient,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderRecipient {
    pub name: String,
    pub phone: String,
}

/// How an order is paid, part by part: status points, bonuses «Спасибо», the account balance,
/// and the card (brand, last digits) or wallet for the rest.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderPayment {
    /// `card`, `wallet`, `sbp`, or `balance` when the account balance (with points) paid it all.
    pub method: String,
    pub card_brand: Option<String>,
    pub provider: Option<String>,
    pub card_last4: Option<String>,
    /// The order total, kopecks.
    pub amount: i64,
    /// Paid with bonuses «Спасибо», kopecks.
    pub spasibo: i64,
    /// Paid with status points, kopecks (1 point = 1 ₽).
    pub points: i64,
    /// Paid from the account balance, kopecks.
    pub balance: i64,
    /// Paid by the card or wallet, kopecks.
    pub card_amount: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Order {
    pub number: String,
    pub status: OrderStatus,
    pub placed_at: String,
    pub received_at: Option<String>,
    pub goods_total: i64,
    pub delivery_cost: i64,
    pub total: i64,
    pub delivery: OrderDelivery,
    pub payment: OrderPayment,
    pub lines: Vec<OrderLine>,
    pub timeline: Vec<Event>,
    /// Where the customer confirms the payment (3-D Secure, wallets, СБП), while it waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_url: Option<String>,
    /// The 54-ФЗ receipts («кассовый чек») of its payment and refunds, oldest first.
    pub receipts: Vec<OrderReceipt>,
}

/// A 54-ФЗ receipt of an order's payment or refund.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderReceipt {
    #[serde(skip)]
    pub id: String,
    /// `payment` («приход») or `refund` («возврат прихода»).
    pub kind: crate::fiscal::Kind,
    pub at: String,
    /// Kopecks.
    pub total: i64,
    /// ФН, ФД, ФП once the fiscal operator has registered it (`null` until then).
    pub fiscal: Option<crate::fiscal::Fiscal>,
    /// The receipt's page (the customer's own).
    pub url: String,
}

impl Order {
    /// Whether the money was ever taken (a cancelled order may have been paid and refunded).
    pub fn was_paid(&self) -> bool {
        self.timeline.iter().any(|e| e.status == OrderStatus::Paid)
    }
    /// How many items (the sum of quantities) the order holds.
    pub fn items_count(&self) -> i64 {
        self.lines.iter().map(|l| l.quantity).sum()
    }
    /// «Мир ·· 0004» for a card, the wallet's name for a wallet, «СБП», «Баланс средств».
    pub fn paid_with(&self, l: &crate::i18n::Locale) -> String {
        let p = &self.payment;
        if p.method == "balance" {
            return l.t("order-paid-balance-only");
        }
        if p.method == "sbp" {
            return l.t("pay-sbp");
        }
        match &p.provider {
            Some(w) => l.t(&format!("wallet-{w}")),
            None => format!(
                "{}\u{a0}·· {}",
                crate::payments::brand_name_in(p.card_brand.as_deref().unwrap_or(""), *l),
                p.card_last4.as_deref().unwrap_or("")
            ),
        }
    }
    pub fn by_courier(&self) -> bool {
        self.delivery.method == "courier"
    }
    /// Bonuses «Спасибо» spent on the order, kopecks.
    pub fn spasibo(&self) -> i64 {
        self.payment.spasibo
    }
    /// Paid from the account balance, kopecks.
    pub fn balance(&self) -> i64 {
        self.payment.balance
    }
    /// What the card or wallet pays (the total less bonuses).
    pub fn card_amount(&self) -> i64 {
        self.payment.card_amount
    }
}

/// The result of a checkout: the order, and whether it is paid (201) or waits for the
/// customer's confirmation (202).
pub struct Placed {
    pub order: Order,
    pub paid: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_prices() {
        let point = Delivery::Point {
            id: "p".into(),
            kind: Kind::PickupPoint,
        };
        assert_eq!(delivery_cost(&point, 99_999), 9_900);
        assert_eq!(delivery_cost(&point, 100_000), 0);
        assert_eq!(
            delivery_cost(
                &Delivery::Courier {
                    address: "x".into()
                },
                1_000_000
            ),
            29_900
        );
    }
}
