-- Catalogue, cart and favourites (issue #4). Portable SQL.

CREATE TABLE sellers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

-- Shipping origins: a seller's warehouse. Parcels are grouped by origin.
CREATE TABLE warehouses (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    -- Days from order to hand-over at a typical destination.
    lead_days BIGINT NOT NULL
);

CREATE TABLE categories (
    id TEXT PRIMARY KEY,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE products (
    id TEXT PRIMARY KEY,
    seller_id TEXT NOT NULL REFERENCES sellers (id),
    origin_id TEXT NOT NULL REFERENCES warehouses (id),
    category_id TEXT NOT NULL REFERENCES categories (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    price BIGINT NOT NULL,
    old_price BIGINT,
    weight_g BIGINT NOT NULL,
    length_mm BIGINT NOT NULL,
    width_mm BIGINT NOT NULL,
    height_mm BIGINT NOT NULL,
    stock BIGINT NOT NULL,
    -- JSON object of attributes («Цвет», «Материал», …).
    attributes TEXT NOT NULL DEFAULT '{}',
    -- Lower-cased, ё→е, for Russian-aware search (ARCHITECTURE §3).
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX products_category ON products (category_id, id);

-- A cart belongs to a customer or, before sign-in, to a guest cookie.
CREATE TABLE cart_lines (
    owner TEXT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    quantity BIGINT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (owner, product_id)
);

CREATE TABLE favorites (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products (id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (customer_id, product_id)
);
