-- Limits reserved atomically, payment attempts, leases (issue #8). Portable SQL.

-- One row per (key, fixed window): a limit is one conditional upsert on it (SECURITY 8a).
CREATE TABLE rate_counters (
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    n BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counters_expires ON rate_counters (expires_at);

-- Cooldowns: the earliest time the next action of a key may happen (resend waits).
CREATE TABLE rate_gates (
    key TEXT PRIMARY KEY,
    until BIGINT NOT NULL
);

-- Sends and wrong codes are counted in rate_counters now.
DROP TABLE send_requests;
DROP TABLE code_failures;

-- Failed password sign-ins per account (or per login string when no account has it).
DELETE FROM login_failures;

-- Every attempt to take money, recorded before the provider is asked. A crash at any instant
-- leaves a row the reconciler finishes (approved → the order is paid) or voids.
CREATE TABLE payment_attempts (
    id TEXT PRIMARY KEY,
    -- No foreign key: the attempt of a declined (removed) order stays on record.
    order_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    -- The provider's reference for status queries (ours, sent with the charge).
    reference TEXT NOT NULL UNIQUE,
    amount BIGINT NOT NULL,
    -- pending → approved | declined | needs_confirmation → approved | voided
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payment_attempts_order ON payment_attempts (order_id);
CREATE INDEX payment_attempts_status ON payment_attempts (status, updated_at);

-- The sandbox acquirer's own books: what it approved or declined, by reference. A real
-- acquirer keeps these on its side and answers status queries from them.
CREATE TABLE sandbox_payments (
    reference TEXT PRIMARY KEY,
    outcome TEXT NOT NULL,
    amount BIGINT NOT NULL,
    at BIGINT NOT NULL,
    refunded_at BIGINT
);

-- One holder at a time for periodic jobs on several nodes.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until BIGINT NOT NULL
);

-- Whose hand each security event is (SECURITY 32): customer, staff or system.
ALTER TABLE security_events ADD COLUMN actor TEXT NOT NULL DEFAULT 'customer';
CREATE INDEX security_events_at ON security_events (at);

CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX auth_flows_expires ON auth_flows (expires_at);
CREATE INDEX captchas_expires ON captchas (expires_at);
