-- Baseline 2/4: customers and the product catalogue.
-- legacy_sku is the identifier from the old ERP, still read by the nightly stock import.

CREATE TABLE shop.customers (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email            text NOT NULL,
    full_name        text NOT NULL,
    locale           text NOT NULL DEFAULT 'en-US',
    marketing_opt_in boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customers_email_key UNIQUE (email)
);

CREATE TABLE shop.products (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku         text NOT NULL,
    legacy_sku  text,
    name        text NOT NULL,
    description text,
    price       numeric(12, 2) NOT NULL CHECK (price >= 0),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT products_sku_key UNIQUE (sku)
);
