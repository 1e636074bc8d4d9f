-- Denormalise the number of lines onto orders for the order list screen.
-- DANGEROUS: the column is added and backfilled in the same transaction, so the ACCESS EXCLUSIVE
-- lock taken by ADD COLUMN is held during a full-table UPDATE of shop.orders joined with
-- shop.order_items: nobody can even read orders until it commits. The UPDATE alone also rewrites
-- every row in one transaction. Safer: add the column in one migration (catalog-only), then
-- backfill in batches of ids from a job; a single migration cannot commit between batches.

ALTER TABLE shop.orders
    ADD COLUMN item_count integer;

UPDATE shop.orders AS o
   SET item_count = li.n
  FROM (SELECT order_id, count(*)::integer AS n
          FROM shop.order_items
         GROUP BY order_id) AS li
 WHERE li.order_id = o.id;
