-- Pickup points (ПВЗ) and parcel lockers (постаматы) (issue #4). Portable SQL.

CREATE TABLE pickup_points (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    city TEXT NOT NULL,
    address TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    hours TEXT NOT NULL,
    -- What one parcel may be: weight and the largest cell (lockers); pickup points take more.
    max_weight_g BIGINT NOT NULL,
    max_side_mm BIGINT NOT NULL,
    search_text TEXT NOT NULL
);
-- Nearest-point search reads a latitude band, then filters longitude and sorts in Rust.
CREATE INDEX pickup_points_lat ON pickup_points (lat, lon);

ALTER TABLE customers ADD COLUMN pickup_point_id TEXT;
