-- Rename customers.full_name to display_name (it is what the customer chose to be called).
-- DANGEROUS: instant for the database (ACCESS EXCLUSIVE for a moment), but every deployed
-- application server still selecting full_name breaks the moment this commits.
-- Safer: expand/contract - add display_name, write both, move readers, drop full_name later
-- (or expose the old name through a view during the transition).

ALTER TABLE shop.customers
    RENAME COLUMN full_name TO display_name;
