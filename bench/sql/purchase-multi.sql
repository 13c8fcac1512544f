-- The multi-statement alternative to shared/src/sales/purchase.sql, for the benchmark only: the
-- same decision as one transaction of six round trips (BEGIN, these four statements, COMMIT).
-- Parameters are pgbench's :name form; bench/lib/statements.ts turns them into $n for
-- node-postgres. A value a later statement needs comes from an earlier statement's row.

-- name: lockSale
-- The sale row is locked first, so window, stock and the request's quantity are judged under the lock.
SELECT (is_active AND now() >= start_time AND now() < end_time
        AND available_stock >= :quantity AND max_per_user >= :quantity)::int AS sale_ok,
       max_per_user
FROM flash_sale_events WHERE id = :event_id
FOR NO KEY UPDATE

-- name: takeQuota
-- The user's running total, guarded by maxPerUser: quota_ok is 0 when this purchase would pass it.
WITH taken AS (
  INSERT INTO event_user_quotas AS q (event_id, user_id, quantity) VALUES (:event_id, :user_id, :quantity)
  ON CONFLICT (event_id, user_id) DO UPDATE SET quantity = q.quantity + EXCLUDED.quantity
  WHERE q.quantity + EXCLUDED.quantity <= :max_per_user
  RETURNING 1
)
SELECT count(*)::int AS quota_ok FROM taken

-- name: takeStock
UPDATE flash_sale_events
SET available_stock = available_stock - :quantity, sold_quantity = sold_quantity + :quantity
WHERE id = :event_id
RETURNING product_id, sale_price

-- name: placeOrder
INSERT INTO orders (user_id, product_id, event_id, quantity, unit_price, total_price, idempotency_key)
VALUES (:user_id, :product_id, :event_id, :quantity::int, :sale_price::numeric, :sale_price::numeric * :quantity::int, NULL)
RETURNING id, user_id, product_id, event_id, quantity, unit_price, total_price, status, created_at
