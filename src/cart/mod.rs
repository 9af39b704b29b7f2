//! The cart (PRODUCT S2) and its parcel plan: before checkout the customer sees whether the
//! items ship together, and if not, why. A guest's cart lives under a cookie and joins the
//! customer's cart at sign-in.

pub mod api;
pub mod favorites;
pub mod http;
pub mod pages;

use crate::error::{AppError, AppResult};
use crate::products::Product;
use crate::state::AppState;
use serde::Serialize;

/// Parcels split above this weight (PRODUCT §2).
pub const MAX_PARCEL_G: i64 = 25_000;
/// Largest quantity of one product in a cart.
pub const MAX_QUANTITY: i64 = 999;
pub const CART_COOKIE: &str = "kabinet_cart";

/// Why a parcel is separate from the first one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// «другой продавец»
    OtherSeller,
    /// «другой склад»
    OtherWarehouse,
    /// «превышен вес»
    Overweight,
}

impl Reason {
    pub fn key(self) -> &'static str {
        match self {
            Reason::OtherSeller => "parcel-other-seller",
            Reason::OtherWarehouse => "parcel-other-warehouse",
            Reason::Overweight => "parcel-overweight",
        }
    }
}

/// What planning needs of a cart line.
#[derive(Debug, Clone)]
pub struct Item {
    pub product_id: String,
    pub seller_id: String,
    pub origin_id: String,
    pub weight_g: i64,
    pub quantity: i64,
    pub lead_days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parcel {
    pub origin_id: String,
    pub seller_id: String,
    pub product_ids: Vec<String>,
    /// How many of each of `product_ids` travel in this parcel (same order).
    pub quantities: Vec<i64>,
    pub weight_g: i64,
    pub reason: Option<Reason>,
    pub lead_days: i64,
}

/// Groups items by shipping origin (in cart order), then packs each group into parcels of at
/// most `max_g` (first fit, unit by unit; a single unit heavier than that travels alone).
pub fn plan(items: &[Item], max_g: i64) -> Vec<Parcel> {
    let mut origins: Vec<&str> = Vec::new();
    for i in items {
        if !origins.contains(&i.origin_id.as_str()) {
            origins.push(&i.origin_id);
        }
    }
    let mut parcels: Vec<Parcel> = Vec::new();
    for origin in origins {
        let group: Vec<&Item> = items.iter().filter(|i| i.origin_id == origin).collect();
        let first_of_origin = parcels.len();
        for item in group {
            for _ in 0..item.quantity.max(0) {
                let fits = parcels[first_of_origin..]
                    .iter_mut()
                    .find(|p| p.weight_g + item.weight_g <= max_g);
                let parcel = match fits {
                    Some(p) => p,
                    None => {
                        parcels.push(Parcel {
                            origin_id: item.origin_id.clone(),
                            seller_id: item.seller_id.clone(),
                            product_ids: Vec::new(),
                            quantities: Vec::new(),
                            weight_g: 0,
                            reason: None,
                            lead_days: item.lead_days,
                        });
                        parcels.last_mut().expect("just pushed")
                    }
                };
                parcel.weight_g += item.weight_g;
                match parcel
                    .product_ids
                    .iter()
                    .position(|id| *id == item.product_id)
                {
                    Some(i) => parcel.quantities[i] += 1,
                    None => {
                        parcel.product_ids.push(item.product_id.clone());
                        parcel.quantities.push(1);
                    }
                }
            }
        }
    }
    let first_seller = parcels.first().map(|p| p.seller_id.clone());
    let mut seen_origins: Vec<String> = Vec::new();
    for p in &mut parcels {
        p.reason = if seen_origins.contains(&p.origin_id) {
            Some(Reason::Overweight)
        } else if seen_origins.is_empty() {
            None
        } else if first_seller.as_deref() != Some(p.seller_id.as_str()) {
            Some(Reason::OtherSeller)
        } else {
            Some(Reason::OtherWarehouse)
        };
        seen_origins.push(p.origin_id.clone());
    }
    parcels
}

/// Whose cart a request works on.
#[derive(Debug, Clone)]
pub struct CartOwner {
    pub owner: String,
    pub customer_id: Option<String>,
    /// A guest cookie to set (the first line of a new guest cart).
    pub new_cookie: Option<String>,
}

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

/// The cart owner key of a guest cart token (its hash: the token itself is never stored).
pub fn guest_owner(token: &str) -> String {
    format!(
        "guest:{}",
        &crate::domain::identity::token_hash(token)[..32]
    )
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
            .fetch_all(&mut *tx)
            .await?;
            for (product_id, quantity) in lines {
                let stock: i64 = sqlx::query_scalar("SELECT stock FROM products WHERE id = $1")
                    .bind(&product_id)
                    .fetch_optional(&mut *tx)
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
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE cart_lines SET quantity = $1 WHERE owner = $2 AND product_id = $3 AND quantity > $1",
                )
                .bind(stock.clamp(1, MAX_QUANTITY))
                .bind(&customer)
                .bind(&product_id)
                .execute(&mut *tx)
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
    .execute(&state.db)
    .await?;
    Ok(())
}

pub async fn remove(state: &AppState, owner: &str, product_id: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM cart_lines WHERE owner = $1 AND product_id = $2")
        .bind(owner)
        .bind(product_id)
        .execute(&state.db)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Line {
    pub product_id: String,
    pub title: String,
    pub price: i64,
    pub quantity: i64,
    pub line_total: i64,
    pub stock: i64,
    pub seller_name: String,
    pub origin_id: String,
    pub weight_g: i64,
    pub image: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParcelView {
    pub origin_id: String,
    pub origin_city: String,
    pub seller_name: String,
    pub product_ids: Vec<String>,
    /// What travels in this parcel: each product with its quantity.
    pub items: Vec<ParcelItem>,
    pub weight_g: i64,
    /// `null` for the first parcel; else `other_seller`, `other_warehouse` or `overweight`.
    pub reason: Option<Reason>,
    /// The reason in the request's language.
    pub reason_text: Option<String>,
    /// YYYY-MM-DD, if ordered now.
    pub estimated_delivery: String,
    /// The same date for people, in the request's language («25 ноября»).
    pub estimated_delivery_text: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParcelItem {
    pub product_id: String,
    pub title: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Cart {
    pub lines: Vec<Line>,
    pub parcels: Vec<ParcelView>,
    pub single_parcel: bool,
    /// Goods total, kopecks.
    pub total: i64,
    pub items_count: i64,
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

/// What the parcel planner needs of the cart's lines.
pub fn items_of(products: &[(Product, i64)]) -> Vec<Item> {
    products
        .iter()
        .map(|(p, q)| Item {
            product_id: p.id.clone(),
            seller_id: p.seller_id.clone(),
            origin_id: p.origin_id.clone(),
            weight_g: p.weight_g,
            quantity: *q,
            lead_days: p.lead_days,
        })
        .collect()
}

/// Today in the shop's time zone, as a calendar date.
pub fn shop_today(state: &AppState, ms: i64) -> time::Date {
    let at = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let d = state.zone.to_datetime(at).date();
    time::Month::try_from(d.month() as u8)
        .ok()
        .and_then(|m| time::Date::from_calendar_date(i32::from(d.year()), m, d.day() as u8).ok())
        .unwrap_or(time::Date::MIN)
}

/// The parcel plan of `products` (with quantities) if they leave the warehouses on `day`.
pub fn parcel_views(
    products: &[(Product, i64)],
    day: time::Date,
    locale: crate::i18n::Locale,
) -> Vec<ParcelView> {
    let items = items_of(products);
    plan(&items, MAX_PARCEL_G)
        .into_iter()
        .map(|p| {
            let origin = products
                .iter()
                .find(|(x, _)| x.origin_id == p.origin_id)
                .map(|(x, _)| x);
            let arrives = day + time::Duration::days(p.lead_days);
            ParcelView {
                origin_city: origin.map(|o| o.origin_city.clone()).unwrap_or_default(),
                seller_name: origin.map(|o| o.seller_name.clone()).unwrap_or_default(),
                estimated_delivery: arrives.to_string(),
                estimated_delivery_text: locale.day_month(arrives),
                reason_text: p.reason.map(|r| locale.t(r.key())),
                items: p
                    .product_ids
                    .iter()
                    .zip(&p.quantities)
                    .map(|(id, q)| ParcelItem {
                        title: products
                            .iter()
                            .find(|(x, _)| x.id == *id)
                            .map(|(x, _)| x.title.clone())
                            .unwrap_or_default(),
                        product_id: id.clone(),
                        quantity: *q,
                    })
                    .collect(),
                origin_id: p.origin_id,
                product_ids: p.product_ids,
                weight_g: p.weight_g,
                reason: p.reason,
            }
        })
        .collect()
}

/// The cart with its parcel plan.
pub async fn load(state: &AppState, owner: &str, locale: crate::i18n::Locale) -> AppResult<Cart> {
    let products = lines(state, owner).await?;
    let today = shop_today(state, state.clock.now_ms());
    let parcels = parcel_views(&products, today, locale);
    let lines: Vec<Line> = products
        .into_iter()
        .map(|(p, q)| Line {
            image: p.image(),
            line_total: p.price * q,
            product_id: p.id,
            title: p.title,
            price: p.price,
            quantity: q,
            stock: p.stock,
            seller_name: p.seller_name,
            origin_id: p.origin_id,
            weight_g: p.weight_g,
        })
        .collect();
    Ok(Cart {
        total: lines.iter().map(|l| l.line_total).sum(),
        items_count: lines.iter().map(|l| l.quantity).sum(),
        single_parcel: parcels.len() <= 1,
        lines,
        parcels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, seller: &str, origin: &str, weight_g: i64, quantity: i64) -> Item {
        Item {
            product_id: id.into(),
            seller_id: seller.into(),
            origin_id: origin.into(),
            weight_g,
            quantity,
            lead_days: 2,
        }
    }

    #[test]
    fn one_warehouse_is_one_parcel() {
        let p = plan(
            &[item("a", "s1", "w1", 500, 2), item("b", "s1", "w1", 300, 1)],
            MAX_PARCEL_G,
        );
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].product_ids, vec!["a", "b"]);
        assert_eq!(p[0].weight_g, 1300);
        assert_eq!(p[0].reason, None);
    }

    #[test]
    fn two_sellers_or_warehouses_are_separate_parcels() {
        let p = plan(
            &[
                item("a", "s1", "w1", 500, 1),
                item("b", "s2", "w2", 300, 1),
                item("c", "s1", "w3", 100, 1),
            ],
            MAX_PARCEL_G,
        );
        let reasons: Vec<_> = p.iter().map(|x| x.reason).collect();
        assert_eq!(
            reasons,
            vec![
                None,
                Some(Reason::OtherSeller),
                Some(Reason::OtherWarehouse)
            ]
        );
    }

    #[test]
    fn heavy_orders_split_by_weight() {
        // Three 10 kg units: two fit in 25 kg, the third goes in a second parcel.
        let p = plan(&[item("d", "s1", "w1", 10_000, 3)], MAX_PARCEL_G);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].weight_g, p[1].weight_g), (20_000, 10_000));
        assert_eq!(p[1].reason, Some(Reason::Overweight));
        // A single unit over the limit travels alone.
        let p = plan(
            &[
                item("w", "s1", "w1", 60_000, 1),
                item("x", "s1", "w1", 1_000, 1),
            ],
            MAX_PARCEL_G,
        );
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].product_ids, vec!["w"]);
    }

    #[test]
    fn empty_cart_has_no_parcels() {
        assert!(plan(&[], MAX_PARCEL_G).is_empty());
    }
}
