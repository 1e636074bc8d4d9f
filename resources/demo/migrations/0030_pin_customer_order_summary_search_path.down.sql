-- Undo 0030: restore 0029's definition (no pinned search_path, executable by PUBLIC).

CREATE OR REPLACE FUNCTION shop.customer_order_summary(p_customer_id bigint)
    RETURNS TABLE (order_count bigint, lifetime_value numeric)
    LANGUAGE sql
    STABLE
    SECURITY DEFINER
AS $$
    SELECT count(*), coalesce(sum(o.total_amount), 0)
      FROM shop.orders AS o
     WHERE o.customer_id = p_customer_id
$$;

GRANT EXECUTE ON FUNCTION shop.customer_order_summary(bigint) TO PUBLIC;
