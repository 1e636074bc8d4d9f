-- Customers hold personal data: classified with comments, not granted to PUBLIC.
CREATE TABLE shop.customers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL UNIQUE,
    full_name   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- erased or anonymised by the retention job after this date (GDPR storage limitation)
    retain_until date NOT NULL DEFAULT (current_date + 3 * 365)
);
COMMENT ON COLUMN shop.customers.email IS 'classification: PII (GDPR personal data); masked in non-production copies';
COMMENT ON COLUMN shop.customers.full_name IS 'classification: PII (GDPR personal data); masked in non-production copies';
REVOKE ALL ON shop.customers FROM PUBLIC;

CREATE TABLE shop.orders (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES shop.customers (id),
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
    total        numeric(12, 2) NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_id_idx ON shop.orders (customer_id);
