-- Issue 11: a 54-ФЗ receipt («кассовый чек») for every payment and refund, and СБП as a way
-- to pay (an outer tender of kind `sbp`; orders.payment_method `sbp`, no new columns).
--
-- One receipt per (order, kind, source): a payment receipt when the order becomes paid, a
-- refund receipt when a paid order is cancelled; `source` names what it is for (the order's
-- id for the whole order; a partial refund would name its own). Items and totals by tender are
-- JSON; the fiscal fields come from the fiscal operator once it has registered the receipt.
CREATE TABLE receipts (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    -- payment | refund
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    at BIGINT NOT NULL,
    -- Kopecks.
    total BIGINT NOT NULL,
    -- [{"title","seller","qty","price","total","vat_rate","vat"}, …]
    items TEXT NOT NULL,
    -- [{"kind","amount"}, …]: card, sbp, wallet, spasibo, points, balance
    tenders TEXT NOT NULL,
    -- ФН (16 digits), ФД (number), ФП (10 digits), when the operator registered it.
    fiscal_fn TEXT,
    fiscal_fd BIGINT,
    fiscal_fp TEXT,
    fiscal_at BIGINT,
    UNIQUE (order_id, kind, source)
);
CREATE INDEX receipts_unregistered ON receipts (at) WHERE fiscal_fd IS NULL;

-- The sandbox fiscal operator's books (a real operator keeps them on its side of an HTTP API):
-- one registration per receipt id, documents numbered per fiscal drive.
CREATE TABLE sandbox_fiscal_drives (
    fn TEXT PRIMARY KEY,
    last_fd BIGINT NOT NULL
);
INSERT INTO sandbox_fiscal_drives (fn, last_fd) VALUES ('9999078900012345', 0);

CREATE TABLE sandbox_fiscal (
    receipt_id TEXT PRIMARY KEY,
    fn TEXT NOT NULL,
    fd BIGINT NOT NULL,
    fp TEXT NOT NULL,
    registered_at BIGINT NOT NULL
);
