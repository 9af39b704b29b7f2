//! Saved cards: a token, brand, last 4 digits and expiry kept for next time (never the number).

use super::store;
use crate::db::Db;
use crate::error::{AppError, AppResult};

pub use store::SavedCard;

/// A card saved by the customer, if it is theirs: brand and last 4, refused when it expired.
pub async fn usable(db: &Db, customer: &str, id: &str, now: i64) -> AppResult<(String, String)> {
    let (brand, last4, m, y) = store::saved_card(db, customer, id)
        .await?
        .ok_or_else(|| AppError::missing("saved_card_not_found"))?;
    if (y as i32, m as u32) < year_month(now) {
        return Err(AppError::bad_request("card_expired"));
    }
    Ok((brand, last4))
}

/// Keeps an accepted card for next time (the acquirer's token, brand, last 4, expiry).
pub async fn save(db: &Db, customer: &str, card: &super::Card, now: i64) -> AppResult<()> {
    store::insert_saved_card(db, customer, &super::card_token(), card, now).await?;
    Ok(())
}

/// The customer's saved cards, newest first, with the bonuses «Спасибо» left on each.
pub async fn list(db: &Db, customer: &str) -> AppResult<Vec<SavedCard>> {
    Ok(store::saved_cards(db, customer).await?)
}

/// Forgets one of the customer's saved cards (another customer's is simply not found).
pub async fn forget(db: &Db, customer: &str, id: &str) -> AppResult<()> {
    if !store::delete_saved_card(db, customer, id).await? {
        return Err(AppError::missing("saved_card_not_found"));
    }
    Ok(())
}

/// (year, month) of a moment, for expiry checks.
pub fn year_month(ms: i64) -> (i32, u32) {
    let t = time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    (t.year(), u8::from(t.month()) as u32)
}
