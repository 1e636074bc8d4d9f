-- Masks the personal and payment data of a RESTORED COPY of the shop database, before it leaves
-- the protected environment (docs/industry/ecommerce-pci.md). Never run it on production: it
-- refuses to unless the session says which copy it is working on:
--   psql "$COPY_URL" -v ON_ERROR_STOP=1 -c "SET masking.target = 'copy'" -f masking/mask.sql
-- (or PGOPTIONS='-c masking.target=copy' psql "$COPY_URL" -v ON_ERROR_STOP=1 -f masking/mask.sql)
\set ON_ERROR_STOP on
BEGIN;

DO $$
BEGIN
    IF coalesce(current_setting('masking.target', true), '') <> 'copy' THEN
        RAISE EXCEPTION 'refusing to mask: set masking.target = ''copy'' on a restored copy, never on production';
    END IF;
END;
$$;

-- Deterministic pseudonyms: the same id always gets the same value, so joins and uniqueness hold
-- and a bug report "customer 42" still means something on the copy.
UPDATE shop.customers
   SET email = 'customer' || id || '@example.invalid',
       full_name = 'Customer ' || id;

-- No usable payment references outside production.
UPDATE shop.payments
   SET processor_token = 'tok_masked_' || id,
       card_last4 = NULL;

COMMIT;

-- Old row versions stay in the data files until vacuumed: ship a logical dump (pg_dump) of the
-- masked copy, never its data directory, and drop the copy afterwards.
