-- Every shipment must name its carrier.
-- DANGEROUS: ADD COLUMN ... NOT NULL without a default fails as soon as the table has a row
-- ("column contains null values"), and it takes ACCESS EXCLUSIVE on the table.
-- It only works here because shop.shipments is still empty; on a populated table use the
-- nullable add + backfill + CHECK NOT VALID + VALIDATE + SET NOT NULL sequence (0011-0015).

ALTER TABLE shop.shipments
    ADD COLUMN carrier text NOT NULL;
