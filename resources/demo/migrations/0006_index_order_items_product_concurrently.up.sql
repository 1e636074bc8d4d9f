-- Index order lines by product for the "who bought this" report.
-- SAFE: CONCURRENTLY builds the index under SHARE UPDATE EXCLUSIVE, so reads and writes go on.
-- It cannot run inside a transaction block, so this statement is alone in its migration.
-- If it fails it leaves an INVALID index behind: drop it and run the migration again.

CREATE INDEX CONCURRENTLY order_items_product_id_idx ON shop.order_items (product_id);
