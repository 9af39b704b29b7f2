//! The cart (PRODUCT S2) and its parcel plan: before checkout the customer sees whether the
//! items ship together, and if not, why. A guest's cart lives under a cookie and joins the
//! customer's cart at sign-in.

pub mod api;
pub mod favorites;
pub mod http;
pub mod pages;
pub mod store;

pub use store::*;

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

/// The cart owner key of a guest cart token (its hash: the token itself is never stored).
pub fn guest_owner(token: &str) -> String {
    format!(
        "guest:{}",
        &crate::domain::identity::token_hash(token)[..32]
    )
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
    /// What the signed-in customer's own accounts can pay for this cart (absent for guests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wallet: Option<Wallet>,
}

/// The customer's points and balance as this cart sees them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CartWallet)]
pub struct Wallet {
    /// Status points the customer has (1 point = 1 ₽).
    pub points: i64,
    /// The most points this cart allows: 25 % of the goods, and no more than the customer has.
    pub points_max: i64,
    /// Money on the account, kopecks.
    pub balance: i64,
    /// Why `points_max` is what it is, in the customer's language (pages only).
    #[serde(skip)]
    pub points_why: String,
}

/// The cart with what the signed-in customer's points and balance can pay of it.
pub async fn load_for(
    state: &AppState,
    owner: &CartOwner,
    locale: crate::i18n::Locale,
) -> AppResult<Cart> {
    let mut cart = load(state, &owner.owner, locale).await?;
    if let Some(customer) = &owner.customer_id {
        let now = state.clock.now_ms();
        let points = crate::loyalty::available(&state.db, customer, now).await?;
        let cap = crate::loyalty::cap(crate::domain::money::Kopecks::new(cart.total), points);
        cart.wallet = Some(Wallet {
            points,
            points_max: cap.points,
            balance: crate::balance::balance(&state.db, customer).await?.get(),
            points_why: locale.ta(cap.key, &cap.args),
        });
    }
    Ok(cart)
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
        wallet: None,
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
