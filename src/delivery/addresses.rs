//! The courier address book: a customer's addresses, one of them the default that checkout
//! offers first. Every address a courier order goes to is kept, so a returning customer only
//! confirms.

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
    Ok(sqlx::query_as(
        "SELECT id, address, is_default FROM addresses WHERE customer_id = $1 \
         ORDER BY is_default DESC, created_at DESC, id",
    )
    .bind(customer)
    .fetch_all(&state.db)
    .await?)
}

pub async fn get(state: &AppState, customer: &str, id: &str) -> AppResult<Address> {
    if !crate::db::looks_like_id(id) {
        return Err(not_found());
    }
    sqlx::query_as(
        "SELECT id, address, is_default FROM addresses WHERE id = $1 AND customer_id = $2",
    )
    .bind(id)
    .bind(customer)
    .fetch_optional(&state.db)
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
        sqlx::query("UPDATE customers SET last_seen_at = last_seen_at WHERE id = $1")
            .bind(&customer)
            .execute(&mut *tx)
            .await?;
        let existing: Option<String> = sqlx::query_scalar(
            "SELECT id FROM addresses WHERE customer_id = $1 AND address = $2",
        )
        .bind(&customer)
        .bind(&address)
        .fetch_optional(&mut *tx)
        .await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM addresses WHERE customer_id = $1")
            .bind(&customer)
            .fetch_one(&mut *tx)
            .await?;
        let id = match existing {
            Some(id) => id,
            None if count >= MAX_ADDRESSES => {
                tx.rollback().await?;
                return Ok(Err(AppError::conflict("too_many_addresses")));
            }
            None => {
                let id = crate::db::new_id();
                sqlx::query(
                    "INSERT INTO addresses (id, customer_id, address, is_default, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&id)
                .bind(&customer)
                .bind(&address)
                .bind(i64::from(count == 0))
                .bind(now)
                .execute(&mut *tx)
                .await?;
                id
            }
        };
        if make_default {
            set_default_in(&mut tx, &customer, &id).await?;
        }
        tx.commit().await?;
        Ok(Ok(id))
    })
    .await;
    let id = id??;
    get(state, &owner, &id).await
}

async fn set_default_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    customer: &str,
    id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE addresses SET is_default = CASE WHEN id = $2 THEN 1 ELSE 0 END WHERE customer_id = $1")
        .bind(customer)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Makes one of the customer's addresses the default (404 for anyone else's).
pub async fn set_default(state: &AppState, customer: &str, id: &str) -> AppResult<()> {
    get(state, customer, id).await?;
    let (st, customer, id) = (state.clone(), customer.to_owned(), id.to_owned());
    crate::db::detached(async move {
        let mut tx = crate::db::begin_write(&st.db).await?;
        set_default_in(&mut tx, &customer, &id).await?;
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
        sqlx::query("DELETE FROM addresses WHERE id = $1 AND customer_id = $2")
            .bind(&id)
            .bind(&customer)
            .execute(&mut *tx)
            .await?;
        let has_default: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM addresses WHERE customer_id = $1 AND is_default = 1",
        )
        .bind(&customer)
        .fetch_one(&mut *tx)
        .await?;
        if has_default == 0 {
            let newest: Option<String> = sqlx::query_scalar(
                "SELECT id FROM addresses WHERE customer_id = $1 ORDER BY created_at DESC, id LIMIT 1",
            )
            .bind(&customer)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(n) = newest {
                set_default_in(&mut tx, &customer, &n).await?;
            }
        }
        tx.commit().await
    })
    .await?;
    Ok(())
}
