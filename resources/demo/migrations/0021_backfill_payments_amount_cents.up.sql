-- Backfill amount_cents for payments recorded before 0020.
-- Row locks only (writes to other payments continue), but this is ONE statement over the whole
-- table: one long transaction, every row rewritten (dead tuples, WAL burst, replica lag).
-- The team's runbook batches it by id range from a job (a migration cannot commit between
-- batches); the demo keeps the single statement so rehearsal can show its cost.
-- Irreversible on purpose: there is nothing to undo, 0020's down file drops the column.

UPDATE shop.payments
   SET amount_cents = round(amount * 100)::bigint
 WHERE amount_cents IS NULL;
