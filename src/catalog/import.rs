//! `kabinet catalog import FILE`: a shop's own products.
//!
//! Fields (JSON or CSV, see [`crate::import`]): `sku` (the shop's id, required: importing again
//! updates the product), `title`, `seller` (name; created if new), `category` (id or Russian /
//! English name; created if new), `price` and optional `old_price` in roubles ("1499,90"),
//! `weight_g`, `length_mm`, `width_mm`, `height_mm`, `stock`, and optionally `warehouse_city`
//! (the shipping origin; default Москва), `lead_days` (default 2), `description`, `attributes`
//! (a JSON object, in CSV as its text). Sellers' warehouses are found or created by city.

use super::normalize;
use crate::db::{Db, new_id};
use crate::import::{Num, RowError, roubles_to_kopecks};
use crate::products::store;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Deserialize)]
pub struct Row {
    pub sku: String,
    pub title: String,
    pub seller: String,
    pub category: String,
    pub price: Num,
    #[serde(default)]
    pub old_price: Option<Num>,
    pub weight_g: Num,
    pub length_mm: Num,
    pub width_mm: Num,
    pub height_mm: Num,
    pub stock: Num,
    #[serde(default)]
    pub warehouse_city: Option<String>,
    #[serde(default)]
    pub lead_days: Option<Num>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A checked row, ready to store.
#[derive(Debug)]
pub struct NewProduct {
    pub sku: String,
    pub title: String,
    pub seller: String,
    pub category: String,
    pub price: i64,
    pub old_price: Option<i64>,
    pub weight_g: i64,
    pub dims_mm: [i64; 3],
    pub stock: i64,
    pub warehouse_city: String,
    pub lead_days: i64,
    pub description: String,
    pub attributes: serde_json::Map<String, serde_json::Value>,
}

fn text(s: &str, what: &str, max: usize) -> Result<String, String> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() || s.chars().count() > max {
        return Err(format!("{what}: required, at most {max} characters"));
    }
    Ok(s)
}

fn whole(n: &Num, what: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64, String> {
    n.as_i64().filter(|v| range.contains(v)).ok_or_else(|| {
        format!(
            "{what}: a whole number from {} to {}",
            range.start(),
            range.end()
        )
    })
}

fn check(r: Row) -> Result<NewProduct, String> {
    let price = roubles_to_kopecks(&r.price.as_text())
        .filter(|p| *p > 0)
        .ok_or("price: roubles above zero, e.g. 1499 or 1499,90")?;
    let old_price = match r.old_price.as_ref().map(Num::as_text) {
        None => None,
        Some(s) if s.is_empty() => None,
        Some(s) => Some(
            roubles_to_kopecks(&s)
                .filter(|p| *p > price)
                .ok_or("old_price: roubles above the price (or empty)")?,
        ),
    };
    let attributes = match r.attributes {
        None | Some(serde_json::Value::Null) => serde_json::Map::new(),
        Some(serde_json::Value::Object(m)) => m,
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => serde_json::Map::new(),
        Some(serde_json::Value::String(s)) => serde_json::from_str(&s)
            .map_err(|_| "attributes: a JSON object such as {\"Цвет\": \"синий\"}")?,
        Some(_) => return Err("attributes: a JSON object".into()),
    };
    let lead_days = match &r.lead_days {
        None => 2,
        Some(Num::Text(s)) if s.is_empty() => 2,
        Some(n) => whole(n, "lead_days", 0..=60)?,
    };
    Ok(NewProduct {
        sku: text(&r.sku, "sku", 64)?,
        title: text(&r.title, "title", 200)?,
        seller: text(&r.seller, "seller", 100)?,
        category: text(&r.category, "category", 100)?,
        price,
        old_price,
        weight_g: whole(&r.weight_g, "weight_g", 1..=1_000_000)?,
        dims_mm: [
            whole(&r.length_mm, "length_mm", 1..=10_000)?,
            whole(&r.width_mm, "width_mm", 1..=10_000)?,
            whole(&r.height_mm, "height_mm", 1..=10_000)?,
        ],
        stock: whole(&r.stock, "stock", 0..=10_000_000)?,
        warehouse_city: match r.warehouse_city.as_deref().map(str::trim) {
            None | Some("") => "Москва".to_owned(),
            Some(c) => text(c, "warehouse_city", 100)?,
        },
        lead_days,
        description: r.description.unwrap_or_default().trim().to_owned(),
        attributes,
    })
}

/// Checks every row; all errors are reported together and nothing is stored if there are any.
pub fn validate(rows: Vec<Row>) -> Result<Vec<NewProduct>, Vec<RowError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, r) in rows.into_iter().enumerate() {
        match check(r) {
            Ok(p) if !seen.insert(p.sku.clone()) => errors.push(RowError {
                row: i + 1,
                message: format!("sku {:?} appears twice", p.sku),
            }),
            Ok(p) => out.push(p),
            Err(message) => errors.push(RowError {
                row: i + 1,
                message,
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Stores checked products in one transaction; returns how many were written.
pub async fn store(db: &Db, products: &[NewProduct], now: i64) -> anyhow::Result<u64> {
    let mut tx = crate::db::begin_write(db).await?;
    let mut written = 0;
    // Read once; the ones this file creates are added as they come.
    let mut categories: Vec<(String, String, String)> = store::all_categories(&mut tx).await?;
    let mut sellers: HashMap<String, String> =
        store::all_sellers(&mut tx).await?.into_iter().collect();
    let mut warehouses: HashMap<(String, String), String> = HashMap::new();
    for p in products {
        let seller_id: String = match sellers.get(&p.seller) {
            Some(id) => id.clone(),
            None => {
                let id = new_id();
                store::insert_seller(&mut tx, &id, &p.seller).await?;
                sellers.insert(p.seller.clone(), id.clone());
                id
            }
        };
        let key = (seller_id.clone(), p.warehouse_city.clone());
        let known = match warehouses.get(&key) {
            Some(id) => Some(id.clone()),
            None => store::warehouse_in(&mut tx, &seller_id, &p.warehouse_city).await?,
        };
        let origin_id: String = match known {
            Some(id) => id,
            None => {
                let id = new_id();
                let name = format!("Склад «{}», {}", p.seller, p.warehouse_city);
                store::insert_warehouse(
                    &mut tx,
                    &id,
                    &seller_id,
                    &name,
                    &p.warehouse_city,
                    p.lead_days,
                )
                .await?;
                id
            }
        };
        warehouses.insert(key, origin_id.clone());
        let wanted = normalize(&p.category);
        let found = categories.iter().find(|(id, ru, en)| {
            *id == p.category || normalize(ru) == wanted || normalize(en) == wanted
        });
        let (category_id, category_name) = match found {
            Some((id, ru, _)) => (id.clone(), ru.clone()),
            None => {
                let id = new_id();
                // A new category is named the same in both languages.
                store::insert_category(
                    &mut tx,
                    &id,
                    &p.category,
                    &p.category,
                    categories.len() as i64,
                )
                .await?;
                categories.push((id.clone(), p.category.clone(), p.category.clone()));
                (id, p.category.clone())
            }
        };
        let attribute_words: Vec<String> = p
            .attributes
            .values()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let search = normalize(&format!(
            "{} {category_name} {} {}",
            p.title,
            p.seller,
            attribute_words.join(" ")
        ));
        let attributes = serde_json::Value::Object(p.attributes.clone()).to_string();
        let row = store::NewRow {
            id: &new_id(),
            seller_id: &seller_id,
            origin_id: &origin_id,
            category_id: &category_id,
            title: &p.title,
            description: &p.description,
            price: p.price,
            old_price: p.old_price,
            weight_g: p.weight_g,
            dims_mm: p.dims_mm,
            stock: p.stock,
            attributes: &attributes,
            search_text: &search,
            created_at: now,
        };
        written += store::upsert_by_sku(&mut tx, &p.sku, &row).await?;
    }
    tx.commit().await?;
    Ok(written)
}

/// Checks a file's text and stores it when every row is right: how many products were written,
/// or the errors by row (nothing written). The console's upload; the CLI reads a path.
pub async fn import_text(
    db: &Db,
    text: &str,
    now: i64,
) -> anyhow::Result<Result<u64, Vec<RowError>>> {
    let products = match crate::import::rows_of(text).and_then(validate) {
        Ok(p) => p,
        Err(errors) => return Ok(Err(errors)),
    };
    let n = store(db, &products, now).await?;
    super::reindex(db).await?;
    Ok(Ok(n))
}

/// Reads, checks and stores a file; returns how many products were written.
pub async fn run(db: &Db, path: &std::path::Path, now: i64) -> anyhow::Result<u64> {
    let rows: Vec<Row> = crate::import::read_rows(path)?;
    let products = validate(rows).map_err(|e| crate::import::refused(&e))?;
    let n = store(db, &products, now).await?;
    super::reindex(db).await?;
    Ok(n)
}
