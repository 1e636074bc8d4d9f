DROP INDEX CONCURRENTLY IF EXISTS shop.orders_created_at_idx;
