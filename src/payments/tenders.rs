//! An order's payment as a list of tenders: the parts that pay it, each from its own account.
//!
//! Inner tenders (bonuses «Спасибо», the customer's points and balance) are taken from
//! their account inside the checkout transaction by one conditional statement and given back
//! when the order is cancelled or never happens. The outer tender (a card, a wallet or СБП) is what
//! the acquirer charges once the order is on record; its money moves through payment attempts
//! (`settle` in orders), and its row here says which instrument pays how much.
//!
//! A new tender is one more variant: its `kind`, and one arm each in
//! [`hold`] and [`release`] calling its account's functions.

use super::store;
use crate::db::Conn;
use crate::domain::money::Kopecks;
use crate::domain::order::OrderNumber;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tender {
    /// Bank bonuses «Спасибо» on the paying card (1 bonus = 1 ₽).
    Spasibo {
        brand: String,
        last4: String,
        amount: Kopecks,
    },
    /// Status points (1 point = 1 ₽), at most a quarter of the goods.
    Points { points: i64 },
    /// Money on the customer's account («Баланс средств»).
    Balance { amount: Kopecks },
    /// What the acquirer charges to a card.
    Card {
        brand: String,
        last4: String,
        amount: Kopecks,
    },
    /// What the acquirer charges through an e-wallet.
    Wallet { provider: String, amount: Kopecks },
    /// What the acquirer charges through СБП (the customer's bank app).
    Sbp { amount: Kopecks },
}

/// An inner tender's account cannot pay its part: how much it has left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Spasibo {
        available: Kopecks,
    },
    /// Points: how many the customer has.
    Points {
        available: i64,
    },
    /// The account balance: what it has.
    Balance {
        available: Kopecks,
    },
}

impl Tender {
    pub fn kind(&self) -> &'static str {
        match self {
            Tender::Spasibo { .. } => "spasibo",
            Tender::Points { .. } => "points",
            Tender::Balance { .. } => "balance",
            Tender::Card { .. } => "card",
            Tender::Wallet { .. } => "wallet",
            Tender::Sbp { .. } => "sbp",
        }
    }
    pub fn amount(&self) -> Kopecks {
        match self {
            Tender::Spasibo { amount, .. }
            | Tender::Card { amount, .. }
            | Tender::Wallet { amount, .. }
            | Tender::Balance { amount }
            | Tender::Sbp { amount } => *amount,
            Tender::Points { points } => Kopecks::roubles(*points),
        }
    }
    /// Whose account pays: `brand:last4` for a card and its bonuses, the provider for a wallet,
    /// the order's number for the customer's own points and balance.
    fn account(&self, order: &OrderNumber) -> String {
        match self {
            Tender::Points { .. } | Tender::Balance { .. } => order.as_str().to_owned(),
            Tender::Spasibo { brand, last4, .. } | Tender::Card { brand, last4, .. } => {
                format!("{brand}:{last4}")
            }
            Tender::Wallet { provider, .. } => provider.clone(),
            Tender::Sbp { .. } => "sbp".to_owned(),
        }
    }
    /// Charged by the acquirer (after the transaction), not taken from an account inside it.
    pub fn is_outer(&self) -> bool {
        matches!(
            self,
            Tender::Card { .. } | Tender::Wallet { .. } | Tender::Sbp { .. }
        )
    }
}

/// Holds every tender of an order inside its checkout transaction: inner ones are taken from
/// their accounts (in the order given; a refusal leaves the transaction to be rolled back) and
/// every tender is recorded. Tenders of zero are not recorded.
pub async fn hold(
    tx: &mut Conn,
    order_id: &str,
    number: &OrderNumber,
    customer: &str,
    tenders: &[Tender],
    now: i64,
) -> Result<Result<(), Refused>, sqlx::Error> {
    for t in tenders.iter().filter(|t| t.amount().is_positive()) {
        match t {
            Tender::Spasibo {
                brand,
                last4,
                amount,
            } => {
                if let Some(available) =
                    store::spend_spasibo(tx, customer, brand, last4, amount.get()).await?
                {
                    return Ok(Err(Refused::Spasibo {
                        available: Kopecks::new(available),
                    }));
                }
            }
            Tender::Points { points } => {
                if let Err(short) =
                    crate::loyalty::spend(tx, customer, number, *points, now).await?
                {
                    return Ok(Err(Refused::Points {
                        available: short.available,
                    }));
                }
            }
            Tender::Balance { amount } => {
                let paid = crate::balance::Movement {
                    amount: *amount,
                    kind: crate::balance::EntryKind::Order,
                    key: &format!("order:{number}"),
                    reference: number.as_str(),
                };
                if let Err(short) = crate::balance::debit(tx, customer, paid, now).await? {
                    return Ok(Err(Refused::Balance {
                        available: short.available,
                    }));
                }
            }
            Tender::Card { .. } | Tender::Wallet { .. } | Tender::Sbp { .. } => {}
        }
        store::insert_tender(
            tx,
            order_id,
            t.kind(),
            &t.account(number),
            t.amount().get(),
            now,
        )
        .await?;
    }
    Ok(Ok(()))
}

/// Gives back every tender of an order still held (a cancel, a refused payment), once however
/// many callers race: the rows move to `released` by one conditional statement and only the
/// ones this call moved are credited. The outer tender's money goes back through its payment
/// attempt (a refund at the acquirer), not here.
pub async fn release(
    tx: &mut Conn,
    order_id: &str,
    customer: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    for (kind, account, amount) in store::release_tenders(tx, order_id, now).await? {
        match kind.as_str() {
            "spasibo" => {
                let (brand, last4) = account.split_once(':').unwrap_or((&account, ""));
                store::return_spasibo(tx, customer, brand, last4, amount).await?;
            }
            "points" => {
                let number = OrderNumber::parse(&account).ok_or_else(|| {
                    sqlx::Error::Protocol(format!("points tender of order {order_id}: {account}"))
                })?;
                crate::loyalty::give_back(tx, customer, &number, now).await?;
            }
            "balance" => {
                let back = crate::balance::Movement {
                    amount: Kopecks::new(amount),
                    kind: crate::balance::EntryKind::OrderCancelled,
                    key: &format!("cancel:{account}"),
                    reference: &account,
                };
                crate::balance::credit(tx, customer, back, now).await?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Forgets the tenders of an order that never happened (released first by the caller).
pub async fn forget(tx: &mut Conn, order_id: &str) -> Result<(), sqlx::Error> {
    store::delete_tenders(tx, order_id).await
}

/// An order's tenders as recorded: (kind, amount, status `held`/`released`).
pub async fn of_order(
    db: &crate::db::Db,
    order_id: &str,
) -> Result<Vec<(String, Kopecks, String)>, sqlx::Error> {
    Ok(store::tenders(db, order_id)
        .await?
        .into_iter()
        .map(|(kind, _, amount, status)| (kind, Kopecks::new(amount), status))
        .collect())
}

/// What each held tender of an order pays (kind, amount), inside the caller's transaction: the
/// totals by tender of its receipt.
pub async fn held(tx: &mut Conn, order_id: &str) -> Result<Vec<(String, Kopecks)>, sqlx::Error> {
    Ok(store::held_tenders(tx, order_id)
        .await?
        .into_iter()
        .map(|(kind, amount)| (kind, Kopecks::new(amount)))
        .collect())
}
