-- Undo 0018: put the foreign key back in its not-yet-validated state.

ALTER TABLE shop.events DROP CONSTRAINT events_order_id_fkey;

ALTER TABLE shop.events
    ADD CONSTRAINT events_order_id_fkey
    FOREIGN KEY (order_id) REFERENCES shop.orders (id) NOT VALID;
