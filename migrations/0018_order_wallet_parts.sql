-- Issue 11: an order names every part of its payment: points (in kopecks, 1 point = 1 ₽) and
-- the account balance beside bonuses «Спасибо» and the card or wallet.
ALTER TABLE orders ADD COLUMN points_amount BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN balance_amount BIGINT NOT NULL DEFAULT 0;
