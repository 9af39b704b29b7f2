//! «Избранное»: products a customer keeps for later.

use super::store;
use crate::error::{AppError, AppResult};
use crate::products::Product;
use crate::state::AppState;

/// Whether the customer keeps this product in «Избранное».
pub async fn contains(state: &AppState, customer_id: &str, product_id: &str) -> AppResult<bool> {
    Ok(store::is_favorite(&state.db, customer_id, product_id).await?)
}

pub async fn remove(state: &AppState, customer_id: &str, product_id: &str) -> AppResult<()> {
    Ok(store::remove_favorite(&state.db, customer_id, product_id).await?)
}

pub async fn add(state: &AppState, customer_id: &str, product_id: &str) -> AppResult<()> {
    if crate::products::get(state, product_id).await?.is_none() {
        return Err(AppError::missing("product_not_found"));
    }
    Ok(store::add_favorite(&state.db, customer_id, product_id, state.clock.now_ms()).await?)
}

pub async fn list(state: &AppState, customer_id: &str) -> AppResult<Vec<Product>> {
    let ids = store::favorite_ids(&state.db, customer_id).await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(p) = crate::products::get(state, &id).await? {
            out.push(p);
        }
    }
    Ok(out)
}
