-- «Мои отзывы» with moderation and «Обращения в поддержку» (issue 13). Portable SQL.

-- One review per customer and product; editable (back to pending) until published.
CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL,
    -- The product's title as the customer bought it.
    product_title TEXT NOT NULL,
    rating BIGINT NOT NULL,
    text TEXT NOT NULL,
    pros TEXT NOT NULL,
    cons TEXT NOT NULL,
    -- pending | published | rejected
    status TEXT NOT NULL,
    reject_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- When a moderator published or rejected it (NULL while pending).
    decided_at BIGINT,
    UNIQUE (customer_id, product_id)
);
CREATE INDEX reviews_by_customer ON reviews (customer_id, created_at, id);
CREATE INDEX reviews_published ON reviews (product_id, status, decided_at, id);
CREATE INDEX reviews_queue ON reviews (status, updated_at, id);

-- Support requests: a thread of messages, open → answered → closed.
CREATE TABLE support_tickets (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    -- One of the customer's orders, or NULL.
    order_number TEXT,
    -- open | answered | closed
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX support_tickets_by_customer ON support_tickets (customer_id, updated_at, id);
CREATE INDEX support_tickets_queue ON support_tickets (status, updated_at, id);

CREATE TABLE support_messages (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES support_tickets (id) ON DELETE CASCADE,
    -- customer | staff
    author TEXT NOT NULL,
    -- The staff member who answered (staff messages only).
    staff_id TEXT,
    text TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX support_messages_by_ticket ON support_messages (ticket_id, at, id);
