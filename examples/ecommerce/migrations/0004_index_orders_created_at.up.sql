-- The back office lists recent orders: build the index without blocking writes.
-- A concurrent index build cannot run in a transaction: Confiture runs this file outside one.
SET statement_timeout = '30min';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON shop.orders (created_at);
