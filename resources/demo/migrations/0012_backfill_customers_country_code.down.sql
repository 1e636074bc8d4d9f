-- Undo 0012: forget the backfilled values.

UPDATE shop.customers
   SET country_code = NULL
 WHERE country_code IS NOT NULL;
