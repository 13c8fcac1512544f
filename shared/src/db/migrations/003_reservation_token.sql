-- v2: which Redis reservation a confirmed request consumed. A re-delivered job (a stalled lock,
-- a Redis flush) may reserve again; comparing its token with this one tells it whether its own
-- reservation was the one used, or is surplus to give back.
ALTER TABLE purchase_requests ADD COLUMN reservation text CHECK (length(reservation) <= 64);
