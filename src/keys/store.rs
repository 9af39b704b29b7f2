//! The server secret's SQL: the `settings` row where a development deployment keeps the secret
//! it generated, so that every node shares it.

use crate::db::Db;
use crate::db::autocommit;

/// The stored secret, storing `candidate` first if there is none yet (whichever node stores
/// first wins; every node reads the winner's).
pub async fn shared_secret(db: &Db, candidate: &str) -> Result<String, sqlx::Error> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('secret', $1) ON CONFLICT (key) DO NOTHING",
    )
    .bind(candidate)
    .execute(autocommit(db))
    .await?;
    sqlx::query_scalar("SELECT value FROM settings WHERE key = 'secret'")
        .fetch_one(db)
        .await
}
