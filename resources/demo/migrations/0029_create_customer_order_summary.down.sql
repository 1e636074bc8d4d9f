-- Undo 0029.

DROP FUNCTION shop.customer_order_summary(bigint);
