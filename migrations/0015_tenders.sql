-- Issue 10: an order's payment is a list of tenders (card or wallet through the acquirer,
-- bonuses «Спасибо», next points and balance). Each is held inside the checkout transaction
-- and released, once, when the order is cancelled or never happens.
CREATE TABLE order_tenders (
    order_id TEXT NOT NULL,
    -- card | wallet | spasibo
    kind TEXT NOT NULL,
    -- Whose account pays: `brand:last4` for a card and its bonuses, the provider for a wallet.
    account TEXT NOT NULL,
    -- Kopecks.
    amount BIGINT NOT NULL,
    -- held | released
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, kind)
);

INSERT INTO order_tenders (order_id, kind, account, amount, status, created_at, updated_at)
SELECT id, 'spasibo', COALESCE(card_brand, '') || ':' || COALESCE(card_last4, ''), spasibo_amount,
       CASE WHEN status = 'cancelled' THEN 'released' ELSE 'held' END, placed_at, placed_at
FROM orders WHERE spasibo_amount > 0;

INSERT INTO order_tenders (order_id, kind, account, amount, status, created_at, updated_at)
SELECT id, payment_method,
       CASE WHEN payment_method = 'wallet' THEN COALESCE(payment_provider, '')
            ELSE COALESCE(card_brand, '') || ':' || COALESCE(card_last4, '') END,
       total - spasibo_amount,
       CASE WHEN status = 'cancelled' THEN 'released' ELSE 'held' END, placed_at, placed_at
FROM orders WHERE total > spasibo_amount;

-- The sandbox acquirer's books learn what they would show on their own confirmation page:
-- the instrument (`card:0010`, `wallet:yoomoney`), the merchant's description of the payment,
-- where to send the customer back, and until when the payment may be confirmed.
ALTER TABLE sandbox_payments ADD COLUMN instrument TEXT NOT NULL DEFAULT '';
ALTER TABLE sandbox_payments ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE sandbox_payments ADD COLUMN return_url TEXT NOT NULL DEFAULT '';
ALTER TABLE sandbox_payments ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
