-- Demo seed: shop.customers. 100,000 rows at scale 1, signed up between 2021 and the end of 2024.
-- Scaled by the confiture.seed_scale setting (the seeder runs SET confiture.seed_scale = '<n>';
-- 1 when unset). Does nothing if the table already has rows. Deterministic: same scale, same data.

INSERT INTO shop.customers (email, full_name, locale, marketing_opt_in, created_at)
SELECT lower(fn) || '.' || lower(ln) || g || '@' || dom,
       fn || ' ' || ln,
       loc,
       (g * 37) % 10 < 6,
       timestamptz '2021-01-01 00:00:00+00'
         + (g::double precision / n) * interval '4 years'
         + ((g * 7919) % 86400) * interval '1 second'
  FROM (SELECT greatest(1, round(100000 * coalesce(nullif(current_setting('confiture.seed_scale', true), ''), '1')::numeric))::bigint AS n) AS params
 CROSS JOIN LATERAL generate_series(1, params.n) AS g
 CROSS JOIN LATERAL (
       SELECT (ARRAY['Emma', 'Louis', 'Jade', 'Gabriel', 'Alice', 'Léo', 'Chloé', 'Noah', 'Lina', 'Hugo',
                     'Sofia', 'Lucas', 'Mia', 'Arthur', 'Zoé', 'Adam', 'Inès', 'Jules', 'Anna', 'Tom'])[1 + (g * 7) % 20] AS fn,
              (ARRAY['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy',
                     'Moreau', 'Smith', 'Müller', 'Rossi', 'García', 'Jansen', 'Novak', 'Silva', 'Nowak', 'Kowalski',
                     'Andersson'])[1 + (g * 13) % 20] AS ln,
              (ARRAY['example.com', 'example.org', 'example.net', 'mail.example', 'shop.example'])[1 + (g * 3) % 5] AS dom,
              (ARRAY['fr-FR', 'fr-FR', 'fr-BE', 'en-GB', 'en-US', 'de-DE', 'de-AT', 'it-IT', 'es-ES', 'nl-NL',
                     'pl-PL', 'pt-PT', 'en', 'fr-CH'])[1 + (g * 11) % 14] AS loc
       ) AS pick
 WHERE NOT EXISTS (SELECT 1 FROM shop.customers);

ANALYZE shop.customers;
