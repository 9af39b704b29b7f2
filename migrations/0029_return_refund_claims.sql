-- Issue 13 review: a card refund is claimed before the acquirer is asked, so the approval and
-- the housekeeping job (on any node) never both ask for the same refund. Until this time (Unix
-- ms) the refund belongs to whoever claimed it; a claim left by a crash lapses and the job
-- takes the refund over. Portable SQL.
ALTER TABLE returns ADD COLUMN card_claim_until BIGINT NOT NULL DEFAULT 0;
