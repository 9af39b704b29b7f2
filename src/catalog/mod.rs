//! The catalogue (PRODUCT S1): products with seller, shipping origin (a seller's warehouse),
//! category, price and old price, weight and dimensions, stock and attributes. Anyone browses.
//!
//! Search is Russian-aware without the database's help: `search_text` is lower-cased with
//! ё→е in Rust, and queries are normalised the same way (ARCHITECTURE §3).

pub mod api;
pub mod demo;
pub mod import;
pub mod pages;

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use serde::Serialize;

/// Lower case, ё→е, inner whitespace folded: what both stored text and queries become.
pub fn normalize(s: &str) -> String {
    s.to_lowercase()
        .replace('ё', "е")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `%word%` for LIKE, with the pattern characters escaped (used with `ESCAPE '\'`).
pub fn like_pattern(word: &str) -> String {
    let escaped: String = word
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// Longest search text accepted (characters); longer is 400 `query_too_long`, never a
/// database error.
pub const MAX_QUERY_CHARS: usize = 200;

/// The first `max` words of a search text, normalised, as LIKE patterns (empty when no text).
pub fn search_words(q: Option<&str>, max: usize) -> AppResult<Vec<String>> {
    let q = q.unwrap_or("");
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_request("query_too_long").arg("max", MAX_QUERY_CHARS.to_string()));
    }
    Ok(normalize(q)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(max)
        .map(like_pattern)
        .collect())
}

/// An opaque cursor over ids.
pub fn encode_cursor(id: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id)
}

pub fn decode_cursor(c: &str) -> AppResult<String> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .filter(|s| crate::db::looks_like_id(s))
        .ok_or_else(|| AppError::bad_request("invalid_cursor"))
}

/// A product as the API shows it (PRODUCT §3 shape, plus more).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Product {
    pub id: String,
    pub title: String,
    pub description: String,
    /// Kopecks.
    pub price: i64,
    pub old_price: Option<i64>,
    pub category: String,
    pub category_id: String,
    pub seller_id: String,
    pub seller_name: String,
    /// The shipping origin: a seller's warehouse.
    pub origin_id: String,
    pub origin_city: String,
    pub weight_g: i64,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    pub stock: i64,
    /// Attributes as a JSON object («Бренд», «Цвет», …).
    #[serde(serialize_with = "json_object")]
    #[schema(value_type = Object)]
    pub attributes: String,
    #[serde(skip)]
    pub lead_days: i64,
}

/// Writes a stored JSON object text as an object (an empty one if it is not valid JSON).
fn json_object<S: serde::Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
        .unwrap_or_default()
        .serialize(s)
}

impl Product {
    pub fn image(&self) -> String {
        format!("/catalog/img/{}.svg", self.id)
    }
    pub fn attributes_list(&self) -> Vec<(String, String)> {
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&self.attributes)
            .map(|m| {
                m.into_iter()
                    .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Money for people: «1 299,00 ₽» (non-breaking spaces).
pub fn rubles(kopecks: i64) -> String {
    let sign = if kopecks < 0 { "-" } else { "" };
    let k = kopecks.unsigned_abs();
    let whole = (k / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped},{:02}\u{a0}₽", k % 100)
}

pub async fn get(state: &AppState, id: &str) -> AppResult<Option<Product>> {
    if !crate::db::looks_like_id(id) {
        return Ok(None);
    }
    const SQL: &str = "SELECT p.id, p.title, p.description, p.price, p.old_price, c.name_ru AS category, \
        p.category_id, p.seller_id, s.name AS seller_name, p.origin_id, w.city AS origin_city, p.weight_g, \
        p.length_mm, p.width_mm, p.height_mm, p.stock, p.attributes, w.lead_days \
        FROM products p JOIN sellers s ON s.id = p.seller_id JOIN warehouses w ON w.id = p.origin_id \
        JOIN categories c ON c.id = p.category_id WHERE p.id = $1";
    Ok(sqlx::query_as(SQL)
        .bind(id)
        .fetch_optional(&state.db)
        .await?)
}

/// A page of products, by id order, filtered by words of `q` and a category.
pub async fn search(
    state: &AppState,
    q: Option<&str>,
    category: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Product>, Option<String>)> {
    let words = search_words(q, 5)?;
    // Five optional word filters keep one SQL text for every query.
    let mut w = words.into_iter();
    let mut next = || w.next().unwrap_or_else(|| "%".to_owned());
    let (w1, w2, w3, w4, w5) = (next(), next(), next(), next(), next());
    const SQL: &str = "SELECT p.id, p.title, p.description, p.price, p.old_price, c.name_ru AS category, \
        p.category_id, p.seller_id, s.name AS seller_name, p.origin_id, w.city AS origin_city, p.weight_g, \
        p.length_mm, p.width_mm, p.height_mm, p.stock, p.attributes, w.lead_days \
        FROM products p JOIN sellers s ON s.id = p.seller_id JOIN warehouses w ON w.id = p.origin_id \
        JOIN categories c ON c.id = p.category_id \
        WHERE p.id > $1 AND ($2 = '' OR p.category_id = $2) \
        AND p.search_text LIKE $3 ESCAPE '\\' AND p.search_text LIKE $4 ESCAPE '\\' \
        AND p.search_text LIKE $5 ESCAPE '\\' AND p.search_text LIKE $6 ESCAPE '\\' \
        AND p.search_text LIKE $7 ESCAPE '\\' ORDER BY p.id LIMIT $8";
    let mut rows: Vec<Product> = sqlx::query_as(SQL)
        .bind(after.unwrap_or(""))
        .bind(category.unwrap_or(""))
        .bind(w1)
        .bind(w2)
        .bind(w3)
        .bind(w4)
        .bind(w5)
        .bind(limit + 1)
        .fetch_all(&state.db)
        .await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|p| encode_cursor(&p.id))
    } else {
        None
    };
    Ok((rows, next))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Category {
    pub id: String,
    pub name_ru: String,
    pub name_en: String,
}

pub async fn categories(state: &AppState) -> AppResult<Vec<Category>> {
    Ok(
        sqlx::query_as("SELECT id, name_ru, name_en FROM categories ORDER BY position")
            .fetch_all(&state.db)
            .await?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_russian_aware() {
        assert_eq!(normalize("  Ёлочные   ИГРУШКИ "), "елочные игрушки");
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }

    #[test]
    fn money_for_people() {
        assert_eq!(rubles(129_900), "1\u{a0}299,00\u{a0}₽");
        assert_eq!(rubles(5), "0,05\u{a0}₽");
        assert_eq!(rubles(123_456_789), "1\u{a0}234\u{a0}567,89\u{a0}₽");
    }

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        let id = crate::db::new_id();
        assert_eq!(decode_cursor(&encode_cursor(&id)).unwrap(), id);
        assert!(decode_cursor("!!").is_err());
        assert!(decode_cursor(&encode_cursor("x")).is_err());
    }
}
