//! The courier address book: a customer's addresses, one of them the default that checkout
//! offers first. Every address a courier order goes to is kept, so a returning customer only
//! confirms.

use super::store;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use serde::Serialize;

/// The most addresses one customer keeps.
pub const MAX_ADDRESSES: i64 = 20;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Address {
    pub id: String,
    pub address: String,
    #[serde(serialize_with = "as_bool")]
    #[schema(value_type = bool)]
    pub is_default: i64,
}

fn as_bool<S: serde::Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(*v != 0)
}

fn not_found() -> AppError {
    AppError::missing("address_not_found")
}

/// An address as typed: spaces collapsed, 5–300 characters.
pub fn clean(address: &str) -> AppResult<String> {
    let a = address.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = a.chars().count();
    if !(5..=300).contains(&n) {
        return Err(AppError::bad_request("invalid_address"));
    }
    Ok(a)
}

/// The default first, then the newest.
pub async fn list(state: &AppState, customer: &str) -> AppResult<Vec<Address>> {
    Ok(store::addresses(&state.db, customer).await?)
}

pub async fn get(state: &AppState, customer: &str, id: &str) -> AppResult<Address> {
    if !crate::db::looks_like_id(id) {
        return Err(not_found());
    }
    store::address(&state.db, customer, id)
        .await?
        .ok_or_else(not_found)
}

/// Keeps an address (the same text twice is one address); the first one becomes the default,
/// and `make_default` moves the default to it. All in one transaction.
pub async fn add(
    state: &AppState,
    customer: &str,
    address: &str,
    make_default: bool,
) -> AppResult<Address> {
    let address = clean(address)?;
    let owner = customer.to_owned();
    let (st, customer, now) = (state.clone(), customer.to_owned(), state.clock.now_ms());
    let id: Result<Result<String, AppError>, sqlx::Error> = crate::db::detached(async move {
        let mut tx = crate::db::begin_write(&st.db).await?;
        // One address-book write per customer at a time (the customer's row is the lock), so
        // the same address twice is one row and the book never passes its limit.
        crate::customers::store::lock(&mut tx, &customer).await?;
        let existing = store::address_id_by_text(&mut tx, &customer, &address).await?;
        let count = store::count_addresses(&mut tx, &customer).await?;
        let id = match existing {
            Some(id) => id,
            None if count >= MAX_ADDRESSES => {
                tx.rollback().await?;
                return Ok(Err(AppError::conflict("too_many_addresses")));
            }
            None => {
                let id = crate::db::new_id();
                store::insert_address(&mut tx, &id, &customer, &address, count == 0, now).await?;
                id
            }
        };
        if make_default {
            store::set_default(&mut tx, &customer, &id).await?;
        }
        tx.commit().await?;
        Ok(Ok(id))
    })
    .await;
    let id = id??;
    get(state, &owner, &id).await
}

/// Makes one of the customer's addresses the default (404 for anyone else's).
pub async fn set_default(state: &AppState, customer: &str, id: &str) -> AppResult<()> {
    get(state, customer, id).await?;
    let (st, customer, id) = (state.clone(), customer.to_owned(), id.to_owned());
    crate::db::detached(async move {
        let mut tx = crate::db::begin_write(&st.db).await?;
        store::set_default(&mut tx, &customer, &id).await?;
        tx.commit().await
    })
    .await?;
    Ok(())
}

/// Forgets an address (404 for anyone else's); if it was the default, the newest left takes over.
pub async fn remove(state: &AppState, customer: &str, id: &str) -> AppResult<()> {
    get(state, customer, id).await?;
    let (st, customer, id) = (state.clone(), customer.to_owned(), id.to_owned());
    crate::db::detached(async move {
        let mut tx = crate::db::begin_write(&st.db).await?;
        store::delete_address(&mut tx, &customer, &id).await?;
        if !store::has_default(&mut tx, &customer).await?
            && let Some(n) = store::newest_address(&mut tx, &customer).await?
        {
            store::set_default(&mut tx, &customer, &n).await?;
        }
        tx.commit().await
    })
    .await?;
    Ok(())
}
