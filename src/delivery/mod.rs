//! Delivery points (PRODUCT S4): pickup points (ПВЗ) and parcel lockers (постаматы), found
//! nearest to coordinates or by address text; lockers refuse parcels over their cell size or
//! weight. The customer's last choice is remembered.
//!
//! Nearest search needs no spatial extension in the database: every node keeps the points in
//! an in-memory R-tree ([`index`]), reloaded when the network changes. Text search and single
//! points read the table.

pub mod addresses;
pub mod api;
pub mod demo;
pub mod import;
pub mod pages;
pub mod store;

pub use crate::points::{Kind, ParcelSize, Point, PointIndex, Traits, distance_m, index, version};

use crate::error::{AppError, AppResult};
use crate::points::store as points_store;
use crate::state::AppState;

/// Search filters shared by the API and the page.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kind: Option<Kind>,
    pub fits: Option<Vec<ParcelSize>>,
}

impl Filter {
    fn keep(&self, p: Traits) -> bool {
        self.kind.is_none_or(|k| p.kind == Some(k)) && self.fits.as_ref().is_none_or(|f| p.fits(f))
    }
}

/// The `limit` points nearest to (lat, lon), nearest first.
pub async fn nearest(
    state: &AppState,
    lat: f64,
    lon: f64,
    limit: usize,
    filter: &Filter,
) -> AppResult<Vec<Point>> {
    if !(-90.0..=90.0).contains(&lat)
        || !(-180.0..=180.0).contains(&lon)
        || !lat.is_finite()
        || !lon.is_finite()
    {
        return Err(AppError::bad_request("invalid_coordinates"));
    }
    Ok(state.points.nearest(lat, lon, limit, |p| filter.keep(p)))
}

/// A point to store: from the demo generator or an import file (`code` = the shop's own id).
#[derive(Debug, Clone)]
pub struct NewPoint {
    pub code: Option<String>,
    pub kind: Kind,
    pub city: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub hours: String,
    pub max_weight_g: i64,
    pub max_side_mm: i64,
}

/// Stores points in one transaction (a point whose `code` exists is updated) and bumps the
/// network version. Returns how many rows were written.
pub async fn store(db: &crate::db::Db, points: &[NewPoint]) -> Result<u64, sqlx::Error> {
    // Rows per INSERT: measured on the demo's 100 000 points, SQLite's cost per statement grows
    // faster than its rows (500 rows: 7.6 s, 50: 2.5 s), and PostgreSQL answered statements of
    // 50 rows and more ~40 ms late; 40 is quick on both.
    const BATCH: usize = 40;
    let mut tx = crate::db::begin_write(db).await?;
    let mut written = 0;
    for chunk in points.chunks(BATCH) {
        let rows = chunk
            .iter()
            .map(|p| {
                let address = p.address.split_whitespace().collect::<Vec<_>>().join(" ");
                let search_text = crate::catalog::normalize(&format!("{} {address}", p.city));
                points_store::NewRow {
                    id: crate::db::new_id(),
                    code: p.code.clone(),
                    kind: p.kind.as_str(),
                    city: p.city.clone(),
                    address,
                    lat: p.lat,
                    lon: p.lon,
                    hours: p.hours.clone(),
                    max_weight_g: p.max_weight_g,
                    max_side_mm: p.max_side_mm,
                    search_text,
                }
            })
            .collect();
        written += points_store::upsert(&mut tx, rows).await?;
    }
    points_store::bump_version(&mut tx).await?;
    tx.commit().await?;
    Ok(written)
}

/// Points whose city or address contain every word of `q` (Russian-aware).
pub async fn by_text(
    state: &AppState,
    q: &str,
    limit: usize,
    filter: &Filter,
) -> AppResult<Vec<Point>> {
    let words = crate::catalog::search_words(Some(q), 3)?;
    if words.is_empty() {
        return Err(AppError::bad_request("query_required"));
    }
    let mut w = words.into_iter();
    let mut next = || w.next().unwrap_or_else(|| "%".to_owned());
    let (w1, w2, w3) = (next(), next(), next());
    let rows = points_store::by_text(&state.db, [w1, w2, w3], (limit * 4) as i64).await?;
    Ok(rows
        .into_iter()
        .filter(|p| filter.keep(p.traits()))
        .take(limit)
        .collect())
}

pub async fn get(state: &AppState, id: &str) -> AppResult<Option<Point>> {
    if !crate::db::looks_like_id(id) {
        return Ok(None);
    }
    Ok(points_store::get(&state.db, id).await?)
}

/// The parcels of a customer's cart, as sizes to fit into a point.
pub async fn cart_parcels(state: &AppState, owner: &str) -> AppResult<Vec<ParcelSize>> {
    let products = crate::cart::lines(state, owner).await?;
    let plan = crate::cart::plan(&crate::cart::items_of(&products), crate::cart::MAX_PARCEL_G);
    Ok(plan
        .iter()
        .map(|parcel| ParcelSize {
            weight_g: parcel.weight_g,
            longest_side_mm: products
                .iter()
                .filter(|(p, _)| parcel.product_ids.contains(&p.id))
                .map(|(p, _)| p.length_mm.max(p.width_mm).max(p.height_mm))
                .max()
                .unwrap_or(0),
        })
        .collect())
}

/// Remembers the customer's choice for the next checkout.
pub async fn remember(state: &AppState, customer_id: &str, point_id: &str) -> AppResult<()> {
    crate::customers::store::set_pickup_point(&state.db, customer_id, point_id).await?;
    Ok(())
}

pub async fn remembered(state: &AppState, customer_id: &str) -> AppResult<Option<Point>> {
    let id = crate::customers::store::pickup_point(&state.db, customer_id).await?;
    match id.flatten() {
        Some(id) => get(state, &id).await,
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_great_circle_metres() {
        // Moscow (Red Square) to St Petersburg (Palace Square): about 634 km.
        let d = distance_m(55.7539, 37.6208, 59.9391, 30.3159);
        assert!((630_000.0..640_000.0).contains(&d), "{d}");
        assert!(distance_m(55.0, 37.0, 55.0, 37.0) < 0.001);
    }

    #[test]
    fn lockers_refuse_parcels_over_their_cell() {
        let locker = Point {
            id: "p".into(),
            kind: "parcel_locker".into(),
            city: String::new(),
            address: String::new(),
            lat: 0.0,
            lon: 0.0,
            hours: String::new(),
            max_weight_g: 15_000,
            max_side_mm: 600,
            distance_m: None,
        };
        let small = ParcelSize {
            weight_g: 2_000,
            longest_side_mm: 300,
        };
        let heavy = ParcelSize {
            weight_g: 20_000,
            longest_side_mm: 300,
        };
        let long = ParcelSize {
            weight_g: 1_000,
            longest_side_mm: 900,
        };
        assert!(locker.fits(&[small]));
        assert!(!locker.fits(&[small, heavy]));
        assert!(!locker.fits(&[long]));
    }
}
