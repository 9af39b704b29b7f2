//! The sandbox acquirer (the first [`PaymentProvider`]). Like a real acquirer it keeps its own
//! books by the reference we send with each charge: a repeated charge gets the first answer,
//! and a status query after a crash tells what really happened. (Its books live in the table
//! `sandbox_payments`; a real provider keeps them on its side of an HTTP API.) It decides by
//! the card's last four digits (`SANDBOX_CARDS`); a wallet or СБП always waits for confirmation, which
//! the customer gives on the sandbox bank's own page (`/sandbox-bank/{reference}`, module
//! `acquirer`), never on a Kabinet page.

use super::provider::{Answer, ChargeRequest, Instrument, PaymentProvider};
use super::store::{self, SandboxCharge, SandboxPayment};
use super::{Outcome, sandbox_charge};
use crate::db::Db;

pub struct Sandbox {
    db: Db,
    /// Where the sandbox bank's pages are served (this server, under `/sandbox-bank/`).
    base_url: String,
}

impl Sandbox {
    pub fn new(db: Db, base_url: &str) -> Self {
        Sandbox {
            db,
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// What the bank's confirmation page shows: amount, instrument (`card:0010`,
    /// `wallet:yoomoney`, `sbp`), description, return URL, and whether the charge still waits.
    pub async fn payment(&self, reference: &str) -> Result<Option<SandboxPayment>, sqlx::Error> {
        store::sandbox_payment(&self.db, reference).await
    }

    /// The customer's answer on the bank's page: approve or refuse the waiting charge. False
    /// when nothing was waiting (answered, dropped, or past its time).
    pub async fn decide(
        &self,
        reference: &str,
        approve: bool,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let outcome = if approve {
            Outcome::Approved
        } else {
            Outcome::Declined
        };
        store::sandbox_decide(&self.db, reference, outcome.as_str(), now).await
    }
}

impl PaymentProvider for Sandbox {
    fn charge<'a>(&'a self, req: ChargeRequest<'a>) -> Answer<'a, Outcome> {
        Box::pin(async move {
            let (decision, instrument) = match req.instrument {
                Instrument::Card { last4 } => (sandbox_charge(last4), format!("card:{last4}")),
                Instrument::Wallet { provider } => {
                    (Outcome::NeedsConfirmation, format!("wallet:{provider}"))
                }
                Instrument::Sbp => (Outcome::NeedsConfirmation, "sbp".to_owned()),
            };
            store::sandbox_record(
                &self.db,
                SandboxCharge {
                    reference: req.reference,
                    outcome: decision.as_str(),
                    amount: req.amount,
                    instrument: &instrument,
                    description: req.description,
                    return_url: req.return_url,
                    expires_at: req.expires_at,
                    now: req.now,
                },
            )
            .await?;
            Ok(self.status(req.reference).await?.unwrap_or(decision))
        })
    }

    fn status<'a>(&'a self, reference: &'a str) -> Answer<'a, Option<Outcome>> {
        Box::pin(async move {
            let row = store::sandbox_payment(&self.db, reference).await?;
            Ok(row.and_then(|p| Outcome::parse(&p.outcome)))
        })
    }

    fn confirmation_url<'a>(&'a self, reference: &'a str) -> Answer<'a, Option<String>> {
        Box::pin(async move {
            Ok(match self.status(reference).await? {
                Some(Outcome::NeedsConfirmation) => {
                    Some(format!("{}/sandbox-bank/{reference}", self.base_url))
                }
                _ => None,
            })
        })
    }

    /// The sandbox has no two-stage payments: nothing waits for the merchant's capture.
    fn confirm<'a>(&'a self, _reference: &'a str) -> Answer<'a, bool> {
        Box::pin(async move { Ok(false) })
    }

    fn refund<'a>(&'a self, reference: &'a str, amount: Option<i64>, now: i64) -> Answer<'a, ()> {
        Box::pin(async move {
            // One conditional statement: never more than was charged, `refunded_at` once whole.
            store::sandbox_refund(&self.db, reference, amount.unwrap_or(i64::MAX / 4), now).await?;
            Ok(())
        })
    }
}
