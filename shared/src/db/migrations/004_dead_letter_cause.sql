-- v2: why a request was dead-lettered. 'infrastructure' (a dependency stayed down longer than the
-- retries) is replayed automatically once the dependency is back; 'processing' (anything else)
-- waits for an admin. PostgreSQL keeps this, not only Redis: a Redis that restarts empty must not
-- make a dead letter forget why it is one.
ALTER TABLE purchase_requests
  ADD COLUMN dead_letter_cause text CHECK (dead_letter_cause IN ('infrastructure', 'processing')),
  ADD COLUMN dead_letter_error text CHECK (length(dead_letter_error) <= 1000);

-- Dead letters by cause: queue health counts them, the automatic replay takes the oldest first.
CREATE INDEX purchase_requests_dead_letters_idx ON purchase_requests (dead_letter_cause, dead_lettered_at)
  WHERE dead_lettered_at IS NOT NULL;
