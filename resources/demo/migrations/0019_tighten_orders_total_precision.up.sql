-- Store order totals with exactly two decimals, like every other amount in the schema.
-- DANGEROUS: numeric -> numeric(12,2) is not binary-coercible: PostgreSQL rewrites every row of
-- shop.orders and rebuilds all its indexes while holding ACCESS EXCLUSIVE (no reads, no writes).
-- Safer: add a new column, keep it in sync with a trigger, backfill, then switch (see 0020-0021).

ALTER TABLE shop.orders
    ALTER COLUMN total_amount TYPE numeric(12, 2);
