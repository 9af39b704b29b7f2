//! `kabinet pickup-points import FILE`: a shop's own pickup points and lockers.
//!
//! Fields (JSON or CSV, see [`crate::import`]): `code` (the shop's id, required: importing
//! again updates the point), `kind` (`pickup_point` / `parcel_locker`, or «ПВЗ» / «постамат»),
//! `city`, `address`, `lat`, `lon`, `hours`, and optionally `max_weight_g` and `max_side_mm`
//! (defaults by kind: 30 kg / 1.5 m for pickup points, 15 kg / 600 mm for lockers).

use super::{Kind, NewPoint};
use crate::import::{Num, RowError};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Row {
    pub code: String,
    pub kind: String,
    pub city: String,
    pub address: String,
    pub lat: Num,
    pub lon: Num,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub max_weight_g: Option<Num>,
    #[serde(default)]
    pub max_side_mm: Option<Num>,
}

fn kind_of(s: &str) -> Option<Kind> {
    match crate::catalog::normalize(s).as_str() {
        "pickup_point" | "пвз" | "пункт выдачи" => Some(Kind::PickupPoint),
        "parcel_locker" | "постамат" => Some(Kind::ParcelLocker),
        _ => None,
    }
}

/// Checks every row; all errors are reported together and nothing is stored if there are any.
pub fn validate(rows: Vec<Row>) -> Result<Vec<NewPoint>, Vec<RowError>> {
    let mut points = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, r) in rows.into_iter().enumerate() {
        let mut err = |message: String| {
            errors.push(RowError {
                row: i + 1,
                message,
            })
        };
        let code = r.code.trim().to_owned();
        if code.is_empty() || code.chars().count() > 64 {
            err("code: required, at most 64 characters".into());
            continue;
        }
        if !seen.insert(code.clone()) {
            err(format!("code {code:?} appears twice"));
            continue;
        }
        let Some(kind) = kind_of(&r.kind) else {
            err(format!(
                "kind {:?}: pickup_point or parcel_locker (ПВЗ / постамат)",
                r.kind
            ));
            continue;
        };
        let (lat, lon) = (r.lat.as_f64(), r.lon.as_f64());
        let (Some(lat), Some(lon)) = (lat, lon) else {
            err("lat and lon: numbers".into());
            continue;
        };
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            err(format!("coordinates {lat}, {lon} are off the globe"));
            continue;
        }
        if r.city.trim().is_empty() || r.address.trim().is_empty() {
            err("city and address: required".into());
            continue;
        }
        let (default_w, default_side) = match kind {
            Kind::PickupPoint => (30_000, 1_500),
            Kind::ParcelLocker => (15_000, 600),
        };
        let size = |v: &Option<Num>, default: i64| match v {
            None => Some(default),
            Some(Num::Text(s)) if s.trim().is_empty() => Some(default),
            Some(n) => n.as_i64().filter(|v| (1..=1_000_000).contains(v)),
        };
        let (Some(max_weight_g), Some(max_side_mm)) = (
            size(&r.max_weight_g, default_w),
            size(&r.max_side_mm, default_side),
        ) else {
            err("max_weight_g and max_side_mm: whole numbers from 1 to 1 000 000".into());
            continue;
        };
        points.push(NewPoint {
            code: Some(code),
            kind,
            city: r.city.trim().to_owned(),
            address: r.address.trim().to_owned(),
            lat,
            lon,
            hours: if r.hours.trim().is_empty() {
                "—".to_owned()
            } else {
                r.hours.trim().to_owned()
            },
            max_weight_g,
            max_side_mm,
        });
    }
    if errors.is_empty() {
        Ok(points)
    } else {
        Err(errors)
    }
}

/// Checks a file's text and stores it when every row is right: how many points were written,
/// or the errors by row (nothing written). The console's upload; the CLI reads a path.
pub async fn import_text(
    db: &crate::db::Db,
    text: &str,
) -> anyhow::Result<Result<u64, Vec<RowError>>> {
    let points = match crate::import::rows_of(text).and_then(validate) {
        Ok(p) => p,
        Err(errors) => return Ok(Err(errors)),
    };
    Ok(Ok(super::store(db, &points).await?))
}

/// Reads, checks and stores a file; returns how many points were written.
pub async fn run(db: &crate::db::Db, path: &std::path::Path) -> anyhow::Result<u64> {
    let rows: Vec<Row> = crate::import::read_rows(path)?;
    let points = validate(rows).map_err(|e| crate::import::refused(&e))?;
    Ok(super::store(db, &points).await?)
}
