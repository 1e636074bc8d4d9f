-- Demo seed: shop.order_items. 1 to 7 lines per order (3 on average: ~1,200,000 rows at scale 1),
-- products picked across the catalogue at their current price. The same statement sets each
-- order's total_amount to the sum of its lines plus 4.90 shipping (free from 50.00).
-- Does nothing if the table already has rows.

WITH new_orders AS (
    SELECT o.id
      FROM shop.orders AS o
     WHERE NOT EXISTS (SELECT 1 FROM shop.order_items)
),
catalogue AS (
    SELECT id, price, row_number() OVER (ORDER BY id) AS rank
      FROM shop.products
),
lines AS (
    SELECT o.id AS order_id,
           1 + ((o.id * 7919 + l.n * 104729) % (SELECT count(*) FROM shop.products)) AS product_rank,
           ('{1,1,1,1,1,1,2,2,3,4}'::int[])[1 + (o.id * 13 + l.n * 7) % 10] AS quantity
      FROM new_orders AS o
     CROSS JOIN LATERAL generate_series(1, ('{1,1,1,2,2,3,3,4,6,7}'::int[])[1 + (o.id * 31) % 10]) AS l(n)
),
inserted AS (
    INSERT INTO shop.order_items (order_id, product_id, quantity, unit_price)
    SELECT l.order_id, p.id, l.quantity, p.price
      FROM lines AS l
      JOIN catalogue AS p ON p.rank = l.product_rank
     ORDER BY l.order_id
    RETURNING order_id, quantity * unit_price AS line_total
)
UPDATE shop.orders AS o
   SET total_amount = t.items_total + CASE WHEN t.items_total >= 50 THEN 0 ELSE 4.90 END
  FROM (SELECT order_id, sum(line_total) AS items_total FROM inserted GROUP BY order_id) AS t
 WHERE o.id = t.order_id;

ANALYZE shop.order_items;

ANALYZE shop.orders;
