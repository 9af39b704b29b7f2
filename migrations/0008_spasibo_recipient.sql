-- Bank bonuses «Спасибо» as part payment; the recipient of an order (issue #4). Portable SQL.

-- The part of an order paid with bonuses; the card pays total - spasibo_amount.
ALTER TABLE orders ADD COLUMN spasibo_amount BIGINT NOT NULL DEFAULT 0;

-- The sandbox bank's bonus accounts, one per card of a customer (brand + last 4 digits):
-- every card starts with the sandbox grant, spending and refunds move `spent`.
CREATE TABLE spasibo_accounts (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL,
    spent BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, brand, last4)
);

-- Who collects the order: prefilled from the profile, editable at checkout.
ALTER TABLE orders ADD COLUMN recipient_name TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN recipient_phone TEXT NOT NULL DEFAULT '';
