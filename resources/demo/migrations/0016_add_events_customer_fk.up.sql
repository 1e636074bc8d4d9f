-- Events must point at a real customer (the tracker bug that wrote orphans is fixed).
-- DANGEROUS: adding a FOREIGN KEY validates every row of shop.events (the biggest table) while
-- holding SHARE ROW EXCLUSIVE on BOTH events and customers: no inserts/updates on either table,
-- so sign-ups and profile edits stall until the scan ends.
-- Safer: ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in a later migration (0017-0018).

ALTER TABLE shop.events
    ADD CONSTRAINT events_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES shop.customers (id);
