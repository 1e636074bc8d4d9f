-- Undo 0020.

DROP TRIGGER payments_sync_amount_cents ON shop.payments;

DROP FUNCTION shop.payments_sync_amount_cents();

ALTER TABLE shop.payments DROP COLUMN amount_cents;
