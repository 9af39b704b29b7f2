//! The account's SQL: confirmed contact changes and their «Это был не я» links
//! (`contact_changes`). The customers themselves change through `crate::customers::store`.

use crate::db::autocommit;
use crate::db::{Db, new_id};

/// A confirmed contact change, revertible through a link until `expires_at`.
pub struct NewContactChange<'a> {
    pub customer_id: &'a str,
    /// `phone` or `email`.
    pub kind: &'a str,
    pub old_value: Option<&'a str>,
    pub new_value: &'a str,
    pub revert_token_hash: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
}

#[tracing::instrument(skip_all)]
pub async fn insert_change(db: &Db, c: &NewContactChange<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO contact_changes (id, customer_id, kind, old_value, new_value, revert_token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(c.customer_id)
    .bind(c.kind)
    .bind(c.old_value)
    .bind(c.new_value)
    .bind(c.revert_token_hash)
    .bind(c.created_at)
    .bind(c.expires_at)
    .execute(autocommit(db))
    .await?;
    Ok(())
}

/// A change a link may revert: (id, customer id, kind, old value, new value).
pub type ChangeRow = (String, String, String, Option<String>, String);

/// The change whose link has this hash, if it is not reverted and not expired at `now`.
#[tracing::instrument(skip_all)]
pub async fn revertible_by_token_hash(
    db: &Db,
    revert_token_hash: &str,
    now: i64,
) -> Result<Option<ChangeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, customer_id, kind, old_value, new_value FROM contact_changes \
         WHERE revert_token_hash = $1 AND reverted_at IS NULL AND expires_at > $2",
    )
    .bind(revert_token_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Marks the change reverted at `now` if it is not yet (one conditional update). True when
/// this call did it.
pub async fn claim_revert(db: &Db, id: &str, now: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE contact_changes SET reverted_at = $1 WHERE id = $2 AND reverted_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(autocommit(db))
    .await?
    .rows_affected()
        == 1)
}

/// When the change was made.
pub async fn change_created_at(db: &Db, id: &str) -> Result<i64, sqlx::Error> {
    let (created_at,): (i64,) =
        sqlx::query_as("SELECT created_at FROM contact_changes WHERE id = $1")
            .bind(id)
            .fetch_one(db)
            .await?;
    Ok(created_at)
}
