-- Events must point at a real order. Step 2 of 2: check the existing rows.
-- SAFE: VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE on events and ROW SHARE on orders;
-- reads and writes continue on both tables during the scan.

ALTER TABLE shop.events
    VALIDATE CONSTRAINT events_order_id_fkey;
