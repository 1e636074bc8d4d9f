-- Products and their prices. Money is numeric, never float.
CREATE SCHEMA shop;

CREATE TABLE shop.products (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku         text NOT NULL UNIQUE,
    name        text NOT NULL,
    price       numeric(12, 2) NOT NULL CHECK (price >= 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);
