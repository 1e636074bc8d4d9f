-- Demo seed: shop.products. 5,000 rows at scale 1 (the catalogue grows slowly with the scale:
-- 5,000 * scale, at least 20). Prices from 2.99 to 402.98; 5% of products are inactive.
-- Does nothing if the table already has rows.

INSERT INTO shop.products (sku, legacy_sku, name, description, price, active, created_at)
SELECT 'SKU-' || lpad(g::text, 6, '0'),
       CASE WHEN g % 4 <> 0 THEN 'ERP' || lpad(((g * 7919) % 1000000)::text, 6, '0') END,
       adj || ' ' || noun || ' ' || g,
       'A ' || lower(adj) || ' ' || lower(noun) || ' from our ' || coll || ' collection.',
       round(2.99 + ((g * 104729) % 40000) / 100.0, 2),
       g % 20 <> 0,
       timestamptz '2020-06-01 00:00:00+00' + (g::double precision / n) * interval '4 years'
  FROM (SELECT greatest(20, round(5000 * coalesce(nullif(current_setting('confiture.seed_scale', true), ''), '1')::numeric))::bigint AS n) AS params
 CROSS JOIN LATERAL generate_series(1, params.n) AS g
 CROSS JOIN LATERAL (
       SELECT (ARRAY['Classic', 'Organic', 'Vintage', 'Compact', 'Deluxe', 'Recycled', 'Handmade', 'Smart',
                     'Travel', 'Family'])[1 + (g * 7) % 10] AS adj,
              (ARRAY['Teapot', 'Backpack', 'Lamp', 'Notebook', 'Jacket', 'Mug', 'Blender', 'Scarf', 'Chair',
                     'Headphones', 'Candle', 'Umbrella'])[1 + (g * 5) % 12] AS noun,
              (ARRAY['spring', 'summer', 'autumn', 'winter', 'essentials'])[1 + g % 5] AS coll
       ) AS pick
 WHERE NOT EXISTS (SELECT 1 FROM shop.products);

ANALYZE shop.products;
