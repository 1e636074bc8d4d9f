-- Record when the collector received each event (occurred_at is the client's clock).
-- DANGEROUS: clock_timestamp() is VOLATILE, so the default cannot be stored once in the catalog:
-- PostgreSQL rewrites every row of shop.events (the biggest table) under ACCESS EXCLUSIVE,
-- blocking all reads and writes for the duration and needing ~2x the table's disk space.
-- Safer: add the column nullable, SET DEFAULT for new rows, backfill in batches.

ALTER TABLE shop.events
    ADD COLUMN received_at timestamptz NOT NULL DEFAULT clock_timestamp();
