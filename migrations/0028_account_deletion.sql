-- Issue 13: «Мои данные» — a deleted account (152-ФЗ). The customer row stays (orders and the
-- wallet's ledgers keep pointing at it for accounting) with every personal field emptied and
-- the time it was deleted. Portable SQL.
ALTER TABLE customers ADD COLUMN deleted_at BIGINT;
