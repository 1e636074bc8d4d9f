-- Undo 0024.

ALTER TABLE shop.customers
    RENAME COLUMN display_name TO full_name;
