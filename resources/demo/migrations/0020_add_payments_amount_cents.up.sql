-- The new payment provider works in integer minor units: add payments.amount_cents (bigint)
-- next to amount instead of changing amount's type in place.
-- SAFE: a nullable column is catalog-only; the trigger keeps new and updated rows in sync while
-- the old rows are backfilled by 0021. CREATE TRIGGER takes SHARE ROW EXCLUSIVE briefly.

SET LOCAL lock_timeout = '3s';

ALTER TABLE shop.payments
    ADD COLUMN amount_cents bigint;

CREATE FUNCTION shop.payments_sync_amount_cents() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.amount_cents := round(NEW.amount * 100)::bigint;
    RETURN NEW;
END;
$$;

CREATE TRIGGER payments_sync_amount_cents
    BEFORE INSERT OR UPDATE OF amount ON shop.payments
    FOR EACH ROW EXECUTE FUNCTION shop.payments_sync_amount_cents();
