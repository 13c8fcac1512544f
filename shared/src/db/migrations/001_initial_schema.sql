-- The seed's four models (User, Product, FlashSaleEvent, Order) plus what API.md adds.
-- Every invariant the database can keep is a constraint here, so that no code path,
-- present or future, can break it.

CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- stored lower-cased by the application; unique regardless of case
  email         text NOT NULL CHECK (email = lower(email)),
  password_hash text NOT NULL,
  role          text NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE products (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  price      numeric(12, 2) NOT NULL CHECK (price >= 0),
  -- units not yet allocated to any flash sale
  stock      integer NOT NULL DEFAULT 0 CHECK (stock >= 0),
  image      text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE flash_sale_events (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  product_id      uuid NOT NULL REFERENCES products (id),
  start_time      timestamptz NOT NULL,
  end_time        timestamptz NOT NULL,
  -- units taken from the product when the sale was created; never changes
  allocated_stock integer NOT NULL CHECK (allocated_stock >= 0),
  available_stock integer NOT NULL CHECK (available_stock >= 0),
  sold_quantity   integer NOT NULL DEFAULT 0 CHECK (sold_quantity >= 0),
  sale_price      numeric(12, 2) NOT NULL CHECK (sale_price >= 0),
  max_per_user    integer NOT NULL DEFAULT 1 CHECK (max_per_user >= 1),
  is_active       boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT flash_sale_events_window CHECK (end_time > start_time),
  -- API.md: availableStock + soldQuantity = units allocated, at every moment
  CONSTRAINT flash_sale_events_stock_balance CHECK (available_stock + sold_quantity = allocated_stock)
);
CREATE INDEX flash_sale_events_product_id_idx ON flash_sale_events (product_id);
CREATE INDEX flash_sale_events_is_active_idx ON flash_sale_events (is_active, end_time);
CREATE INDEX flash_sale_events_created_idx ON flash_sale_events (created_at DESC, id DESC);

CREATE TABLE orders (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id         uuid NOT NULL REFERENCES users (id),
  product_id      uuid NOT NULL REFERENCES products (id),
  event_id        uuid NOT NULL REFERENCES flash_sale_events (id),
  quantity        integer NOT NULL CHECK (quantity >= 1),
  unit_price      numeric(12, 2) NOT NULL CHECK (unit_price >= 0),
  total_price     numeric(14, 2) NOT NULL CHECK (total_price = unit_price * quantity),
  status          text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'failed')),
  -- a client's retry key; one order per key and user
  idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  -- v2: the queued purchase request this order decides; one order per request
  request_id      uuid UNIQUE,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT orders_user_idempotency_key UNIQUE (user_id, idempotency_key)
);
CREATE INDEX orders_event_id_idx ON orders (event_id);
CREATE INDEX orders_user_id_idx ON orders (user_id, created_at DESC, id DESC);
CREATE INDEX orders_product_id_idx ON orders (product_id);
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);

-- How many units each user holds in each sale. Its row lock serializes one user's
-- concurrent purchases, and its CHECK-guarded upsert enforces maxPerUser.
CREATE TABLE event_user_quotas (
  event_id uuid NOT NULL REFERENCES flash_sale_events (id),
  user_id  uuid NOT NULL REFERENCES users (id),
  quantity integer NOT NULL CHECK (quantity >= 0),
  PRIMARY KEY (event_id, user_id)
);
