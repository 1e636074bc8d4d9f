-- Undo 0023 without blocking writes to events.

DROP INDEX CONCURRENTLY shop.events_customer_id_idx;
