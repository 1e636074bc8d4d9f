-- Step 2 of 5: fill country_code from the region part of the locale ('fr-FR' -> 'FR').
-- Row locks only, no table lock; customers is small enough for one statement.
-- (On a big table run this in batches of a few thousand ids from a job: a migration is a
-- single transaction, so it cannot commit between batches.)

UPDATE shop.customers
   SET country_code = upper(coalesce(nullif(split_part(locale, '-', 2), ''), 'US'))
 WHERE country_code IS NULL;
