import type { Queryable } from '@flashfast/shared';
import type { PurchaseJob } from './purchase-queue';
import type { FailureCause } from '../workers/retry-policy';

/** The request waits, undecided, for a replay (automatic for `infrastructure`) or a discard. */
export async function markDeadLettered(db: Queryable, requestId: string, cause: FailureCause, error: string): Promise<void> {
  await db.query(
    `UPDATE purchase_requests SET dead_lettered_at = now(), dead_letter_cause = $2, dead_letter_error = left($3, 1000)
     WHERE id = $1 AND status = 'queued'`,
    [requestId, cause, error],
  );
}

export async function clearDeadLettered(db: Queryable, requestId: string): Promise<void> {
  await db.query(
    // Replayed, it is decided in a job of its own, under its own id.
    `UPDATE purchase_requests SET dead_lettered_at = NULL, dead_letter_cause = NULL, dead_letter_error = NULL, batch_id = id WHERE id = $1`,
    [requestId],
  );
}

export interface DeadLetteredRequest extends PurchaseJob {
  cause: FailureCause;
  error: string;
  deadLetteredAt: string;
}

/** Undecided dead letters of one cause, oldest first. */
export async function findDeadLettered(db: Queryable, cause: FailureCause, limit: number): Promise<DeadLetteredRequest[]> {
  const { rows } = await db.query<{
    id: string; user_id: string; event_id: string; quantity: number; idempotency_key: string | null;
    accepted_ms: string; cause: FailureCause; error: string | null; dead_lettered_at: Date;
  }>(
    `SELECT id, user_id, event_id, quantity, idempotency_key, dead_letter_cause AS cause, dead_letter_error AS error,
            dead_lettered_at, (extract(epoch from accepted_at) * 1000)::bigint::text AS accepted_ms
     FROM purchase_requests
     WHERE dead_lettered_at IS NOT NULL AND dead_letter_cause = $1 AND status = 'queued'
     ORDER BY dead_lettered_at LIMIT $2`,
    [cause, limit],
  );
  return rows.map((row) => ({
    requestId: row.id,
    userId: row.user_id,
    eventId: row.event_id,
    quantity: row.quantity,
    ...(row.idempotency_key ? { idempotencyKey: row.idempotency_key } : {}),
    acceptedAt: Number(row.accepted_ms),
    cause: row.cause,
    error: row.error ?? '',
    deadLetteredAt: row.dead_lettered_at.toISOString(),
  }));
}

export type DeadLetterCounts = Record<FailureCause, number>;

export async function countDeadLetters(db: Queryable): Promise<DeadLetterCounts> {
  const { rows } = await db.query<{ cause: FailureCause | null; n: string }>(
    `SELECT dead_letter_cause AS cause, count(*) AS n FROM purchase_requests
     WHERE dead_lettered_at IS NOT NULL AND status = 'queued' GROUP BY dead_letter_cause`,
  );
  const counts: DeadLetterCounts = { infrastructure: 0, processing: 0 };
  // A dead letter from before causes were recorded waits for an admin, like a processing failure.
  for (const row of rows) counts[row.cause ?? 'processing'] += Number(row.n);
  return counts;
}

/** How long the oldest accepted, undecided request has waited (seconds; 0 when none waits). */
export async function oldestUndecidedSeconds(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ age: number | null }>(
    `SELECT extract(epoch from now() - min(accepted_at))::float8 AS age FROM purchase_requests WHERE status = 'queued'`,
  );
  return Math.max(0, rows[0]?.age ?? 0);
}
