-- Shipments: one row per parcel sent for an order.
-- Creating a table with a REFERENCES clause takes SHARE ROW EXCLUSIVE on shop.orders briefly.

CREATE TABLE shop.shipments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id        bigint NOT NULL REFERENCES shop.orders (id),
    tracking_number text,
    shipped_at      timestamptz,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX shipments_order_id_idx ON shop.shipments (order_id);
