-- E-wallet payments and saved cards (issue #4). Portable SQL.

ALTER TABLE orders ADD COLUMN payment_provider TEXT;

-- A saved card is the provider's token and what the customer needs to recognise it.
CREATE TABLE saved_cards (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL,
    exp_month BIGINT NOT NULL,
    exp_year BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (customer_id, brand, last4, exp_month, exp_year)
);
