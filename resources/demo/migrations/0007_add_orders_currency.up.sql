-- Orders get a currency (all historical orders were charged in euros).
-- SAFE on PostgreSQL 11+: a NOT NULL column with a constant default is catalog-only
-- ("fast default"); no rewrite, the ACCESS EXCLUSIVE lock is held only for an instant.
-- On PostgreSQL 10 and older the same statement rewrites the whole table.

ALTER TABLE shop.orders
    ADD COLUMN currency text NOT NULL DEFAULT 'EUR';
