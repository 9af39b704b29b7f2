//! The sandbox acquirer (the first [`PaymentProvider`]). Like a real acquirer it keeps its own
//! books by the reference we send with each charge: a repeated charge gets the first answer,
//! and a status query after a crash tells what really happened. (Its books live in the table
//! `sandbox_payments`; a real provider keeps them on its side of an HTTP API.) It decides by
//! the card's last four digits (`SANDBOX_CARDS`); a wallet always waits for confirmation.

use super::provider::{Answer, ChargeRequest, Instrument, PaymentProvider};
use super::{Outcome, sandbox_charge};
use crate::db::Db;

pub struct Sandbox {
    db: Db,
}

impl Sandbox {
    pub fn new(db: Db) -> Self {
        Sandbox { db }
    }
}

impl PaymentProvider for Sandbox {
    fn charge<'a>(&'a self, req: ChargeRequest<'a>) -> Answer<'a, Outcome> {
        Box::pin(async move {
            let decision = match req.instrument {
                Instrument::Card { last4 } => sandbox_charge(last4),
                Instrument::Wallet { .. } => Outcome::NeedsConfirmation,
            };
            sqlx::query(
                "INSERT INTO sandbox_payments (reference, outcome, amount, at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (reference) DO NOTHING",
            )
            .bind(req.reference)
            .bind(decision.as_str())
            .bind(req.amount)
            .bind(req.now)
            .execute(&self.db)
            .await?;
            Ok(self.status(req.reference).await?.unwrap_or(decision))
        })
    }

    fn status<'a>(&'a self, reference: &'a str) -> Answer<'a, Option<Outcome>> {
        Box::pin(async move {
            let outcome: Option<String> =
                sqlx::query_scalar("SELECT outcome FROM sandbox_payments WHERE reference = $1")
                    .bind(reference)
                    .fetch_optional(&self.db)
                    .await?;
            Ok(outcome.as_deref().and_then(Outcome::parse))
        })
    }

    fn confirm<'a>(&'a self, reference: &'a str) -> Answer<'a, bool> {
        Box::pin(async move {
            Ok(sqlx::query(
                "UPDATE sandbox_payments SET outcome = 'approved' \
                 WHERE reference = $1 AND outcome = 'needs_confirmation' AND refunded_at IS NULL",
            )
            .bind(reference)
            .execute(&self.db)
            .await?
            .rows_affected()
                == 1)
        })
    }

    fn refund<'a>(&'a self, reference: &'a str, amount: Option<i64>, now: i64) -> Answer<'a, ()> {
        Box::pin(async move {
            // One conditional statement: never more than was charged, `refunded_at` once whole.
            sqlx::query(
                "UPDATE sandbox_payments SET \
                 refunded = CASE WHEN refunded + $3 > amount THEN amount ELSE refunded + $3 END, \
                 refunded_at = CASE WHEN refunded + $3 >= amount THEN $2 ELSE NULL END \
                 WHERE reference = $1 AND refunded_at IS NULL",
            )
            .bind(reference)
            .bind(now)
            .bind(amount.unwrap_or(i64::MAX / 4))
            .execute(&self.db)
            .await?;
            Ok(())
        })
    }
}
