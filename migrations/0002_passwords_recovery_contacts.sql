-- Passwords, recovery, contact changes, support cases (issue #3). Portable SQL.

ALTER TABLE customers ADD COLUMN password_hash TEXT;
ALTER TABLE customers ADD COLUMN password_changed_at BIGINT;
-- Contact changes are refused until this time (72 h after a recovery).
ALTER TABLE customers ADD COLUMN contact_hold_until BIGINT NOT NULL DEFAULT 0;

-- A code flow may belong to a customer (contact change) and carry data (registration).
ALTER TABLE auth_flows ADD COLUMN customer_id TEXT;
ALTER TABLE auth_flows ADD COLUMN payload TEXT;

-- Failed password sign-ins in a row, per normalised login (known or not, so that the captcha
-- requirement does not reveal which logins exist).
CREATE TABLE login_failures (
    login TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);

CREATE TABLE captchas (
    id TEXT PRIMARY KEY,
    answer_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- Emailed recovery links: stored hashed, 1 h, single use.
CREATE TABLE recovery_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- Confirmed contact changes, revertible by the old contact for 7 days («Это был не я»).
CREATE TABLE contact_changes (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT NOT NULL,
    revert_token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    reverted_at BIGINT
);
CREATE INDEX contact_changes_customer ON contact_changes (customer_id, created_at);

-- Support-assisted recovery cases (SECURITY 28); staff decide them in the staff console.
CREATE TABLE recovery_cases (
    id TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    old_email TEXT NOT NULL,
    new_contact TEXT NOT NULL,
    order_number TEXT,
    delivery_address TEXT,
    card_last4 TEXT,
    comment TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    matched_customer_id TEXT,
    first_approver TEXT,
    second_approver TEXT,
    decided_at BIGINT
);
CREATE INDEX recovery_cases_status ON recovery_cases (status, created_at);
