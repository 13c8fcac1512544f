// The shapes every part of the load test passes around: buyers, one record per purchase request,
// the decisions, and the progress state.

export type Version = 'v1' | 'v2';

export interface Buyer {
  userId: string;
  token: string;
}

/** The final outcome of a purchase request; `atMs` is ms after the first request was sent. */
export interface Decision {
  status: string;
  code?: string;
  orderId?: string;
  atMs?: number;
}

/** One purchase request: who sent it, when, and how it was answered and decided. */
export interface PurchaseRecord {
  buyer: number;
  userId: string;
  quantity: number;
  idempotencyKey?: string;
  startMs?: number;
  endMs?: number;
  status?: number;
  code?: string;
  /** v1: 201; v2: 202. */
  accepted: boolean;
  /** v1: the answer itself; v2: a 409 answer itself, or the worker's confirmed/failed for a 202. */
  decision?: Decision;
  requestId?: string;
  statusUrl?: string;
  /** The transport error's code when there was no HTTP answer. */
  error?: string;
  /** The buyer's token while its decision is read back (v2), removed afterwards. */
  token?: string;
}

/** What the progress display shows (loadtest/lib/progress.ts); the phases fill it in as they go. */
export interface RunState {
  phase?: string;
  t0?: number;
  total?: number;
  sent?: number;
  answered?: number;
  accepted?: number;
  failed?: number;
  decided?: number;
}
