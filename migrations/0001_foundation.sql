-- Portable SQL (SQLite and PostgreSQL): TEXT, BIGINT, DOUBLE PRECISION only.
-- Ids are UUIDv7 text, times are Unix milliseconds, flags are 0/1.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    patronymic TEXT NOT NULL DEFAULT '',
    address_as TEXT NOT NULL DEFAULT '',
    phone TEXT UNIQUE,
    email TEXT UNIQUE,
    email_verified BIGINT NOT NULL DEFAULT 0,
    locale TEXT NOT NULL DEFAULT 'ru',
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);

-- One row per code sent: a "flow". A newer flow for the same (purpose, contact) voids older ones.
CREATE TABLE auth_flows (
    id TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    channel TEXT NOT NULL,
    contact TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    consumed_at BIGINT,
    voided BIGINT NOT NULL DEFAULT 0,
    ip TEXT NOT NULL
);
CREATE INDEX auth_flows_contact ON auth_flows (contact, purpose, created_at);

-- Every send request, counted for cooldowns and hourly/daily caps (per contact and per IP).
CREATE TABLE send_requests (
    id TEXT PRIMARY KEY,
    contact TEXT NOT NULL,
    channel TEXT NOT NULL,
    ip TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX send_requests_contact ON send_requests (contact, at);
CREATE INDEX send_requests_ip ON send_requests (ip, at);

-- Wrong code entries per contact, and the resulting locks.
CREATE TABLE code_failures (
    id TEXT PRIMARY KEY,
    contact TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX code_failures_contact ON code_failures (contact, at);

CREATE TABLE contact_locks (
    contact TEXT PRIMARY KEY,
    locked_until BIGINT NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    authenticated_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    method TEXT NOT NULL
);
CREATE INDEX sessions_customer ON sessions (customer_id);

-- Messages waiting for a transport. Rows are deleted once delivered (a code never stays at rest).
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at);

-- Append-only security log (SECURITY 32).
CREATE TABLE security_events (
    id TEXT PRIMARY KEY,
    customer_id TEXT,
    contact TEXT,
    at BIGINT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    event TEXT NOT NULL,
    result TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_events_customer ON security_events (customer_id, at);
