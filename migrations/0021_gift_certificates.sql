-- Gift certificates («Сертификаты и промокоды», PRODUCT W3 and §2). Portable SQL (SQLite and
-- PostgreSQL); money is kopecks, times are milliseconds since the epoch.
--
-- Neither the number nor the code word is stored: only their HMAC-SHA256 under the server's
-- `certificates` key (hex), so a database dump gives no usable code. `masked` is what the
-- customer may see afterwards (`KABN-••••-••••-567X`): it names the certificate in the balance
-- history without making it usable.
--
-- Activation is one conditional update (`activated_at IS NULL AND expires_at > now`) in the
-- same transaction as the balance credit: of any number of racing activations exactly one
-- finds the row unused.
CREATE TABLE gift_certificates (
    id TEXT PRIMARY KEY,
    number_hash TEXT NOT NULL UNIQUE,
    word_hash TEXT NOT NULL UNIQUE,
    masked TEXT NOT NULL,
    value BIGINT NOT NULL CHECK (value > 0),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- The customer who activated it (NULL again if that account is deleted; it stays used).
    activated_by TEXT REFERENCES customers (id) ON DELETE SET NULL,
    activated_at BIGINT
);
CREATE INDEX gift_certificates_activated_by ON gift_certificates (activated_by);
