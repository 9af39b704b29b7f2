-- The account balance («Баланс средств», PRODUCT W2): money on the customer's account from gift
-- certificates and refunds, spent on orders. Portable SQL (SQLite and PostgreSQL), kopecks.

-- One row per customer who ever had money on the account. `balance` is what they may spend:
-- a debit reserves from it by one conditional statement, and every change writes this row
-- first, so one customer's movements queue one after another on both databases. It is never
-- negative and always equals the sum of the customer's ledger.
CREATE TABLE balance_accounts (
    customer_id TEXT PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    balance BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
    updated_at BIGINT NOT NULL
);

-- The append-only ledger: every movement, signed, once per idempotency key, with what it
-- refers to (an order's number, a certificate's masked number, a return).
CREATE TABLE balance_ledger (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    -- certificate | refund | order | order_cancelled
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount <> 0),
    reference TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    at BIGINT NOT NULL,
    UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX balance_ledger_history ON balance_ledger (customer_id, at, id);
