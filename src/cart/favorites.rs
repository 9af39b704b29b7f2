//! «Избранное»: products a customer keeps for later.

use crate::error::{AppError, AppResult};
use crate::products::Product;
use crate::state::AppState;

/// Whether the customer keeps this product in «Избранное».
pub async fn contains(state: &AppState, customer_id: &str, product_id: &str) -> AppResult<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM favorites WHERE customer_id = $1 AND product_id = $2",
    )
    .bind(customer_id)
    .bind(product_id)
    .fetch_one(&state.db)
    .await?;
    Ok(n > 0)
}

pub async fn remove(state: &AppState, customer_id: &str, product_id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM favorites WHERE customer_id = $1 AND product_id = $2")
        .bind(customer_id)
        .bind(product_id)
        .execute(&state.db)
        .await?;
    Ok(())
}

pub async fn add(state: &AppState, customer_id: &str, product_id: &str) -> AppResult<()> {
    if crate::products::get(state, product_id).await?.is_none() {
        return Err(AppError::missing("product_not_found"));
    }
    sqlx::query(
        "INSERT INTO favorites (customer_id, product_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(customer_id)
    .bind(product_id)
    .bind(state.clock.now_ms())
    .execute(&state.db)
    .await?;
    Ok(())
}

pub async fn list(state: &AppState, customer_id: &str) -> AppResult<Vec<Product>> {
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT product_id FROM favorites WHERE customer_id = $1 ORDER BY added_at DESC, product_id")
            .bind(customer_id)
            .fetch_all(&state.db)
            .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(p) = crate::products::get(state, &id).await? {
            out.push(p);
        }
    }
    Ok(out)
}
