-- The wallet's status points («Баллы и бонусы», PRODUCT W1) and the co-branded card
-- («Карта Kabinet», W6). Portable SQL (SQLite and PostgreSQL). Points are whole points
-- (1 point = 1 ₽); money is kopecks.

-- One row per customer who ever had points. `balance` is the points not yet spent, taken back
-- or expired: a spend reserves from it by one conditional statement, and every change of the
-- customer's points starts by writing this row, so one customer's changes queue one after
-- another on both databases. `card_approved_at`: the co-branded card was approved (platinum).
CREATE TABLE loyalty_accounts (
    customer_id TEXT PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    balance BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
    card_approved_at BIGINT,
    updated_at BIGINT NOT NULL
);

-- Lots: the points one received order earned (or one grant gave), spent oldest first and
-- expiring a year after they were earned. `points` = `remaining` + what orders hold spent +
-- `expired` + `taken`.
CREATE TABLE loyalty_lots (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    -- earned | granted
    source TEXT NOT NULL,
    -- The order number (earned) or the grant's key (granted).
    reference TEXT NOT NULL,
    -- Kopecks of goods the received order had (0 for a grant): tiers count them.
    goods BIGINT NOT NULL,
    points BIGINT NOT NULL CHECK (points >= 0),
    remaining BIGINT NOT NULL CHECK (remaining >= 0),
    expired BIGINT NOT NULL DEFAULT 0,
    -- Taken back because the order was cancelled or returned after it was received.
    taken BIGINT NOT NULL DEFAULT 0,
    earned_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- When the order was cancelled or returned: its goods stop counting for the tier.
    taken_back_at BIGINT,
    UNIQUE (customer_id, source, reference)
);
CREATE INDEX loyalty_lots_by_customer ON loyalty_lots (customer_id, expires_at);
CREATE INDEX loyalty_lots_to_expire ON loyalty_lots (expires_at) WHERE remaining > 0;

-- What an order spent, lot by lot, so that cancelling it gives the points back to the same lots.
CREATE TABLE loyalty_spends (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    order_number TEXT NOT NULL,
    lot_id TEXT NOT NULL REFERENCES loyalty_lots (id) ON DELETE CASCADE,
    points BIGINT NOT NULL CHECK (points > 0),
    spent_at BIGINT NOT NULL,
    returned_at BIGINT,
    PRIMARY KEY (customer_id, order_number, lot_id)
);

-- The append-only ledger the customer's history is read from: every change, signed, once
-- per idempotency key.
CREATE TABLE loyalty_ledger (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    -- earned | spent | returned | expired | granted
    kind TEXT NOT NULL,
    points BIGINT NOT NULL,
    order_number TEXT,
    idempotency_key TEXT NOT NULL,
    at BIGINT NOT NULL,
    UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX loyalty_ledger_history ON loyalty_ledger (customer_id, at, id);

-- Applications for the co-branded card. At most one live (submitted or approved) per
-- customer; after a rejection the customer may apply again.
CREATE TABLE cobrand_applications (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    -- submitted | approved | rejected
    status TEXT NOT NULL,
    full_name TEXT NOT NULL,
    -- YYYY-MM-DD
    birth_date TEXT NOT NULL,
    city TEXT NOT NULL,
    -- E.164
    phone TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    decided_at BIGINT
);
CREATE UNIQUE INDEX cobrand_applications_live ON cobrand_applications (customer_id)
    WHERE status <> 'rejected';
CREATE INDEX cobrand_applications_by_customer ON cobrand_applications (customer_id, created_at);
