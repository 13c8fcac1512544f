-- v1's purchase: one statement, one transaction. $1 event, $2 user, $3 quantity, $4 idempotency key or NULL.
-- The sale row is locked only when the snapshot says the purchase can succeed; after the lock wait
-- PostgreSQL re-checks the condition on the newest row version, so stock is judged under the lock.
-- Every purchase of one user also locks that user's quota row, which enforces maxPerUser even for
-- a burst of parallel requests. The window is judged by now(): one clock for every instance.
WITH sale AS (
  SELECT is_active, available_stock, max_per_user,
         now() < start_time AS not_started, now() >= end_time AS ended
  FROM flash_sale_events WHERE id = $1
),
replay AS (
  SELECT id FROM orders WHERE $4::text IS NOT NULL AND user_id = $2 AND idempotency_key = $4::text
),
locked AS (
  SELECT id, max_per_user FROM flash_sale_events
  WHERE id = $1 AND is_active AND now() >= start_time AND now() < end_time
    AND available_stock >= $3 AND max_per_user >= $3 AND NOT EXISTS (SELECT 1 FROM replay)
  FOR NO KEY UPDATE
),
quota AS (
  INSERT INTO event_user_quotas AS q (event_id, user_id, quantity)
  SELECT id, $2, $3 FROM locked
  ON CONFLICT (event_id, user_id) DO UPDATE SET quantity = q.quantity + EXCLUDED.quantity
  WHERE q.quantity + EXCLUDED.quantity <= (SELECT max_per_user FROM locked)
  RETURNING event_id
),
sold AS (
  UPDATE flash_sale_events e
  SET available_stock = e.available_stock - $3, sold_quantity = e.sold_quantity + $3
  FROM quota WHERE e.id = quota.event_id
  RETURNING e.id, e.product_id, e.sale_price
),
placed AS (
  INSERT INTO orders (user_id, product_id, event_id, quantity, unit_price, total_price, idempotency_key)
  SELECT $2, product_id, id, $3, sale_price, sale_price * $3, $4::text FROM sold
  RETURNING id, user_id, product_id, event_id, quantity, unit_price, total_price, status, created_at
)
SELECT sale.is_active, sale.not_started, sale.ended, sale.max_per_user,
       EXISTS (SELECT 1 FROM locked) AS locked, placed.*
FROM sale LEFT JOIN placed ON true
