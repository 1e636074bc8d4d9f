DROP TABLE shop.payments;
