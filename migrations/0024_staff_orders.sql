-- The console's orders and customers (issue 12). Portable SQL (SQLite and PostgreSQL).
--
-- Staff list every order newest first, or the orders in one status, with a keyset cursor
-- (placed_at, id); an order number has its unique index, a customer's orders
-- `orders_customer (customer_id, placed_at)`.
CREATE INDEX orders_placed ON orders (placed_at, id);
CREATE INDEX orders_status_placed ON orders (status, placed_at, id);
-- Customers newest first (phone and email have their unique indexes; a part of a name is a
-- scan, as a substring search is).
CREATE INDEX customers_created ON customers (created_at, id);
