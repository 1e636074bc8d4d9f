-- Undo 0001: drop the shop's types and schema (the schema must be empty by now).

DROP TYPE shop.payment_method;

DROP TYPE shop.order_status;

DROP SCHEMA shop;
