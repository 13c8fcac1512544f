import { toOrder, ORDER_COLUMNS, type Order, type OrderRow, type PurchaseFailureCode, type Queryable } from '@flashfast/shared';

export type RequestStatus = 'queued' | 'confirmed' | 'failed';

/** What the buyer sees of a v2 purchase: over HTTP and in the `purchase` Socket.io event. */
export interface PurchaseOutcome {
  requestId: string;
  status: RequestStatus;
  order?: Order;
  error?: { code: PurchaseFailureCode };
  /** Only while queued: the job exhausted its attempts and waits for an operator. */
  deadLettered?: boolean;
}

/** An accepted purchase request: its row, and its queued job's data. */
export interface NewRequest {
  requestId: string;
  userId: string;
  eventId: string;
  quantity: number;
  idempotencyKey?: string;
  /** Redis clock at acceptance (epoch ms): the sale window is judged at this instant. */
  acceptedAt: number;
}

/**
 * Inserts accepted requests in one statement, each with the id of the batch job that will carry
 * it (`batchIds`, one per request); returns the ids that were new (not a reused key, nor an unknown user).
 */
export async function insertRequests(db: Queryable, requests: NewRequest[], batchIds: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO purchase_requests (id, user_id, event_id, quantity, idempotency_key, accepted_at, batch_id)
     SELECT id, user_id, event_id, quantity, key, to_timestamp(accepted_ms / 1000.0), batch_id
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::bigint[], $7::uuid[])
       AS t(id, user_id, event_id, quantity, key, accepted_ms, batch_id)
     -- a valid token of a deleted account must not fail the whole batch on the foreign key
     WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = t.user_id)
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [
      requests.map((r) => r.requestId),
      requests.map((r) => r.userId),
      requests.map((r) => r.eventId),
      requests.map((r) => r.quantity),
      requests.map((r) => r.idempotencyKey ?? null),
      requests.map((r) => r.acceptedAt),
      batchIds,
    ],
  );
  return new Set(rows.map((row) => row.id));
}

interface OutcomeRow extends Partial<OrderRow> {
  request_id: string;
  request_user_id: string;
  reservation: string | null;
  request_status: RequestStatus;
  error_code: PurchaseFailureCode | null;
  dead_lettered_at: Date | null;
}

const toOutcome = (row: OutcomeRow): PurchaseOutcome => ({
  requestId: row.request_id,
  status: row.request_status,
  ...(row.request_status === 'confirmed' && row.id ? { order: toOrder(row as OrderRow) } : {}),
  ...(row.error_code ? { error: { code: row.error_code } } : {}),
  ...(row.request_status === 'queued' && row.dead_lettered_at ? { deadLettered: true } : {}),
});

const SELECT_OUTCOMES = `SELECT r.id AS request_id, r.user_id AS request_user_id, r.status AS request_status,
    r.error_code, r.dead_lettered_at, r.reservation, ${ORDER_COLUMNS}
  FROM purchase_requests r LEFT JOIN orders o ON o.id = r.order_id`;

/** The request as its owner sees it; undefined for anybody else (never reveal existence). */
export async function findOutcome(db: Queryable, requestId: string, userId: string): Promise<PurchaseOutcome | undefined> {
  const { rows } = await db.query<OutcomeRow>(`${SELECT_OUTCOMES} WHERE r.id = $1 AND r.user_id = $2`, [requestId, userId]);
  return rows[0] && toOutcome(rows[0]);
}

/** What the worker needs beyond the buyer's view: whose request, and which reservation confirmed it. */
export interface StoredOutcome {
  outcome: PurchaseOutcome;
  userId: string;
  reservation: string | null;
}

export async function findOutcomes(db: Queryable, requestIds: string[]): Promise<Map<string, StoredOutcome>> {
  const { rows } = await db.query<OutcomeRow>(`${SELECT_OUTCOMES} WHERE r.id = ANY($1::uuid[])`, [requestIds]);
  return new Map(
    rows.map((row) => [row.request_id, { outcome: toOutcome(row), userId: row.request_user_id, reservation: row.reservation }]),
  );
}

export interface StoredRequest extends NewRequest {
  status: RequestStatus;
  deadLettered: boolean;
  /** The id of the job that carries it (rows written before batches: the request's own id). */
  batchId: string;
}

interface RequestRow {
  id: string;
  user_id: string;
  event_id: string;
  quantity: number;
  idempotency_key: string | null;
  accepted_ms: string;
  status: RequestStatus;
  dead_lettered: boolean;
  batch_id: string | null;
}

const SELECT_REQUESTS = `SELECT id, user_id, event_id, quantity, idempotency_key, status, dead_lettered_at IS NOT NULL AS dead_lettered, batch_id,
    (extract(epoch from accepted_at) * 1000)::bigint::text AS accepted_ms
  FROM purchase_requests`;

const toStoredRequest = (row: RequestRow): StoredRequest => ({
  requestId: row.id,
  userId: row.user_id,
  eventId: row.event_id,
  quantity: row.quantity,
  idempotencyKey: row.idempotency_key ?? undefined,
  acceptedAt: Number(row.accepted_ms),
  status: row.status,
  deadLettered: row.dead_lettered,
  batchId: row.batch_id ?? row.id,
});

export async function findRequest(db: Queryable, requestId: string): Promise<StoredRequest | undefined> {
  const { rows } = await db.query<RequestRow>(`${SELECT_REQUESTS} WHERE id = $1`, [requestId]);
  return rows[0] && toStoredRequest(rows[0]);
}

/** The request a user's Idempotency-Key first made, if any. */
export async function findRequestByKey(db: Queryable, userId: string, idempotencyKey: string): Promise<StoredRequest | undefined> {
  const { rows } = await db.query<RequestRow>(`${SELECT_REQUESTS} WHERE user_id = $1 AND idempotency_key = $2`, [userId, idempotencyKey]);
  return rows[0] && toStoredRequest(rows[0]);
}

/** Undecided requests older than `minAgeMs` that are not waiting in the dead-letter queue. */
export async function findStaleQueuedRequests(db: Queryable, minAgeMs: number, limit: number): Promise<StoredRequest[]> {
  const { rows } = await db.query<RequestRow>(
    `${SELECT_REQUESTS}
     WHERE status = 'queued' AND dead_lettered_at IS NULL AND accepted_at < now() - make_interval(secs => $1 / 1000.0)
     ORDER BY accepted_at LIMIT $2`,
    [minAgeMs, limit],
  );
  return rows.map(toStoredRequest);
}

/**
 * The undecided requests (dead letters aside) of one batch, accepted between `fromMs` and `toMs`
 * give or take 10 s: a batch's requests are accepted within moments of each other, and the
 * window lets the partial index of queued rows find them (no index on batch_id).
 */
export async function findQueuedOfBatch(db: Queryable, batchId: string, fromMs: number, toMs: number): Promise<StoredRequest[]> {
  const { rows } = await db.query<RequestRow>(
    `${SELECT_REQUESTS}
     WHERE status = 'queued' AND dead_lettered_at IS NULL AND coalesce(batch_id, id) = $1
       AND accepted_at BETWEEN to_timestamp($2 / 1000.0) - interval '10 seconds' AND to_timestamp($3 / 1000.0) + interval '10 seconds'
     ORDER BY accepted_at`,
    [batchId, fromMs, toMs],
  );
  return rows.map(toStoredRequest);
}

/** Those of these requests still undecided and not dead-lettered. */
export async function findStillQueued(db: Queryable, requestIds: string[]): Promise<StoredRequest[]> {
  const { rows } = await db.query<RequestRow>(
    `${SELECT_REQUESTS} WHERE id = ANY($1::uuid[]) AND status = 'queued' AND dead_lettered_at IS NULL`,
    [requestIds],
  );
  return rows.map(toStoredRequest);
}

export async function failRequest(db: Queryable, requestId: string, code: PurchaseFailureCode): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE purchase_requests SET status = 'failed', error_code = $2, decided_at = now(),
       dead_lettered_at = NULL, dead_letter_cause = NULL, dead_letter_error = NULL
     WHERE id = $1 AND status = 'queued'`,
    [requestId, code],
  );
  return rowCount === 1;
}

export async function existingUsers(db: Queryable, userIds: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM users WHERE id = ANY($1::uuid[])', [userIds]);
  return new Set(rows.map((row) => row.id));
}

export async function existingRequestIds(db: Queryable, requestIds: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM purchase_requests WHERE id = ANY($1::uuid[])', [requestIds]);
  return new Set(rows.map((row) => row.id));
}

/** These requests leave their batch: each is carried by a job of its own, under its own id. */
export async function detachFromBatch(db: Queryable, requestIds: string[]): Promise<void> {
  await db.query(`UPDATE purchase_requests SET batch_id = id WHERE id = ANY($1::uuid[]) AND status = 'queued'`, [requestIds]);
}
