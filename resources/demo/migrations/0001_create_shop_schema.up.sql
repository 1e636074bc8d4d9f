-- Baseline 1/4: the shop schema and the enum types shared by its tables.
-- Everything the shop owns lives in schema "shop"; "confiture" holds migration tracking.

CREATE SCHEMA shop;

COMMENT ON SCHEMA shop IS 'Online shop: customers, catalogue, orders, payments and the event log.';

CREATE TYPE shop.order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled');

CREATE TYPE shop.payment_method AS ENUM ('card', 'paypal', 'bank_transfer', 'gift_card');
