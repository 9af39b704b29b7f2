-- Issue 9: why a customer cancelled; consent to personal-data processing; the version of a
-- product's stemmed search text (rows below the current one are re-indexed at start-up).
ALTER TABLE orders ADD COLUMN cancel_reason TEXT;
ALTER TABLE customers ADD COLUMN consent_at BIGINT;
ALTER TABLE products ADD COLUMN search_v INTEGER NOT NULL DEFAULT 0;
-- Purchased lines are searched by stems too; older ones are re-indexed at start-up.
ALTER TABLE order_lines ADD COLUMN search_v INTEGER NOT NULL DEFAULT 0;
