-- Checkout, payments, orders and purchased items (issue #4). Portable SQL.

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('order_number', 100000);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    idempotency_key TEXT NOT NULL,
    status TEXT NOT NULL,
    placed_at BIGINT NOT NULL,
    received_at BIGINT,
    goods_total BIGINT NOT NULL,
    delivery_cost BIGINT NOT NULL,
    total BIGINT NOT NULL,
    delivery_method TEXT NOT NULL,
    pickup_point_id TEXT,
    delivery_address TEXT NOT NULL,
    payment_method TEXT NOT NULL,
    -- Paid by card: brand and last 4 digits only (PRODUCT §2).
    card_brand TEXT,
    card_last4 TEXT,
    pay_deadline BIGINT NOT NULL,
    UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX orders_customer ON orders (customer_id, placed_at);

CREATE TABLE order_lines (
    order_id TEXT NOT NULL REFERENCES orders (id),
    product_id TEXT NOT NULL,
    title TEXT NOT NULL,
    seller_id TEXT NOT NULL,
    seller_name TEXT NOT NULL,
    category_id TEXT NOT NULL,
    price BIGINT NOT NULL,
    quantity BIGINT NOT NULL,
    line_total BIGINT NOT NULL,
    search_text TEXT NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

CREATE TABLE order_events (
    order_id TEXT NOT NULL REFERENCES orders (id),
    status TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX order_events_order ON order_events (order_id, at);
