//! The in-memory spatial index behind nearest-point search: every pickup point and locker in
//! an R-tree (rstar) over unit-sphere coordinates, so straight-line nearest is great-circle
//! nearest and the antimeridian needs no care.
//!
//! Each node loads the table at start and reloads it when the `pickup_points` counter (bumped
//! by every import) changes; `refresh` is called by a background tick, so points imported by
//! `kabinet pickup-points import` on any node reach every node within a minute.
//!
//! The tree keeps each point in 48 bytes ([`Slot`]): the id as its 16 UUID bytes, lat/lon as
//! read, the address as a place in one buffer of all addresses, and an index into the
//! "profiles" (city and hours interned, kind, limits) the points share. A full [`Point`] is
//! built only for the points a search returns. On the 100 000-point demo (debug build) this
//! took a node's resting RSS from ~120 MB to ~90 MB (~520 bytes a point to ~170).

use super::{Kind, Point, Traits};
use rstar::RTree;
use rstar::primitives::GeomWithData;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

type Entry = GeomWithData<[f64; 3], Slot>;

/// A point as the tree keeps it: 48 bytes, so an entry (with its unit vector) is no bigger
/// than the tree's inner nodes and every leaf costs what a node costs (80 bytes).
#[derive(Debug)]
enum Slot {
    Compact {
        /// The UUID's bytes.
        id: [u8; 16],
        lat: f64,
        lon: f64,
        /// Where the address is in [`Loaded::addresses`].
        address: u32,
        address_len: u32,
        /// Index into [`Loaded::profiles`].
        profile: u32,
    },
    /// A row that has no compact form (an id that is not a UUID in the lowercase text
    /// `new_id` writes, a kind this version does not know, past 4 GB of addresses): kept as
    /// it was read.
    Whole(Box<Point>),
}

/// What many points share: city, hours (indices into [`Loaded::strings`]), kind and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Profile {
    city: u32,
    hours: u32,
    kind: Kind,
    max_weight_g: i64,
    max_side_mm: i64,
}

/// Builds the compact form during a load: strings and profiles kept once, addresses in one
/// buffer.
#[derive(Default)]
struct Packer {
    string_index: HashMap<Box<str>, u32>,
    strings: Vec<Box<str>>,
    profile_index: HashMap<Profile, u32>,
    profiles: Vec<Profile>,
    addresses: String,
}

impl Packer {
    fn string(&mut self, s: &str) -> Option<u32> {
        if let Some(&i) = self.string_index.get(s) {
            return Some(i);
        }
        let i = u32::try_from(self.strings.len()).ok()?;
        self.strings.push(s.into());
        self.string_index.insert(s.into(), i);
        Some(i)
    }

    fn profile(&mut self, p: &Point, kind: Kind) -> Option<u32> {
        let profile = Profile {
            city: self.string(&p.city)?,
            hours: self.string(&p.hours)?,
            kind,
            max_weight_g: p.max_weight_g,
            max_side_mm: p.max_side_mm,
        };
        if let Some(&i) = self.profile_index.get(&profile) {
            return Some(i);
        }
        let i = u32::try_from(self.profiles.len()).ok()?;
        self.profiles.push(profile);
        self.profile_index.insert(profile, i);
        Some(i)
    }

    fn slot(&mut self, p: Point) -> Slot {
        let mut compact = || {
            let id = uuid_bytes(&p.id)?;
            let kind = Kind::parse(&p.kind)?;
            let address = u32::try_from(self.addresses.len()).ok()?;
            let address_len = u32::try_from(p.address.len()).ok()?;
            address.checked_add(address_len)?;
            let profile = self.profile(&p, kind)?;
            self.addresses.push_str(&p.address);
            Some(Slot::Compact {
                id,
                lat: p.lat,
                lon: p.lon,
                address,
                address_len,
                profile,
            })
        };
        compact().unwrap_or_else(|| Slot::Whole(Box::new(p)))
    }

    fn finish(mut self, version: i64, entries: Vec<Entry>) -> Loaded {
        self.addresses.shrink_to_fit();
        Loaded {
            version,
            tree: RTree::bulk_load(entries),
            strings: self.strings.into(),
            profiles: self.profiles.into(),
            addresses: self.addresses.into(),
        }
    }
}

/// The 16 bytes of a UUID id, when `id` is one in the text `new_id` writes (so the text built
/// back from the bytes is `id` again).
fn uuid_bytes(id: &str) -> Option<[u8; 16]> {
    let u = uuid::Uuid::try_parse(id).ok()?;
    let mut buf = uuid::Uuid::encode_buffer();
    (*u.hyphenated().encode_lower(&mut buf) == *id).then(|| *u.as_bytes())
}

impl Loaded {
    fn traits(&self, slot: &Slot) -> Traits {
        match slot {
            Slot::Compact { profile, .. } => {
                let p = &self.profiles[*profile as usize];
                Traits {
                    kind: Some(p.kind),
                    max_weight_g: p.max_weight_g,
                    max_side_mm: p.max_side_mm,
                }
            }
            Slot::Whole(p) => p.traits(),
        }
    }

    /// The point as it was read.
    fn point(&self, slot: &Slot) -> Point {
        match slot {
            Slot::Compact {
                id,
                lat,
                lon,
                address,
                address_len,
                profile,
            } => {
                let p = &self.profiles[*profile as usize];
                let (at, len) = (*address as usize, *address_len as usize);
                Point {
                    id: uuid::Uuid::from_bytes(*id).hyphenated().to_string(),
                    kind: p.kind.as_str().to_owned(),
                    city: self.strings[p.city as usize].to_string(),
                    address: self.addresses[at..at + len].to_owned(),
                    lat: *lat,
                    lon: *lon,
                    hours: self.strings[p.hours as usize].to_string(),
                    max_weight_g: p.max_weight_g,
                    max_side_mm: p.max_side_mm,
                    distance_m: None,
                }
            }
            Slot::Whole(p) => Point::clone(p),
        }
    }
}

struct Loaded {
    version: i64,
    tree: RTree<Entry>,
    strings: Box<[Box<str>]>,
    profiles: Box<[Profile]>,
    addresses: Box<str>,
}

/// Shared by the handlers; cheap to clone. The second part lets one reload run at a time (the
/// periodic job's and a notice's may come together).
#[derive(Clone)]
pub struct PointIndex(Arc<RwLock<Arc<Loaded>>>, Arc<tokio::sync::Mutex<()>>);

impl Default for PointIndex {
    fn default() -> Self {
        Self(
            Arc::new(RwLock::new(Arc::new(Loaded {
                version: i64::MIN,
                tree: RTree::new(),
                strings: Box::default(),
                profiles: Box::default(),
                addresses: Box::default(),
            }))),
            Arc::default(),
        )
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
        // One at a time: the next one reads the version after this one has swapped its load in.
        let _one = self.1.lock().await;
        let version = super::version(db).await?;
        if version == self.current().version {
            return Ok(false);
        }
        let started = std::time::Instant::now();
        // In pages, so the driver never holds the whole table in rows at once (RSS).
        let mut entries: Vec<Entry> = Vec::new();
        let mut packer = Packer::default();
        let mut after = String::new();
        // One connection for every page (each SQLite connection has its own page cache).
        let mut conn = crate::db::acquire(db).await?;
        loop {
            let page = super::store::page_after(&mut conn, &after).await?;
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            entries.extend(
                page.into_iter()
                    .map(|p| GeomWithData::new(unit_vector(p.lat, p.lon), packer.slot(p))),
            );
        }
        entries.shrink_to_fit();
        let loaded = tokio::task::spawn_blocking(move || packer.finish(version, entries))
            .await
            .expect("bulk load does not panic");
        tracing::info!(
            points = loaded.tree.size(),
            ms = started.elapsed().as_millis() as u64,
            "pickup points loaded"
        );
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(loaded);
        Ok(true)
    }

    /// [`PointIndex::refresh`] for the background reloads (the periodic job, a notice): a
    /// load says so itself; a failure is logged and the index kept as it is.
    pub async fn keep_current(&self, db: &crate::db::Db) {
        if let Err(e) = self.refresh(db).await {
            tracing::warn!(error = %e, "pickup-point reload failed");
        }
    }

    pub fn len(&self) -> usize {
        self.current().tree.size()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `limit` points nearest to (lat, lon) whose [`Traits`] `keep` accepts, nearest first.
    pub fn nearest(
        &self,
        lat: f64,
        lon: f64,
        limit: usize,
        keep: impl Fn(Traits) -> bool,
    ) -> Vec<Point> {
        let loaded = self.current();
        loaded
            .tree
            .nearest_neighbor_iter(&unit_vector(lat, lon))
            .filter(|e| keep(loaded.traits(&e.data)))
            .take(limit)
            .map(|e| {
                let mut p = loaded.point(&e.data);
                p.distance_m = Some(super::distance_m(lat, lon, p.lat, p.lon).round() as i64);
                p
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(id: &str, kind: &str, max_weight_g: i64) -> Point {
        Point {
            id: id.to_owned(),
            kind: kind.to_owned(),
            city: "Москва".to_owned(),
            address: "г. Москва, ул. Волхонка, д. 2, корп. 2 (вход с улицы)".to_owned(),
            lat: 55.74831579525335,
            lon: 37.606867408627615,
            hours: "10:00–22:00".to_owned(),
            max_weight_g,
            max_side_mm: 1500,
            distance_m: None,
        }
    }

    #[test]
    fn compact_slots_give_back_the_points_they_were_made_of() {
        let mut compact = [
            point(&crate::db::new_id(), "pickup_point", 30_000),
            point(&crate::db::new_id(), "parcel_locker", 15_000),
            point(&crate::db::new_id(), "pickup_point", 30_000),
            // Limits no filter would meet still come back as they were.
            point(&crate::db::new_id(), "pickup_point", -1),
            point(&crate::db::new_id(), "pickup_point", i64::MAX),
        ];
        compact[1].address = "г. Санкт-Петербург, Невский пр., д. 28".to_owned();
        compact[1].hours = "круглосуточно".to_owned();
        let whole = [
            // Not UUIDs, or not in the text `new_id` writes: kept whole, still the same.
            point("pp-0001", "parcel_locker", 15_000),
            point(&crate::db::new_id().to_uppercase(), "pickup_point", 30_000),
            point(
                &crate::db::new_id().replace('-', ""),
                "pickup_point",
                30_000,
            ),
            // A kind this version does not know.
            point(&crate::db::new_id(), "drone_port", 30_000),
        ];
        let mut packer = Packer::default();
        let slots: Vec<_> = compact
            .iter()
            .chain(&whole)
            .map(|p| {
                let slot = packer.slot(p.clone());
                GeomWithData::new(unit_vector(p.lat, p.lon), slot)
            })
            .collect();
        for (s, p) in slots.iter().zip(compact.iter().chain(&whole)) {
            let is_compact = matches!(s.data, Slot::Compact { .. });
            assert_eq!(is_compact, compact.contains(p), "{p:?}");
        }
        assert_eq!(packer.strings.len(), 3, "cities and hours are kept once");
        assert_eq!(
            packer.profiles.len(),
            4,
            "so are cities with hours, kind and limits"
        );
        let loaded = packer.finish(1, slots);
        let all: Vec<_> = compact.iter().chain(&whole).collect();
        assert_eq!(loaded.tree.size(), all.len());
        for e in loaded.tree.iter() {
            let p = loaded.point(&e.data);
            assert!(all.contains(&&p), "{p:?}");
            assert_eq!(loaded.traits(&e.data), p.traits());
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                serde_json::to_string(all.iter().find(|q| q.id == p.id).unwrap()).unwrap()
            );
        }
    }

    #[test]
    fn an_entry_costs_what_an_inner_node_costs() {
        // Bigger entries would make every leaf bigger, and the bulk load would keep its
        // partitions' spare room in the leaves (in-place collect of equal-sized elements).
        assert_eq!(std::mem::size_of::<Slot>(), 48);
        assert!(std::mem::size_of::<rstar::RTreeNode<Entry>>() > std::mem::size_of::<Entry>());
    }
}
