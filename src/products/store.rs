//! The products' SQL: products, their sellers, warehouses and categories, and the search text
//! of products and purchased lines. What other capabilities may do to a product's row goes
//! through here.

use super::{Category, Product};
use crate::db::Db;

/// Takes `quantity` from a product's stock if that much is left (one conditional statement).
/// `Ok(None)` when taken; `Ok(Some(left))` when not, with what is left.
pub async fn take_stock(
    tx: &mut crate::db::Conn,
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
    tx: &mut crate::db::Conn,
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
    tx: &mut crate::db::Conn,
    product_id: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT seller_id, category_id FROM products WHERE id = $1")
        .bind(product_id)
        .fetch_optional(&mut *tx)
        .await
}

// ---- search text ------------------------------------------------------------------------------

/// What a product's search text is made of: its title, its category's names, its seller's
/// name and its attributes (a JSON object's text).
#[derive(Debug, Clone)]
pub struct ProductWords {
    pub id: String,
    pub title: String,
    pub category_ru: String,
    pub category_en: String,
    pub seller: String,
    pub attributes: String,
}

/// Up to a thousand products whose search text is older than `version` (found through the
/// `search_v` index).
pub async fn products_to_index(db: &Db, version: i64) -> Result<Vec<ProductWords>, sqlx::Error> {
    let rows: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT p.id, p.title, c.name_ru, c.name_en, s.name, p.attributes FROM products p \
         JOIN categories c ON c.id = p.category_id JOIN sellers s ON s.id = p.seller_id \
         WHERE p.search_v < $1 LIMIT 1000",
    )
    .bind(version)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, title, category_ru, category_en, seller, attributes)| ProductWords {
                id,
                title,
                category_ru,
                category_en,
                seller,
                attributes,
            },
        )
        .collect())
}

/// Stores a product's search text, made at `version`.
pub async fn set_product_search_text(
    tx: &mut crate::db::Conn,
    product_id: &str,
    text: &str,
    version: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE products SET search_text = $1, search_v = $2 WHERE id = $3")
        .bind(text)
        .bind(version)
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

// ---- finding products -------------------------------------------------------------------------

/// One product by id.
pub async fn get(db: &Db, id: &str) -> Result<Option<Product>, sqlx::Error> {
    const SQL: &str = "SELECT p.id, p.title, p.description, p.price, p.old_price, c.name_ru AS category, \
        p.category_id, p.seller_id, s.name AS seller_name, p.origin_id, w.city AS origin_city, p.weight_g, \
        p.length_mm, p.width_mm, p.height_mm, p.stock, p.attributes, w.lead_days \
        FROM products p JOIN sellers s ON s.id = p.seller_id JOIN warehouses w ON w.id = p.origin_id \
        JOIN categories c ON c.id = p.category_id WHERE p.id = $1";
    sqlx::query_as(SQL).bind(id).fetch_optional(db).await
}

/// Up to `limit` products by id order after `after` (`""`: from the start), of `category`
/// (`""`: any) whose search text is LIKE every one of `words` (`"%"` matches anything).
pub async fn page_by_id(
    db: &Db,
    after: &str,
    category: &str,
    words: [String; 5],
    limit: i64,
) -> Result<Vec<Product>, sqlx::Error> {
    const SQL: &str = "SELECT p.id, p.title, p.description, p.price, p.old_price, c.name_ru AS category, \
        p.category_id, p.seller_id, s.name AS seller_name, p.origin_id, w.city AS origin_city, p.weight_g, \
        p.length_mm, p.width_mm, p.height_mm, p.stock, p.attributes, w.lead_days \
        FROM products p JOIN sellers s ON s.id = p.seller_id JOIN warehouses w ON w.id = p.origin_id \
        JOIN categories c ON c.id = p.category_id \
        WHERE p.id > $1 AND ($2 = '' OR p.category_id = $2) \
        AND p.search_text LIKE $3 ESCAPE '\\' AND p.search_text LIKE $4 ESCAPE '\\' \
        AND p.search_text LIKE $5 ESCAPE '\\' AND p.search_text LIKE $6 ESCAPE '\\' \
        AND p.search_text LIKE $7 ESCAPE '\\' ORDER BY p.id LIMIT $8";
    let [w1, w2, w3, w4, w5] = words;
    sqlx::query_as(SQL)
        .bind(after)
        .bind(category)
        .bind(w1)
        .bind(w2)
        .bind(w3)
        .bind(w4)
        .bind(w5)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// What the catalogue page filters by: a category (`""`: any), a price range in kopecks
/// (inclusive) and five LIKE patterns over the search text (`"%"` matches anything).
#[derive(Debug, Clone)]
pub struct BrowseFilter {
    pub category: String,
    pub min_price: i64,
    pub max_price: i64,
    pub words: [String; 5],
}

const BROWSE_FILTER: &str = "FROM products p JOIN sellers s ON s.id = p.seller_id JOIN warehouses w ON w.id = p.origin_id \
    JOIN categories c ON c.id = p.category_id \
    WHERE ($1 = '' OR p.category_id = $1) AND p.price >= $2 AND p.price <= $3 \
    AND p.search_text LIKE $4 ESCAPE '\\' AND p.search_text LIKE $5 ESCAPE '\\' \
    AND p.search_text LIKE $6 ESCAPE '\\' AND p.search_text LIKE $7 ESCAPE '\\' \
    AND p.search_text LIKE $8 ESCAPE '\\'";

/// How many products match `f`.
pub async fn browse_count(db: &Db, f: &BrowseFilter) -> Result<i64, sqlx::Error> {
    let [w1, w2, w3, w4, w5] = &f.words;
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) {BROWSE_FILTER}"
    )))
    .bind(&f.category)
    .bind(f.min_price)
    .bind(f.max_price)
    .bind(w1)
    .bind(w2)
    .bind(w3)
    .bind(w4)
    .bind(w5)
    .fetch_one(db)
    .await
}

/// The first `shown` products matching `f`, in the order of `sort`.
pub async fn browse_page(
    db: &Db,
    f: &BrowseFilter,
    sort: super::Sort,
    shown: i64,
) -> Result<Vec<Product>, sqlx::Error> {
    use super::Sort;
    let order_by = match sort {
        Sort::Popular => "p.id",
        Sort::PriceAsc => "p.price, p.id",
        Sort::PriceDesc => "p.price DESC, p.id",
        Sort::New => "p.created_at DESC, p.id",
    };
    let sql = format!(
        "SELECT p.id, p.title, p.description, p.price, p.old_price, c.name_ru AS category, \
         p.category_id, p.seller_id, s.name AS seller_name, p.origin_id, w.city AS origin_city, p.weight_g, \
         p.length_mm, p.width_mm, p.height_mm, p.stock, p.attributes, w.lead_days {BROWSE_FILTER} \
         ORDER BY {order_by} LIMIT $9"
    );
    let [w1, w2, w3, w4, w5] = &f.words;
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&f.category)
        .bind(f.min_price)
        .bind(f.max_price)
        .bind(w1)
        .bind(w2)
        .bind(w3)
        .bind(w4)
        .bind(w5)
        .bind(shown)
        .fetch_all(db)
        .await
}

/// The categories in their shelf order.
pub async fn categories(db: &Db) -> Result<Vec<Category>, sqlx::Error> {
    sqlx::query_as("SELECT id, name_ru, name_en FROM categories ORDER BY position")
        .fetch_all(db)
        .await
}

/// How many products there are.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM products")
        .fetch_one(db)
        .await
}

// ---- writing the catalogue (the demo fill and the import) -------------------------------------

/// Every category as (id, Russian name, English name).
pub async fn all_categories(
    tx: &mut crate::db::Conn,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name_ru, name_en FROM categories")
        .fetch_all(&mut *tx)
        .await
}

/// Every seller as (name, id).
pub async fn all_sellers(tx: &mut crate::db::Conn) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT name, id FROM sellers")
        .fetch_all(&mut *tx)
        .await
}

pub async fn insert_category(
    tx: &mut crate::db::Conn,
    id: &str,
    name_ru: &str,
    name_en: &str,
    position: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO categories (id, name_ru, name_en, position) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(name_ru)
        .bind(name_en)
        .bind(position)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub async fn insert_seller(
    tx: &mut crate::db::Conn,
    id: &str,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sellers (id, name) VALUES ($1, $2)")
        .bind(id)
        .bind(name)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A seller's first warehouse (by id) in `city`.
pub async fn warehouse_in(
    tx: &mut crate::db::Conn,
    seller_id: &str,
    city: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM warehouses WHERE seller_id = $1 AND city = $2 ORDER BY id LIMIT 1",
    )
    .bind(seller_id)
    .bind(city)
    .fetch_optional(&mut *tx)
    .await
}

pub async fn insert_warehouse(
    tx: &mut crate::db::Conn,
    id: &str,
    seller_id: &str,
    name: &str,
    city: &str,
    lead_days: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO warehouses (id, seller_id, name, city, lead_days) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(seller_id)
    .bind(name)
    .bind(city)
    .bind(lead_days)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A product row to write (prices in kopecks, `attributes` a JSON object's text, `search_text`
/// already made; it is re-indexed later at `search_v` 0).
#[derive(Debug, Clone)]
pub struct NewRow<'a> {
    pub id: &'a str,
    pub seller_id: &'a str,
    pub origin_id: &'a str,
    pub category_id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub price: i64,
    pub old_price: Option<i64>,
    pub weight_g: i64,
    pub dims_mm: [i64; 3],
    pub stock: i64,
    pub attributes: &'a str,
    pub search_text: &'a str,
    pub created_at: i64,
}

/// Inserts a product without a shop id (the demo goods).
pub async fn insert(tx: &mut crate::db::Conn, p: &NewRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO products (id, seller_id, origin_id, category_id, title, description, price, old_price, \
         weight_g, length_mm, width_mm, height_mm, stock, attributes, search_text, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(p.id)
    .bind(p.seller_id)
    .bind(p.origin_id)
    .bind(p.category_id)
    .bind(p.title)
    .bind(p.description)
    .bind(p.price)
    .bind(p.old_price)
    .bind(p.weight_g)
    .bind(p.dims_mm[0])
    .bind(p.dims_mm[1])
    .bind(p.dims_mm[2])
    .bind(p.stock)
    .bind(p.attributes)
    .bind(p.search_text)
    .bind(p.created_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Inserts a product by the shop's `sku`, or updates the product with that sku (keeping its id
/// and creation time, and marking its search text for re-indexing). Returns the rows written.
pub async fn upsert_by_sku(
    tx: &mut crate::db::Conn,
    sku: &str,
    p: &NewRow<'_>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO products (id, sku, seller_id, origin_id, category_id, title, description, price, old_price, \
         weight_g, length_mm, width_mm, height_mm, stock, attributes, search_text, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         ON CONFLICT (sku) DO UPDATE SET seller_id = excluded.seller_id, origin_id = excluded.origin_id, \
         category_id = excluded.category_id, title = excluded.title, description = excluded.description, \
         price = excluded.price, old_price = excluded.old_price, weight_g = excluded.weight_g, \
         length_mm = excluded.length_mm, width_mm = excluded.width_mm, height_mm = excluded.height_mm, \
         stock = excluded.stock, attributes = excluded.attributes, search_text = excluded.search_text, search_v = 0",
    )
    .bind(p.id)
    .bind(sku)
    .bind(p.seller_id)
    .bind(p.origin_id)
    .bind(p.category_id)
    .bind(p.title)
    .bind(p.description)
    .bind(p.price)
    .bind(p.old_price)
    .bind(p.weight_g)
    .bind(p.dims_mm[0])
    .bind(p.dims_mm[1])
    .bind(p.dims_mm[2])
    .bind(p.stock)
    .bind(p.attributes)
    .bind(p.search_text)
    .bind(p.created_at)
    .execute(&mut *tx)
    .await?
    .rows_affected())
}
