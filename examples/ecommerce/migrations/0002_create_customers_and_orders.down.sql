DROP TABLE shop.orders;
DROP TABLE shop.customers;
