-- Issue 13: returns and refunds («Возвраты», PRODUCT W4). Portable SQL (SQLite and PostgreSQL).

-- One request to return some of one line of a received order.
-- requested → approved (the card's refund waits for the acquirer) → refunded, or → rejected.
CREATE TABLE returns (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    order_id TEXT NOT NULL,
    order_number TEXT NOT NULL,
    product_id TEXT NOT NULL,
    -- The line as bought: its title and price per unit (kopecks).
    title TEXT NOT NULL,
    price BIGINT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    -- price × quantity, kopecks: what the return is worth.
    amount BIGINT NOT NULL,
    -- defect | wrong_item | not_as_described | changed_mind | other
    reason TEXT NOT NULL,
    -- The customer's own words (a free-text reason lands here with reason `other`).
    comment TEXT NOT NULL,
    -- card | balance
    refund_to TEXT NOT NULL,
    -- requested | approved | refunded | rejected
    status TEXT NOT NULL,
    reject_reason TEXT,
    -- What the decision moved: points given back, points taken back, kopecks of money.
    points_back BIGINT NOT NULL DEFAULT 0,
    points_taken BIGINT NOT NULL DEFAULT 0,
    money_back BIGINT NOT NULL DEFAULT 0,
    -- The payment attempt whose charge is refunded (card, wallet or СБП).
    card_reference TEXT,
    -- 1 while the acquirer has not confirmed the card refund (the reconciler finishes it).
    card_due BIGINT NOT NULL DEFAULT 0,
    -- A staff member's id, or `auto` (the small-amount rule).
    decided_by TEXT,
    created_at BIGINT NOT NULL,
    decided_at BIGINT,
    refunded_at BIGINT
);
CREATE INDEX returns_by_customer ON returns (customer_id, created_at, id);
CREATE INDEX returns_by_status ON returns (status, created_at, id);
CREATE INDEX returns_by_created ON returns (created_at, id);
CREATE INDEX returns_card_due ON returns (card_due) WHERE card_due = 1;

-- How much of each order line is asked back or returned (requested, approved or refunded):
-- a request reserves here by one conditional statement, a rejection gives it back.
CREATE TABLE return_lines (
    order_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    reserved BIGINT NOT NULL CHECK (reserved >= 0),
    PRIMARY KEY (order_id, product_id)
);

-- How much of an order's card (wallet, СБП) payment returns have refunded: an approval to the
-- card reserves here by one conditional statement, never above the card's part.
CREATE TABLE return_orders (
    order_id TEXT PRIMARY KEY,
    card_refunded BIGINT NOT NULL CHECK (card_refunded >= 0)
);
