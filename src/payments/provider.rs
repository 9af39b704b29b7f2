//! The payment seam: what Kabinet asks of an acquirer, whichever it is. A real one (ЮKassa,
//! CloudPayments, Tinkoff) implements [`PaymentProvider`] in one file beside `sandbox.rs`, keeps
//! its books on its side of an HTTP API, and shows its own confirmation page; checkout, the
//! settling of answers, refunds and the reconciler speak only this trait.

use super::Outcome;
use std::future::Future;
use std::pin::Pin;

/// A boxed future, so providers can be chosen at start-up (`Arc<dyn PaymentProvider>`).
pub type Answer<'a, T> = Pin<Box<dyn Future<Output = Result<T, ProviderError>> + Send + 'a>>;

/// What is charged. Kabinet never keeps a card number: the sandbox decides by the last digits;
/// a real provider gets a token or takes the card on its hosted page.
#[derive(Debug, Clone, Copy)]
pub enum Instrument<'a> {
    Card {
        last4: &'a str,
    },
    Wallet {
        provider: &'a str,
    },
    /// СБП (the fast payment system): the customer pays from their bank's app by a QR code
    /// or a link, so the charge always waits for them.
    Sbp,
}

/// One charge: `reference` is ours and unique per attempt, so a repeated call gets the first
/// answer and a status query after a crash tells what happened.
#[derive(Debug, Clone, Copy)]
pub struct ChargeRequest<'a> {
    pub reference: &'a str,
    /// Kopecks.
    pub amount: i64,
    pub instrument: Instrument<'a>,
    /// What the acquirer shows the customer about the payment: the shop's order number.
    pub description: &'a str,
    /// Where the acquirer's confirmation page sends the customer back.
    pub return_url: &'a str,
    /// Until when (ms) the customer may confirm; the acquirer refuses a confirmation after it.
    pub expires_at: i64,
    pub now: i64,
}

/// The acquirer could not be asked (network, its own outage): the attempt stays open and the
/// reconciler asks again.
#[derive(Debug, thiserror::Error)]
#[error("payment provider unavailable: {0}")]
pub struct ProviderError(pub String);

impl From<sqlx::Error> for ProviderError {
    fn from(e: sqlx::Error) -> Self {
        ProviderError(e.to_string())
    }
}

impl From<ProviderError> for crate::error::AppError {
    fn from(e: ProviderError) -> Self {
        crate::error::AppError::internal(e)
    }
}

/// The operations a real acquirer has.
pub trait PaymentProvider: Send + Sync {
    /// Creates a payment: approved, declined, or waiting for the customer's confirmation.
    fn charge<'a>(&'a self, req: ChargeRequest<'a>) -> Answer<'a, Outcome>;
    /// What the acquirer knows of `reference` (`None`: the charge never reached it).
    fn status<'a>(&'a self, reference: &'a str) -> Answer<'a, Option<Outcome>>;
    /// The acquirer's own page where the customer confirms a charge that waits for them
    /// (3-D Secure, a wallet's sign-in): Kabinet only sends the customer there, and learns the
    /// answer from [`PaymentProvider::status`] when the acquirer notifies it.
    fn confirmation_url<'a>(&'a self, reference: &'a str) -> Answer<'a, Option<String>>;
    /// Confirms a charge waiting for confirmation on the merchant's side (a two-stage
    /// payment's capture): false when nothing was waiting.
    fn confirm<'a>(&'a self, reference: &'a str) -> Answer<'a, bool>;
    /// Gives back `amount` kopecks of an approved charge (all of it when `None`), or drops a
    /// charge still waiting; repeating a full refund changes nothing.
    fn refund<'a>(&'a self, reference: &'a str, amount: Option<i64>, now: i64) -> Answer<'a, ()>;
}
