-- Demo seed: shop.orders. 400,000 rows at scale 1, each placed by an existing customer after
-- they signed up. total_amount is provisional here: order_items.sql sets it to the sum of the
-- lines plus shipping. Status mix: ~3% pending, ~3% cancelled, ~6% paid, ~10% shipped, rest delivered.
-- Does nothing if the table already has rows.

INSERT INTO shop.orders (customer_id, status, total_amount, created_at, updated_at)
SELECT c.id,
       s.status,
       0,
       c.created_at + s.age,
       c.created_at + s.age + CASE WHEN s.status IN ('pending', 'cancelled') THEN interval '0' ELSE interval '3 days' END
  FROM (SELECT greatest(1, round(400000 * coalesce(nullif(current_setting('confiture.seed_scale', true), ''), '1')::numeric))::bigint AS n) AS params
 CROSS JOIN LATERAL generate_series(1, params.n) AS g
 CROSS JOIN LATERAL (
       SELECT CASE
                WHEN (g * 17) % 100 < 3 THEN 'pending'
                WHEN (g * 17) % 100 < 6 THEN 'cancelled'
                WHEN (g * 17) % 100 < 12 THEN 'paid'
                WHEN (g * 17) % 100 < 22 THEN 'shipped'
                ELSE 'delivered'
              END::shop.order_status AS status,
              ((g * 104729) % (540 * 86400)) * interval '1 second' AS age,
              1 + (g * 7919) % (SELECT count(*) FROM shop.customers) AS customer_rank
       ) AS s
  JOIN (SELECT id, created_at, row_number() OVER (ORDER BY id) AS rank FROM shop.customers) AS c
    ON c.rank = s.customer_rank
 WHERE NOT EXISTS (SELECT 1 FROM shop.orders)
 ORDER BY g;

ANALYZE shop.orders;
