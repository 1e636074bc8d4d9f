-- Baseline 4/4: payments and the append-only event log (clickstream + order lifecycle).
-- events.customer_id / order_id carry no foreign keys yet: the tracker wrote orphans in 2023.
-- This is the last baseline migration: the demo seed fills the tables at this point.

CREATE TABLE shop.payments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES shop.orders (id),
    method       shop.payment_method NOT NULL,
    amount       numeric(12, 2) NOT NULL CHECK (amount > 0),
    provider_ref text,
    paid_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX payments_order_id_idx ON shop.payments (order_id);

CREATE TABLE shop.events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    customer_id bigint,
    order_id    bigint,
    kind        text NOT NULL,
    payload     jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX events_occurred_at_idx ON shop.events (occurred_at);
