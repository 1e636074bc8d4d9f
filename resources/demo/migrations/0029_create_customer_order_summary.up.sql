-- Reporting needs order counts and lifetime value per customer, but must not read shop.orders
-- directly: expose them through a function that runs with the owner's rights.
-- DANGEROUS: SECURITY DEFINER without SET search_path. Operators (=), count(), sum() and
-- coalesce() are resolved through the CALLER's search_path, so any role that can create an
-- object in a schema it puts first (or in pg_temp) can make this function run its own code
-- with the owner's privileges. EXECUTE is also granted to PUBLIC by default. Fixed in 0030.

CREATE FUNCTION shop.customer_order_summary(p_customer_id bigint)
    RETURNS TABLE (order_count bigint, lifetime_value numeric)
    LANGUAGE sql
    STABLE
    SECURITY DEFINER
AS $$
    SELECT count(*), coalesce(sum(o.total_amount), 0)
      FROM shop.orders AS o
     WHERE o.customer_id = p_customer_id
$$;

GRANT EXECUTE ON FUNCTION shop.customer_order_summary(bigint) TO shop_reporting;
