//! Delivery's SQL: the courier address book (`addresses`) and the pickup point a customer chose
//! last (kept on the customer: `customers::store::set_pickup_point`). The points themselves are
//! `crate::points::store`.

use super::addresses::Address;
use crate::db::Db;

// ---- the address book -------------------------------------------------------------------------

/// A customer's addresses: the default first, then the newest.
pub async fn addresses(db: &Db, customer: &str) -> Result<Vec<Address>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, address, is_default FROM addresses WHERE customer_id = $1 \
         ORDER BY is_default DESC, created_at DESC, id",
    )
    .bind(customer)
    .fetch_all(db)
    .await
}

/// One of the customer's addresses.
pub async fn address(db: &Db, customer: &str, id: &str) -> Result<Option<Address>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, address, is_default FROM addresses WHERE id = $1 AND customer_id = $2",
    )
    .bind(id)
    .bind(customer)
    .fetch_optional(db)
    .await
}

/// The id of the customer's address with exactly this text.
pub async fn address_id_by_text(
    tx: &mut crate::db::Conn,
    customer: &str,
    address: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM addresses WHERE customer_id = $1 AND address = $2")
        .bind(customer)
        .bind(address)
        .fetch_optional(&mut *tx)
        .await
}

/// How many addresses the customer keeps.
pub async fn count_addresses(tx: &mut crate::db::Conn, customer: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM addresses WHERE customer_id = $1")
        .bind(customer)
        .fetch_one(&mut *tx)
        .await
}

pub async fn insert_address(
    tx: &mut crate::db::Conn,
    id: &str,
    customer: &str,
    address: &str,
    is_default: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO addresses (id, customer_id, address, is_default, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(customer)
    .bind(address)
    .bind(i64::from(is_default))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Makes `id` the customer's one default address (one statement over the whole book).
pub async fn set_default(
    tx: &mut crate::db::Conn,
    customer: &str,
    id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE addresses SET is_default = CASE WHEN id = $2 THEN 1 ELSE 0 END WHERE customer_id = $1")
        .bind(customer)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub async fn delete_address(
    tx: &mut crate::db::Conn,
    customer: &str,
    id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM addresses WHERE id = $1 AND customer_id = $2")
        .bind(id)
        .bind(customer)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Whether the customer has a default address.
pub async fn has_default(tx: &mut crate::db::Conn, customer: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM addresses WHERE customer_id = $1 AND is_default = 1",
    )
    .bind(customer)
    .fetch_one(&mut *tx)
    .await?;
    Ok(n != 0)
}

/// The id of the customer's newest address.
pub async fn newest_address(
    tx: &mut crate::db::Conn,
    customer: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM addresses WHERE customer_id = $1 ORDER BY created_at DESC, id LIMIT 1",
    )
    .bind(customer)
    .fetch_optional(&mut *tx)
    .await
}
