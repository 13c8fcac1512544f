-- v1's merged deduction: the purchases of one sale that arrived together, decided in one
-- transaction (BEGIN; lock-sale; read-buyers; write-batch; COMMIT). The rules themselves are
-- applied in arrival order by decide-in-order.ts, between read-buyers and write-batch, under the
-- sale's row lock: every writer of this sale's stock and quotas takes that lock first, so what
-- read-buyers sees (in its own, later snapshot) cannot change before the commit.

-- name: lock-sale
-- $1 event. The window is judged by now(), the transaction's start: one clock for every instance.
SELECT is_active, available_stock, max_per_user, now() < start_time AS not_started, now() >= end_time AS ended
FROM flash_sale_events WHERE id = $1
FOR NO KEY UPDATE

-- name: read-buyers
-- $1 event, $2 the batch's users, $3/$4 (user, Idempotency-Key) of its keyed purchases.
-- Units each user already bought of this sale, and the orders their keys already bought.
SELECT 'quota' AS kind, q.user_id, q.quantity, NULL::uuid AS order_id, NULL::uuid AS event_id, NULL::text AS idempotency_key
FROM event_user_quotas q WHERE q.event_id = $1 AND q.user_id = ANY($2::uuid[])
UNION ALL
SELECT 'order', o.user_id, o.quantity, o.id, o.event_id, o.idempotency_key
FROM orders o JOIN unnest($3::uuid[], $4::text[]) AS k(user_id, idempotency_key)
  ON o.user_id = k.user_id AND o.idempotency_key = k.idempotency_key

-- name: write-batch
-- $1 event, $2 units in all, $3 max per user, $4/$5 units per user, $6/$7/$8 the orders
-- (user, quantity, key) in arrival order. The quota upsert is guarded as in purchase.sql: a
-- count short of the users given means the rules saw stale quotas, and the batch is rolled back.
-- The transaction id lets the caller ask whether a commit that lost its connection happened.
WITH quota AS (
  INSERT INTO event_user_quotas AS q (event_id, user_id, quantity)
  SELECT $1, t.user_id, t.quantity FROM unnest($4::uuid[], $5::int[]) AS t(user_id, quantity)
  ON CONFLICT (event_id, user_id) DO UPDATE SET quantity = q.quantity + EXCLUDED.quantity
  WHERE q.quantity + EXCLUDED.quantity <= $3
  RETURNING 1
),
sold AS (
  UPDATE flash_sale_events e
  SET available_stock = e.available_stock - $2, sold_quantity = e.sold_quantity + $2
  WHERE e.id = $1
  RETURNING e.id, e.product_id, e.sale_price
),
placed AS (
  INSERT INTO orders (user_id, product_id, event_id, quantity, unit_price, total_price, idempotency_key)
  SELECT t.user_id, sold.product_id, sold.id, t.quantity, sold.sale_price, sold.sale_price * t.quantity, t.idempotency_key
  FROM sold, unnest($6::uuid[], $7::int[], $8::text[]) WITH ORDINALITY AS t(user_id, quantity, idempotency_key, n)
  ORDER BY t.n
  RETURNING id, user_id, product_id, event_id, quantity, unit_price, total_price, status, created_at, idempotency_key
)
SELECT (SELECT count(*) FROM quota)::int AS quotas_taken, pg_current_xact_id()::text AS xid, placed.*
FROM placed
