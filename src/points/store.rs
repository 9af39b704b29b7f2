//! The pickup network's SQL: the `pickup_points` table and its version counter. `delivery`
//! (the customer's choices, the demo network and the import) writes and searches it through
//! these functions.

use super::Point;
use crate::db::Db;

/// The version of the pickup network: bumped by every change, read by
/// [`PointIndex::refresh`](super::PointIndex::refresh).
pub async fn version(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM counters WHERE name = 'pickup_points'")
        .fetch_one(db)
        .await
}

/// The channel every change of the network is announced on (PostgreSQL), with the new version.
pub const CHANGED_CHANNEL: &str = "kabinet_points";

/// PostgreSQL: a trigger that announces each new version of the network on
/// [`CHANGED_CHANNEL`] when its transaction commits — whoever changed it (a node, `kabinet
/// import`, an operator's SQL), so every node reloads at once instead of at its next poll.
/// Idempotent; nodes starting together take turns (an advisory lock).
pub async fn install_change_trigger(db: &Db) -> Result<(), sqlx::Error> {
    use sqlx::Executor;
    let mut tx = db.begin().await?;
    tx.execute(
        "SELECT 1 FROM (SELECT pg_advisory_xact_lock(7218400114)) l; \
         CREATE OR REPLACE FUNCTION kabinet_points_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$ \
         BEGIN PERFORM pg_notify('kabinet_points', NEW.value::text); RETURN NULL; END $fn$; \
         CREATE OR REPLACE TRIGGER kabinet_points_changed AFTER UPDATE ON counters \
           FOR EACH ROW WHEN (NEW.name = 'pickup_points') EXECUTE FUNCTION kabinet_points_changed();",
    )
    .await?;
    tx.commit().await
}

/// Marks the network changed (inside the transaction that changed it).
pub async fn bump_version(tx: &mut crate::db::Conn) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'pickup_points'")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Up to 5 000 points by id order after `after` (`""`: from the first).
pub async fn page_after(
    conn: &mut crate::db::Conn,
    after: &str,
) -> Result<Vec<Point>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, city, address, lat, lon, hours, max_weight_g, max_side_mm FROM pickup_points \
         WHERE id > $1 ORDER BY id LIMIT 5000",
    )
    .bind(after)
    .fetch_all(&mut *conn)
    .await
}

/// One point by id.
pub async fn get(db: &Db, id: &str) -> Result<Option<Point>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, city, address, lat, lon, hours, max_weight_g, max_side_mm FROM pickup_points WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Up to `limit` points by id order whose search text is LIKE each of the three patterns
/// (`"%"` matches anything).
pub async fn by_text(db: &Db, words: [String; 3], limit: i64) -> Result<Vec<Point>, sqlx::Error> {
    let [w1, w2, w3] = words;
    sqlx::query_as(
        "SELECT id, kind, city, address, lat, lon, hours, max_weight_g, max_side_mm FROM pickup_points \
         WHERE search_text LIKE $1 ESCAPE '\\' AND search_text LIKE $2 ESCAPE '\\' AND search_text LIKE $3 ESCAPE '\\' \
         ORDER BY id LIMIT $4",
    )
    .bind(w1)
    .bind(w2)
    .bind(w3)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// How many points there are.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM pickup_points")
        .fetch_one(db)
        .await
}

/// A point row to write: `address` already tidied and `search_text` already made.
#[derive(Debug, Clone)]
pub struct NewRow {
    pub id: String,
    /// The shop's own id: a point whose code exists is updated.
    pub code: Option<String>,
    pub kind: &'static str,
    pub city: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub hours: String,
    pub max_weight_g: i64,
    pub max_side_mm: i64,
    pub search_text: String,
}

/// Writes `rows` in one multi-row statement (a row whose `code` exists updates that point).
/// Returns how many rows were written.
pub async fn upsert(tx: &mut crate::db::Conn, rows: Vec<NewRow>) -> Result<u64, sqlx::Error> {
    const COLS: usize = 11;
    let mut sql = String::from(
        "INSERT INTO pickup_points (id, code, kind, city, address, lat, lon, hours, max_weight_g, max_side_mm, \
         search_text) VALUES ",
    );
    for i in 0..rows.len() {
        sql.push_str(if i == 0 { "(" } else { ", (" });
        for c in 0..COLS {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", i * COLS + c + 1));
        }
        sql.push(')');
    }
    sql.push_str(
        " ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, city = excluded.city, \
         address = excluded.address, lat = excluded.lat, lon = excluded.lon, hours = excluded.hours, \
         max_weight_g = excluded.max_weight_g, max_side_mm = excluded.max_side_mm, \
         search_text = excluded.search_text",
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for r in rows {
        q = q
            .bind(r.id)
            .bind(r.code)
            .bind(r.kind)
            .bind(r.city)
            .bind(r.address)
            .bind(r.lat)
            .bind(r.lon)
            .bind(r.hours)
            .bind(r.max_weight_g)
            .bind(r.max_side_mm)
            .bind(r.search_text);
    }
    Ok(q.execute(&mut *tx).await?.rows_affected())
}
