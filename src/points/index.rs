//! The in-memory spatial index behind nearest-point search: every pickup point and locker in
//! an R-tree (rstar) over unit-sphere coordinates, so straight-line nearest is great-circle
//! nearest and the antimeridian needs no care.
//!
//! Each node loads the table at start and reloads it when the `pickup_points` counter (bumped
//! by every import) changes; `refresh` is called by a background tick, so points imported by
//! `kabinet pickup-points import` on any node reach every node within a minute.

use super::Point;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use std::sync::{Arc, RwLock};

type Entry = GeomWithData<[f64; 3], Arc<Point>>;

struct Loaded {
    version: i64,
    tree: RTree<Entry>,
}

/// Shared by the handlers; cheap to clone.
#[derive(Clone)]
pub struct PointIndex(Arc<RwLock<Arc<Loaded>>>);

impl Default for PointIndex {
    fn default() -> Self {
        Self(Arc::new(RwLock::new(Arc::new(Loaded {
            version: i64::MIN,
            tree: RTree::new(),
        }))))
    }
}

fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (la, lo) = (lat.to_radians(), lon.to_radians());
    [la.cos() * lo.cos(), la.cos() * lo.sin(), la.sin()]
}

impl PointIndex {
    fn current(&self) -> Arc<Loaded> {
        // A poisoned lock only means a panic elsewhere while swapping an Arc: the value is whole.
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Reloads the points when the table changed since the last load. Returns whether it did.
    pub async fn refresh(&self, db: &crate::db::Db) -> Result<bool, sqlx::Error> {
        let version = super::version(db).await?;
        if version == self.current().version {
            return Ok(false);
        }
        // In pages, so the driver never holds the whole table in rows at once (RSS).
        let mut entries: Vec<Entry> = Vec::new();
        let mut after = String::new();
        // One connection for every page (each SQLite connection has its own page cache).
        let mut conn = db.acquire().await?;
        loop {
            let page = super::store::page_after(&mut conn, &after).await?;
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            entries.extend(
                page.into_iter()
                    .map(|p| GeomWithData::new(unit_vector(p.lat, p.lon), Arc::new(p))),
            );
        }
        entries.shrink_to_fit();
        let tree = tokio::task::spawn_blocking(move || RTree::bulk_load(entries))
            .await
            .expect("bulk load does not panic");
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Loaded { version, tree });
        Ok(true)
    }

    pub fn len(&self) -> usize {
        self.current().tree.size()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `limit` points nearest to (lat, lon) that `keep` accepts, nearest first.
    pub fn nearest(
        &self,
        lat: f64,
        lon: f64,
        limit: usize,
        keep: impl Fn(&Point) -> bool,
    ) -> Vec<Point> {
        let loaded = self.current();
        loaded
            .tree
            .nearest_neighbor_iter(&unit_vector(lat, lon))
            .filter(|e| keep(&e.data))
            .take(limit)
            .map(|e| {
                let mut p = Point::clone(&e.data);
                p.distance_m = Some(super::distance_m(lat, lon, p.lat, p.lon).round() as i64);
                p
            })
            .collect()
    }
}
