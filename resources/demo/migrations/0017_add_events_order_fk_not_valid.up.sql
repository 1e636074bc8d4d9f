-- Events must point at a real order. Step 1 of 2.
-- SAFE: NOT VALID adds the constraint without scanning; SHARE ROW EXCLUSIVE on events and
-- orders is held only for an instant. New rows are checked from now on.

SET LOCAL lock_timeout = '3s';

ALTER TABLE shop.events
    ADD CONSTRAINT events_order_id_fkey
    FOREIGN KEY (order_id) REFERENCES shop.orders (id) NOT VALID;
