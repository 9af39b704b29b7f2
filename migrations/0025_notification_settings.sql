-- Issue 13: which channels a customer wants notices by, per topic («Уведомления»). Portable SQL.
--
-- One row per customer who changed anything; without a row the defaults hold (orders and
-- support answers by SMS and email, promotions by neither). Flags are 0/1.
-- `promotions_consent_at`: when the customer last agreed to promotions (38-ФЗ: advertising
-- only with the recipient's prior consent), NULL while they have not.
CREATE TABLE notification_settings (
    customer_id TEXT PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    order_sms BIGINT NOT NULL,
    order_email BIGINT NOT NULL,
    support_sms BIGINT NOT NULL,
    support_email BIGINT NOT NULL,
    promotions_sms BIGINT NOT NULL,
    promotions_email BIGINT NOT NULL,
    promotions_consent_at BIGINT,
    updated_at BIGINT NOT NULL
);
