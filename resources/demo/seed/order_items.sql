-- Demo seed: shop.order_items. 1 to 7 lines per order, 3 on average (~750,000 rows at scale 1),
-- products picked across the catalogue at their current price. The formulas are shared with
-- orders.sql (which computed each order's total from the same lines): keep them in sync.
-- Does nothing if the table already has rows.

WITH ranked_orders AS (
    SELECT id, row_number() OVER (ORDER BY id) AS g
      FROM shop.orders
     WHERE NOT EXISTS (SELECT 1 FROM shop.order_items)
),
catalogue AS (
    SELECT id, price, row_number() OVER (ORDER BY id) AS rank
      FROM shop.products
),
lines AS (
    SELECT o.id AS order_id,
           1 + (o.g * 7919 + l.n * 104729) % (SELECT count(*) FROM shop.products) AS product_rank,
           ('{1,1,1,1,1,1,2,2,3,4}'::int[])[1 + (o.g * 13 + l.n * 7) % 10] AS quantity
      FROM ranked_orders AS o
     CROSS JOIN LATERAL generate_series(1, ('{1,1,1,2,2,3,3,4,6,7}'::int[])[1 + (o.g * 31) % 10]) AS l(n)
)
INSERT INTO shop.order_items (order_id, product_id, quantity, unit_price)
SELECT l.order_id, p.id, l.quantity, p.price
  FROM lines AS l
  JOIN catalogue AS p ON p.rank = l.product_rank
 ORDER BY l.order_id;

ANALYZE shop.order_items;
