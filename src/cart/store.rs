//! The cart's lines in the database: reading them with their products, setting quantities
//! (capped by stock), and moving a guest's cart into an account.

use super::*;
use crate::db::Db;
use crate::db::autocommit;

/// Which of the owner's products are in the cart (for «В корзине» marks on product cards).
/// A guest seen for the first time has no cart yet: no query.
pub async fn product_ids(
    state: &AppState,
    owner: &CartOwner,
) -> AppResult<std::collections::HashSet<String>> {
    if owner.new_cookie.is_some() {
        return Ok(Default::default());
    }
    let ids: Vec<String> = sqlx::query_scalar("SELECT product_id FROM cart_lines WHERE owner = $1")
        .bind(&owner.owner)
        .fetch_all(&state.db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Moves a guest cart into the customer's (quantities add up, capped by stock). The guest
/// lines are claimed by one `DELETE … RETURNING` inside the transaction, so two requests
/// merging the same cart at once add it once.
pub async fn merge(state: &AppState, guest: &str, customer_id: &str) -> AppResult<()> {
    // Most calls find nothing to move (a cookie a sign-in left behind): a read, not a write
    // transaction, answers them.
    let any: Option<String> =
        sqlx::query_scalar("SELECT product_id FROM cart_lines WHERE owner = $1 LIMIT 1")
            .bind(guest)
            .fetch_optional(&state.db)
            .await?;
    if any.is_none() {
        return Ok(());
    }
    let now = state.clock.now_ms();
    let (st, guest, customer) = (state.clone(), guest.to_owned(), customer_id.to_owned());
    crate::db::detached(crate::db::retrying(move || {
        let (st, guest, customer) = (st.clone(), guest.clone(), customer.clone());
        async move {
            let mut tx = crate::db::begin_write(&st.db).await?;
            let lines: Vec<(String, i64)> = sqlx::query_as(
                "DELETE FROM cart_lines WHERE owner = $1 RETURNING product_id, quantity",
            )
            .bind(&guest)
            .fetch_all(&mut tx)
            .await?;
            for (product_id, quantity) in lines {
                let stock: i64 = sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
                    .bind(&product_id)
                    .fetch_optional(&mut tx)
                    .await?
                    .unwrap_or(0);
                sqlx::query(
                    "INSERT INTO cart_lines (owner, product_id, quantity, added_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (owner, product_id) DO UPDATE SET quantity = cart_lines.quantity + excluded.quantity, added_at = excluded.added_at",
                )
                .bind(&customer)
                .bind(&product_id)
                .bind(quantity)
                .bind(now)
                .execute(&mut tx)
                .await?;
                sqlx::query(
                    "UPDATE cart_lines SET quantity = $1 WHERE owner = $2 AND product_id = $3 AND quantity > $1",
                )
                .bind(stock.clamp(1, MAX_QUANTITY))
                .bind(&customer)
                .bind(&product_id)
                .execute(&mut tx)
                .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        }
    }))
    .await?;
    Ok(())
}

/// How many items (the sum of quantities) the owner's cart holds, for the header's counter.
pub async fn item_count(state: &AppState, owner: &CartOwner) -> AppResult<i64> {
    if owner.new_cookie.is_some() {
        return Ok(0);
    }
    let n: Option<i64> =
        sqlx::query_scalar("SELECT CAST(SUM(quantity) AS BIGINT) FROM cart_lines WHERE owner = $1")
            .bind(&owner.owner)
            .fetch_one(&state.db)
            .await?;
    Ok(n.unwrap_or(0))
}

/// One more of a product in the cart (the «В корзину» buttons).
pub async fn add_one(state: &AppState, owner: &str, product_id: &str) -> AppResult<()> {
    let current: i64 =
        sqlx::query_scalar("SELECT quantity FROM cart_lines WHERE owner = $1 AND product_id = $2")
            .bind(owner)
            .bind(product_id)
            .fetch_optional(&state.db)
            .await?
            .unwrap_or(0);
    set_quantity(state, owner, product_id, current + 1).await
}

/// Sets a line's quantity (0 removes it). Quantities are 0–999 and at most the stock.
pub async fn set_quantity(
    state: &AppState,
    owner: &str,
    product_id: &str,
    quantity: i64,
) -> AppResult<()> {
    if !(0..=MAX_QUANTITY).contains(&quantity) {
        return Err(AppError::bad_request("invalid_quantity"));
    }
    let product = crate::products::get(state, product_id)
        .await?
        .ok_or_else(|| AppError::missing("product_not_found"))?;
    if quantity == 0 {
        return remove(state, owner, product_id).await;
    }
    if quantity > product.stock {
        return Err(
            AppError::conflict("not_enough_stock").arg("available", product.stock.to_string())
        );
    }
    sqlx::query(
        "INSERT INTO cart_lines (owner, product_id, quantity, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (owner, product_id) DO UPDATE SET quantity = excluded.quantity",
    )
    .bind(owner)
    .bind(product_id)
    .bind(quantity)
    .bind(state.clock.now_ms())
    .execute(autocommit(&state.db))
    .await?;
    Ok(())
}

pub async fn remove(state: &AppState, owner: &str, product_id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM cart_lines WHERE owner = $1 AND product_id = $2")
        .bind(owner)
        .bind(product_id)
        .execute(autocommit(&state.db))
        .await?;
    Ok(())
}

/// The cart's products with their quantities, in cart order (one query).
pub async fn lines(state: &AppState, owner: &str) -> AppResult<Vec<(Product, i64)>> {
    use sqlx::{FromRow, Row};
    const SQL: &str = "SELECT p.id, p.title, p.description, p.price, p.old_price, c.name_ru AS category, \
        p.category_id, p.seller_id, s.name AS seller_name, p.origin_id, w.city AS origin_city, p.weight_g, \
        p.length_mm, p.width_mm, p.height_mm, p.stock, p.attributes, w.lead_days, l.quantity \
        FROM cart_lines l JOIN products p ON p.id = l.product_id JOIN sellers s ON s.id = p.seller_id \
        JOIN warehouses w ON w.id = p.origin_id JOIN categories c ON c.id = p.category_id \
        WHERE l.owner = $1 ORDER BY l.added_at, l.product_id";
    let rows = sqlx::query(SQL).bind(owner).fetch_all(&state.db).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push((Product::from_row(&row)?, row.try_get::<i64, _>("quantity")?));
    }
    Ok(out)
}

/// Takes a line out of the cart exactly as it was read (checkout): true when it was there
/// with that quantity.
pub async fn take_line(
    tx: &mut crate::db::Conn,
    owner: &str,
    product_id: &str,
    quantity: i64,
) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query(
            "DELETE FROM cart_lines WHERE owner = $1 AND product_id = $2 AND quantity = $3",
        )
        .bind(owner)
        .bind(product_id)
        .bind(quantity)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1,
    )
}

/// How many lines the cart holds.
pub async fn line_count(tx: &mut crate::db::Conn, owner: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM cart_lines WHERE owner = $1")
        .bind(owner)
        .fetch_one(&mut *tx)
        .await
}

/// Puts a line back into the cart (an unpaid order cancelled) unless the product is there.
pub async fn put_back(
    tx: &mut crate::db::Conn,
    owner: &str,
    product_id: &str,
    quantity: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO cart_lines (owner, product_id, quantity, added_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (owner, product_id) DO NOTHING",
    )
    .bind(owner)
    .bind(product_id)
    .bind(quantity)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

// ---- «Избранное» ----

pub async fn is_favorite(db: &Db, customer: &str, product_id: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM favorites WHERE customer_id = $1 AND product_id = $2",
    )
    .bind(customer)
    .bind(product_id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

pub async fn remove_favorite(db: &Db, customer: &str, product_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM favorites WHERE customer_id = $1 AND product_id = $2")
        .bind(customer)
        .bind(product_id)
        .execute(autocommit(db))
        .await?;
    Ok(())
}

pub async fn add_favorite(
    db: &Db,
    customer: &str,
    product_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO favorites (customer_id, product_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(customer)
    .bind(product_id)
    .bind(now)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// The customer's favourites, newest first.
pub async fn favorite_ids(db: &Db, customer: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT product_id FROM favorites WHERE customer_id = $1 ORDER BY added_at DESC, product_id",
    )
    .bind(customer)
    .fetch_all(db)
    .await
}
