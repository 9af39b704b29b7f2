-- Issue 14: «Мои заказы» is newest first with ties broken by the order number, so the index
-- carries the number too: a page is the next rows of the index, read backwards (PostgreSQL
-- used to fetch all of a customer's orders and sort them for every page). It replaces
-- `orders_customer (customer_id, placed_at)`, which it extends. Portable SQL.
CREATE INDEX orders_customer_page ON orders (customer_id, placed_at, (CAST(number AS BIGINT)));
DROP INDEX orders_customer;
