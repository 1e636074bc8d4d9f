-- Fix 0029: pin the SECURITY DEFINER function's search_path and stop granting it to PUBLIC.
-- SAFE: search_path is fixed to pg_catalog then pg_temp (last), so nothing a caller creates can
-- shadow the operators and functions it uses; only shop_reporting may execute it.

CREATE OR REPLACE FUNCTION shop.customer_order_summary(p_customer_id bigint)
    RETURNS TABLE (order_count bigint, lifetime_value numeric)
    LANGUAGE sql
    STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT count(*), coalesce(sum(o.total_amount), 0)
      FROM shop.orders AS o
     WHERE o.customer_id = p_customer_id
$$;

REVOKE EXECUTE ON FUNCTION shop.customer_order_summary(bigint) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION shop.customer_order_summary(bigint) TO shop_reporting;
