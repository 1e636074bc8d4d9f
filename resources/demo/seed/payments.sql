-- Demo seed: shop.payments. One payment per paid, shipped or delivered order (~94% of orders:
-- ~235,000 rows at scale 1) for the order's total, captured a few minutes after checkout.
-- Does nothing if the table already has rows.

INSERT INTO shop.payments (order_id, method, amount, provider_ref, paid_at)
SELECT o.id,
       (ARRAY['card', 'card', 'card', 'card', 'card', 'paypal', 'paypal', 'bank_transfer', 'gift_card', 'card'])[1 + (o.id * 7) % 10]::shop.payment_method,
       o.total_amount,
       'pay_' || to_hex(o.id * 2654435761),
       o.created_at + ((o.id * 13) % 900 + 30) * interval '1 second'
  FROM shop.orders AS o
 WHERE o.status IN ('paid', 'shipped', 'delivered')
   AND o.total_amount > 0
   AND NOT EXISTS (SELECT 1 FROM shop.payments)
 ORDER BY o.id;

ANALYZE shop.payments;
