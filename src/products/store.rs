//! The products' SQL: what other capabilities may do to a product's row goes through here.

/// Takes `quantity` from a product's stock if that much is left (one conditional statement).
/// `Ok(None)` when taken; `Ok(Some(left))` when not, with what is left.
pub async fn take_stock(
    tx: &mut sqlx::AnyConnection,
    product_id: &str,
    quantity: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let reserved =
        sqlx::query("UPDATE products SET stock = stock - $1 WHERE id = $2 AND stock >= $1")
            .bind(quantity)
            .bind(product_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if reserved == 1 {
        return Ok(None);
    }
    let left: i64 = sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
        .bind(product_id)
        .fetch_one(&mut *tx)
        .await?;
    Ok(Some(left))
}

/// Puts `quantity` back into a product's stock (a cancelled or returned order).
pub async fn return_stock(
    tx: &mut sqlx::AnyConnection,
    product_id: &str,
    quantity: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE products SET stock = stock + $1 WHERE id = $2")
        .bind(quantity)
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A product's seller and category, copied onto an order line.
pub async fn seller_and_category(
    tx: &mut sqlx::AnyConnection,
    product_id: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT seller_id, category_id FROM products WHERE id = $1")
        .bind(product_id)
        .fetch_optional(&mut *tx)
        .await
}
