-- Issue 10: the payment seam refunds part of a charge too; the sandbox acquirer keeps how much.
ALTER TABLE sandbox_payments ADD COLUMN refunded BIGINT NOT NULL DEFAULT 0;
UPDATE sandbox_payments SET refunded = amount WHERE refunded_at IS NOT NULL;
