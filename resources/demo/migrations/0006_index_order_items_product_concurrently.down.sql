-- Undo 0006 without blocking writes to order_items.

DROP INDEX CONCURRENTLY shop.order_items_product_id_idx;
