-- The staff console (issue 12, PRODUCT T1, SECURITY 28, 31–32). Portable SQL (SQLite and
-- PostgreSQL); times are milliseconds since the epoch.
--
-- Staff members are not customers: their own table, sign-in (password + TOTP) and sessions.
-- The TOTP secret is sealed with the server's `totp` key (ChaCha20-Poly1305); `totp_last_step`
-- is the last 30-second step a code was accepted for, so a code is used once (one conditional
-- update `totp_last_step < step`).
CREATE TABLE staff_members (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT,
    totp_secret TEXT,
    -- What an enrolment link proposes: live only once its first code is confirmed.
    password_pending TEXT,
    totp_pending TEXT,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    enrolled_at BIGINT,
    disabled_at BIGINT,
    created_at BIGINT NOT NULL
);

-- One-time enrolment links (24 h), stored hashed.
CREATE TABLE staff_enrolments (
    token_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff_members (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX staff_enrolments_staff ON staff_enrolments (staff_id);

-- Staff sessions: 12 h absolute, 30 min idle; never valid where a customer session is.
CREATE TABLE staff_sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    staff_id TEXT NOT NULL REFERENCES staff_members (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

-- The audit trail: append-only, one row per staff action (who, what, target, when, from where).
CREATE TABLE staff_audit (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    staff_id TEXT NOT NULL,
    staff_email TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX staff_audit_at ON staff_audit (at, id);

-- Support-assisted recovery: the reason a case was rejected, and the contact an approved case's
-- link puts on the account.
ALTER TABLE recovery_cases ADD COLUMN reject_reason TEXT;
ALTER TABLE recovery_tokens ADD COLUMN new_contact TEXT;

-- The card applications' queue, oldest first, for support.
CREATE INDEX cobrand_applications_status ON cobrand_applications (status, created_at);
