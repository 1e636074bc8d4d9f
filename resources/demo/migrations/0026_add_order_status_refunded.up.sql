-- Orders can now be refunded after delivery.
-- SAFE for locking: ALTER TYPE ... ADD VALUE locks only the type, never the tables using it.
-- Allowed inside a transaction since PostgreSQL 12, but the new value cannot be used until this
-- migration has committed. Irreversible: PostgreSQL cannot drop a value from an enum (that takes
-- a new type and a rewrite of every column using it), so there is no down migration.

ALTER TYPE shop.order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'delivered';
