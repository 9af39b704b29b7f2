//! The pickup network's points as data: a point, its kind, what fits into it, distances, the
//! in-memory R-tree every node keeps for nearest search ([`index`]) and the table the points
//! are kept in ([`store`]). No HTTP; `delivery` builds the customer's choices on top.

pub mod index;
pub mod store;

pub use index::PointIndex;
pub use store::version;

use serde::Serialize;

const EARTH_M: f64 = 6_371_000.0;

/// Great-circle distance in metres.
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_M * a.sqrt().asin()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    PickupPoint,
    ParcelLocker,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pickup_point" => Some(Kind::PickupPoint),
            "parcel_locker" => Some(Kind::ParcelLocker),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::PickupPoint => "pickup_point",
            Kind::ParcelLocker => "parcel_locker",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Point {
    pub id: String,
    /// `pickup_point` or `parcel_locker`.
    pub kind: String,
    pub city: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub hours: String,
    pub max_weight_g: i64,
    pub max_side_mm: i64,
    /// Metres from the searched coordinates (absent for text search).
    #[sqlx(default)]
    pub distance_m: Option<i64>,
}

/// What a parcel needs of a point: its weight and its longest side.
#[derive(Debug, Clone, Copy)]
pub struct ParcelSize {
    pub weight_g: i64,
    pub longest_side_mm: i64,
}

/// What a search filter needs of a point (its kind and limits), read without building the point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traits {
    /// `None`: a kind this version does not know (no kind filter keeps it).
    pub kind: Option<Kind>,
    pub max_weight_g: i64,
    pub max_side_mm: i64,
}

impl Traits {
    /// Whether every parcel fits (lockers have cells; pickup points take up to their limit).
    pub fn fits(&self, parcels: &[ParcelSize]) -> bool {
        parcels
            .iter()
            .all(|p| p.weight_g <= self.max_weight_g && p.longest_side_mm <= self.max_side_mm)
    }
}

impl Point {
    pub fn traits(&self) -> Traits {
        Traits {
            kind: Kind::parse(&self.kind),
            max_weight_g: self.max_weight_g,
            max_side_mm: self.max_side_mm,
        }
    }

    /// Whether every parcel fits (lockers have cells; pickup points take up to their limit).
    pub fn fits(&self, parcels: &[ParcelSize]) -> bool {
        self.traits().fits(parcels)
    }
}
