-- Demo seed: shop.events, the biggest table. At scale 1: 700,000 browsing events (page views,
-- searches, add-to-cart; a quarter anonymous) plus 2 events per order (checkout_started,
-- order_placed): 1,200,000 rows. Payloads are small jsonb documents.
-- Does nothing if the table already has rows.

WITH params AS (
    SELECT greatest(1, round(700000 * coalesce(nullif(current_setting('confiture.seed_scale', true), ''), '1')::numeric))::bigint AS n,
           (SELECT count(*) FROM shop.customers) AS customers,
           (SELECT count(*) FROM shop.products) AS products
),
browsing AS (
    SELECT g,
           CASE WHEN (g * 7) % 4 = 0 THEN NULL ELSE 1 + (g * 7919) % p.customers END AS customer_rank,
           (ARRAY['page_view', 'page_view', 'page_view', 'page_view', 'search', 'search', 'add_to_cart',
                  'page_view', 'add_to_cart', 'remove_from_cart'])[1 + (g * 3) % 10] AS kind,
           timestamptz '2022-01-01 00:00:00+00' + (g::double precision / p.n) * interval '3 years' AS occurred_at,
           1 + (g * 104729) % p.products AS product_rank
      FROM params AS p
     CROSS JOIN LATERAL generate_series(1, p.n) AS g
)
INSERT INTO shop.events (occurred_at, customer_id, order_id, kind, payload)
SELECT b.occurred_at,
       c.id,
       NULL,
       b.kind,
       CASE b.kind
         WHEN 'search' THEN jsonb_build_object('query', (ARRAY['teapot', 'red scarf', 'lamp', 'gift', 'backpack'])[1 + b.g % 5],
                                               'results', (b.g * 13) % 120)
         WHEN 'page_view' THEN jsonb_build_object('path', '/products/' || b.product_rank,
                                                  'referrer', (ARRAY['google', 'newsletter', 'direct', 'instagram'])[1 + b.g % 4],
                                                  'device', (ARRAY['mobile', 'desktop', 'tablet'])[1 + b.g % 3])
         ELSE jsonb_build_object('product_id', b.product_rank, 'quantity', 1 + b.g % 3)
       END
  FROM browsing AS b
  LEFT JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM shop.customers) AS c
    ON c.rank = b.customer_rank
 WHERE NOT EXISTS (SELECT 1 FROM shop.events)
UNION ALL
SELECT o.created_at - e.before,
       o.customer_id,
       o.id,
       e.kind,
       jsonb_build_object('order_id', o.id, 'total', o.total_amount)
  FROM shop.orders AS o
 CROSS JOIN (VALUES ('checkout_started', interval '3 minutes'), ('order_placed', interval '0')) AS e(kind, before)
 WHERE NOT EXISTS (SELECT 1 FROM shop.events);

ANALYZE shop.events;
