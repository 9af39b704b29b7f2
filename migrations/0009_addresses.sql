-- The courier address book (issue #4). Portable SQL.

CREATE TABLE addresses (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    -- 1 for the customer's default address (at most one; kept by the code in a transaction).
    is_default BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (customer_id, address)
);
