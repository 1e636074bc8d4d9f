-- Index events by customer for the customer timeline (and for the FK added by 0016, so that
-- deleting a customer does not scan the whole event log).
-- SAFE: built CONCURRENTLY, alone in its migration because it cannot run in a transaction block.

CREATE INDEX CONCURRENTLY events_customer_id_idx ON shop.events (customer_id);
