-- v2: every accepted (202) purchase request is a row here before the client hears "queued".
-- Redis may lose its data; this table is how the system keeps the promise of a 202.
CREATE TABLE purchase_requests (
  id               uuid PRIMARY KEY,
  user_id          uuid NOT NULL REFERENCES users (id),
  event_id         uuid NOT NULL REFERENCES flash_sale_events (id),
  quantity         integer NOT NULL CHECK (quantity >= 1),
  idempotency_key  text CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'confirmed', 'failed')),
  error_code       text,
  order_id         uuid UNIQUE REFERENCES orders (id),
  accepted_at      timestamptz NOT NULL,
  decided_at       timestamptz,
  -- set when the job exhausted its attempts; an admin replays or discards it
  dead_lettered_at timestamptz,
  CONSTRAINT purchase_requests_user_idempotency_key UNIQUE (user_id, idempotency_key),
  CONSTRAINT purchase_requests_confirmed_has_order CHECK ((status = 'confirmed') = (order_id IS NOT NULL)),
  CONSTRAINT purchase_requests_failed_has_reason CHECK ((status = 'failed') = (error_code IS NOT NULL))
);
CREATE INDEX purchase_requests_event_status_idx ON purchase_requests (event_id, status);
CREATE INDEX purchase_requests_user_idx ON purchase_requests (user_id);
-- the reconciler's scan: undecided requests, oldest first
CREATE INDEX purchase_requests_queued_idx ON purchase_requests (accepted_at) WHERE status = 'queued';

ALTER TABLE orders
  ADD CONSTRAINT orders_request_id_fkey FOREIGN KEY (request_id) REFERENCES purchase_requests (id);

CREATE TABLE announcements (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  message    text NOT NULL CHECK (length(message) BETWEEN 1 AND 1000),
  level      text NOT NULL DEFAULT 'info' CHECK (level IN ('info', 'warning', 'critical')),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX announcements_created_idx ON announcements (created_at DESC, id DESC);
