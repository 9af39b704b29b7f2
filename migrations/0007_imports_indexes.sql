-- Imports of a shop's own products and pickup points; indexes the benchmarks asked for
-- (issue #4). Portable SQL.

-- A shop's own code for an imported row: importing the same file again updates, never doubles.
ALTER TABLE products ADD COLUMN sku TEXT;
CREATE UNIQUE INDEX products_sku ON products (sku);
ALTER TABLE pickup_points ADD COLUMN code TEXT;
CREATE UNIQUE INDEX pickup_points_code ON pickup_points (code);

-- Bumped by every change of the pickup network: nodes reload their spatial index when it moves.
INSERT INTO counters (name, value) VALUES ('pickup_points', 1);

-- The unpaid-order sweep reads only orders awaiting payment.
CREATE INDEX orders_unpaid ON orders (status, pay_deadline);
