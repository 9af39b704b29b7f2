//! Products as data (PRODUCT S1): seller, shipping origin (a seller's warehouse), category,
//! price and old price, weight and dimensions, stock and attributes; finding them and keeping
//! their search text. A floor under the cart and the catalogue's pages.
//!
//! Search is Russian-aware without the database's help, the same on SQLite and PostgreSQL:
//! `search_text` holds the Snowball stems of a product's words (title, category, seller,
//! attributes, plus a few everyday synonyms), computed in Rust by [`search_text`]; a query's
//! words are stemmed the same way and matched at word starts, so «чайники» and «чайнику»
//! find «Чайник» (ARCHITECTURE §3).

pub mod store;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use serde::Serialize;

/// Lower case, ё→е, inner whitespace folded: what both stored text and queries become.
pub fn normalize(s: &str) -> String {
    s.to_lowercase()
        .replace('ё', "е")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The version of [`search_text`]: rows stored with a lower `search_v` are re-indexed.
pub const SEARCH_VERSION: i64 = 1;

/// Everyday words for what the catalogue names otherwise: a product whose text has the stem on
/// the left is also found by the words on the right.
const SYNONYMS: &[(&str, &str)] = &[
    ("смартфон", "телефон мобильный"),
    ("ноутбук", "компьютер лэптоп"),
    ("наушник", "гарнитура"),
    ("кроссовк", "обувь кеды"),
    ("футболк", "майка"),
    ("чайник", "электрочайник"),
    ("пылесос", "уборка"),
    ("гантел", "гиря"),
];

fn stem_word(w: &str) -> String {
    use rust_stemmers::{Algorithm, Stemmer};
    use std::sync::OnceLock;
    static RU: OnceLock<Stemmer> = OnceLock::new();
    static EN: OnceLock<Stemmer> = OnceLock::new();
    let stemmer = if w.chars().any(|c| c.is_ascii_alphabetic()) {
        EN.get_or_init(|| Stemmer::create(Algorithm::English))
    } else {
        RU.get_or_init(|| Stemmer::create(Algorithm::Russian))
    };
    stemmer.stem(w).into_owned()
}

/// The words of a text, normalised and stemmed («Чайники» → «чайник»).
pub fn stems(text: &str) -> Vec<String> {
    normalize(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(stem_word)
        .collect()
}

/// What a product is found by: its stems (and synonyms'), space-separated, with a space at
/// both ends so a query stem matches at a word start (`LIKE '% stem%'`).
pub fn search_text(text: &str) -> String {
    let mut words = stems(text);
    for (stem, more) in SYNONYMS {
        if words.iter().any(|w| w.starts_with(stem)) {
            words.extend(stems(more));
        }
    }
    let mut seen = std::collections::HashSet::new();
    words.retain(|w| seen.insert(w.clone()));
    format!(" {} ", words.join(" "))
}

/// Brings every product's and purchased line's `search_text` to [`SEARCH_VERSION`] (after a
/// change of the stemming, a demo fill or an import), a thousand rows per transaction. The rows
/// still to do are found through the `search_v` indexes, and a done row leaves them, so a start
/// with nothing to do reads nothing.
pub async fn reindex(db: &crate::db::Db) -> anyhow::Result<u64> {
    let mut done = 0;
    loop {
        let rows = store::products_to_index(db, SEARCH_VERSION).await?;
        if rows.is_empty() {
            break;
        }
        let mut tx = crate::db::begin_write(db).await?;
        for p in &rows {
            let attrs: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&p.attributes).unwrap_or_default();
            let attr_words: Vec<&str> = attrs.values().filter_map(|v| v.as_str()).collect();
            let text = search_text(&format!(
                "{} {} {} {} {}",
                p.title,
                p.category_ru,
                p.category_en,
                p.seller,
                attr_words.join(" ")
            ));
            store::set_product_search_text(&mut tx, &p.id, &text, SEARCH_VERSION).await?;
        }
        tx.commit().await?;
        done += rows.len() as u64;
    }
    Ok(done)
}

/// `%word%` for LIKE, with the pattern characters escaped (used with ESCAPE backslash).
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

/// The first `max` stems of a search text as word-start LIKE patterns (`% stem%`) over a
/// [`search_text`]; text of symbols only matches itself literally (that is, nothing).
pub fn stem_words(q: Option<&str>, max: usize) -> AppResult<Vec<String>> {
    let text = q.unwrap_or("");
    let literal = search_words(q, max)?;
    let words: Vec<String> = stems(text)
        .into_iter()
        .take(max)
        .map(|w| format!("% {}", like_pattern(&w).trim_start_matches('%')))
        .collect();
    Ok(if words.is_empty() { literal } else { words })
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
    /// The seller's attributes, less what the page already says (where it ships from).
    pub fn attributes_list(&self) -> Vec<(String, String)> {
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&self.attributes)
            .map(|m| {
                m.into_iter()
                    .filter(|(k, _)| k != "Отправка")
                    .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub use crate::domain::money::rubles;

pub async fn get(state: &AppState, id: &str) -> AppResult<Option<Product>> {
    if !crate::db::looks_like_id(id) {
        return Ok(None);
    }
    Ok(store::get(&state.db, id).await?)
}

/// A page of products, by id order, filtered by words of `q` and a category.
pub async fn search(
    state: &AppState,
    q: Option<&str>,
    category: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> AppResult<(Vec<Product>, Option<String>)> {
    let words = stem_words(q, 5)?;
    // Five optional word filters keep one SQL text for every query.
    let mut w = words.into_iter();
    let mut next = || w.next().unwrap_or_else(|| "%".to_owned());
    let (w1, w2, w3, w4, w5) = (next(), next(), next(), next(), next());
    let mut rows = store::page_by_id(
        &state.db,
        after.unwrap_or(""),
        category.unwrap_or(""),
        [w1, w2, w3, w4, w5],
        limit + 1,
    )
    .await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|p| encode_cursor(&p.id))
    } else {
        None
    };
    Ok((rows, next))
}

/// How the catalogue page orders what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Popular,
    PriceAsc,
    PriceDesc,
    New,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Popular, Sort::PriceAsc, Sort::PriceDesc, Sort::New];
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Popular => "popular",
            Sort::PriceAsc => "price_asc",
            Sort::PriceDesc => "price_desc",
            Sort::New => "new",
        }
    }
}

/// What the catalogue page asks for: words, a category, a price range (kopecks), an order.
#[derive(Debug, Clone, Default)]
pub struct Browse {
    pub q: Option<String>,
    pub category: Option<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub sort: Sort,
}

/// The first `shown` products matching `b`, and how many match in all.
pub async fn browse(state: &AppState, b: &Browse, shown: i64) -> AppResult<(Vec<Product>, i64)> {
    let words = stem_words(b.q.as_deref(), 5)?;
    let mut w = words.into_iter();
    let mut next = || w.next().unwrap_or_else(|| "%".to_owned());
    let (w1, w2, w3, w4, w5) = (next(), next(), next(), next(), next());
    let filter = store::BrowseFilter {
        category: b.category.clone().unwrap_or_default(),
        min_price: b.min_price.unwrap_or(0),
        max_price: b.max_price.unwrap_or(i64::MAX),
        words: [w1, w2, w3, w4, w5],
    };
    let total = store::browse_count(&state.db, &filter).await?;
    let rows = store::browse_page(&state.db, &filter, b.sort, shown).await?;
    Ok((rows, total))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Category {
    pub id: String,
    pub name_ru: String,
    pub name_en: String,
}

impl Category {
    /// The category's name in the page's language.
    pub fn name(&self, l: &crate::i18n::Locale) -> &str {
        match l {
            crate::i18n::Locale::Ru => &self.name_ru,
            crate::i18n::Locale::En => &self.name_en,
        }
    }
}

pub async fn categories(state: &AppState) -> AppResult<Vec<Category>> {
    Ok(store::categories(&state.db).await?)
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
