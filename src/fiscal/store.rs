//! The receipts' SQL and the sandbox fiscal operator's books.

use super::{Fiscal, Kind, Receipt};
use crate::db::Conn;
use crate::db::Db;
use crate::db::autocommit;

type Row = (
    String,
    String,
    String,
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
);

const COLUMNS: &str =
    "id, order_id, kind, at, total, items, tenders, fiscal_fn, fiscal_fd, fiscal_fp";

fn receipt_of(r: Row) -> Result<Receipt, sqlx::Error> {
    let bad = |what: &str| sqlx::Error::Protocol(format!("receipt {}: {what}", r.0));
    let kind = Kind::parse(&r.2).ok_or_else(|| bad("kind"))?;
    let items = serde_json::from_str(&r.5).map_err(|_| bad("items"))?;
    let tenders = serde_json::from_str(&r.6).map_err(|_| bad("tenders"))?;
    let fiscal = match (r.7, r.8, r.9) {
        (Some(fn_), Some(fd), Some(fp)) => Some(Fiscal { fn_, fd, fp }),
        _ => None,
    };
    Ok(Receipt {
        id: r.0,
        order_id: r.1,
        kind,
        at: r.3,
        total: r.4,
        items,
        tenders,
        fiscal,
    })
}

/// Writes a receipt unless the order has one of this kind for `source` already: true when this
/// call wrote it.
pub async fn insert(tx: &mut Conn, r: &Receipt, source: &str) -> Result<bool, sqlx::Error> {
    let items =
        serde_json::to_string(&r.items).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let tenders =
        serde_json::to_string(&r.tenders).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let done = sqlx::query(
        "INSERT INTO receipts (id, order_id, kind, source, at, total, items, tenders) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (order_id, kind, source) DO NOTHING",
    )
    .bind(&r.id)
    .bind(&r.order_id)
    .bind(r.kind.as_str())
    .bind(source)
    .bind(r.at)
    .bind(r.total)
    .bind(items)
    .bind(tenders)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The order's receipt of `kind` for `source`, inside a transaction.
pub async fn find(
    tx: &mut Conn,
    order_id: &str,
    kind: Kind,
    source: &str,
) -> Result<Option<Receipt>, sqlx::Error> {
    let sql =
        format!("SELECT {COLUMNS} FROM receipts WHERE order_id = $1 AND kind = $2 AND source = $3");
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(order_id)
        .bind(kind.as_str())
        .bind(source)
        .fetch_optional(&mut *tx)
        .await?;
    row.map(receipt_of).transpose()
}

/// One receipt of an order by its id.
pub async fn one(db: &Db, order_id: &str, id: &str) -> Result<Option<Receipt>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM receipts WHERE order_id = $1 AND id = $2");
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(order_id)
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.map(receipt_of).transpose()
}

/// The receipts the operator has not registered yet: of one order, or (`None`) the oldest
/// hundred of all.
pub async fn unregistered(db: &Db, order_id: Option<&str>) -> Result<Vec<Receipt>, sqlx::Error> {
    let rows: Vec<Row> = match order_id {
        Some(id) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM receipts WHERE order_id = $1 AND fiscal_fd IS NULL ORDER BY at, id"
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_all(db)
                .await?
        }
        None => {
            let sql = format!(
                "SELECT {COLUMNS} FROM receipts WHERE fiscal_fd IS NULL ORDER BY at, id LIMIT 100"
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_all(db)
                .await?
        }
    };
    rows.into_iter().map(receipt_of).collect()
}

/// Keeps the operator's answer, once.
pub async fn set_fiscal(db: &Db, id: &str, f: &Fiscal, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE receipts SET fiscal_fn = $2, fiscal_fd = $3, fiscal_fp = $4, fiscal_at = $5 \
         WHERE id = $1 AND fiscal_fd IS NULL",
    )
    .bind(id)
    .bind(&f.fn_)
    .bind(f.fd)
    .bind(&f.fp)
    .bind(now)
    .execute(autocommit(db))
    .await?;
    Ok(done.rows_affected() == 1)
}

// ---- The sandbox operator's books ----

/// What the sandbox registered for a receipt.
pub async fn sandbox_registered(
    tx: &mut Conn,
    receipt_id: &str,
) -> Result<Option<Fiscal>, sqlx::Error> {
    let row: Option<(String, i64, String)> =
        sqlx::query_as("SELECT fn, fd, fp FROM sandbox_fiscal WHERE receipt_id = $1")
            .bind(receipt_id)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(row.map(|(fn_, fd, fp)| Fiscal { fn_, fd, fp }))
}

/// The next document number of a fiscal drive (one conditional statement).
pub async fn sandbox_next_fd(tx: &mut Conn, fn_: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE sandbox_fiscal_drives SET last_fd = last_fd + 1 WHERE fn = $1 RETURNING last_fd",
    )
    .bind(fn_)
    .fetch_one(&mut *tx)
    .await
}

/// Records a registration unless the receipt has one already.
pub async fn sandbox_register(
    tx: &mut Conn,
    receipt_id: &str,
    f: &Fiscal,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sandbox_fiscal (receipt_id, fn, fd, fp, registered_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (receipt_id) DO NOTHING",
    )
    .bind(receipt_id)
    .bind(&f.fn_)
    .bind(f.fd)
    .bind(&f.fp)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
