-- Index orders by creation time for the back-office "orders of the day" screen.
-- DANGEROUS: a plain CREATE INDEX takes a SHARE lock on shop.orders for the whole build
-- (scan + sort of every row): checkout cannot insert or update orders until it finishes.
-- On a table this size use CREATE INDEX CONCURRENTLY instead (see 0006).

CREATE INDEX orders_created_at_idx ON shop.orders (created_at);
