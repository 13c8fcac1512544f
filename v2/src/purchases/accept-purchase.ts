import { randomUUID } from 'node:crypto';
import { AppError, isDependencyFailure, notFound, purchaseRefused, wasNeverSent, type Batcher, type Queryable } from '@flashfast/shared';
import type { QueueDepth } from '../queues/queue-depth';
import type { Admission, PurchaseRef, SaleStock } from '../stock/sale-stock';
import { findRequest, findRequestByKey, type NewRequest } from './purchase-requests.repository';
import type { IntakeResult } from './request-intake';

export interface AcceptDeps {
  db: Queryable;
  stock: SaleStock;
  intake: Batcher<NewRequest, IntakeResult>;
  queueDepth: QueueDepth;
  /** An admission whose row is still missing after this long was lost with its API instance. */
  orphanAfterMs: number;
}

export interface AcceptInput {
  eventId: string;
  userId: string;
  quantity: number;
  idempotencyKey?: string;
}

export interface Accepted {
  requestId: string;
  /** True when this repeats an earlier request (same key, or same content still queued). */
  replayed: boolean;
}

const tryAgainShortly = (why: string) => new AppError('UNAVAILABLE', `${why}, try again shortly`, { retryAfterSeconds: 1 });

/** Admits in Redis; if Redis lost (or never had) this sale's counters, rebuilds them from PostgreSQL first, never guesses. */
async function admit(deps: AcceptDeps, request: PurchaseRef): Promise<Admission> {
  const admission = await deps.stock.admit(request);
  if (admission.kind !== 'missing') return admission;
  const rebuilt = await deps.stock.rebuildOrWait(request.eventId);
  if (rebuilt === 'NO_SALE') throw notFound('flash-sale event');
  if (rebuilt === 'BUSY') throw tryAgainShortly('stock counters are being rebuilt');
  return deps.stock.admit(request);
}

/**
 * A repeat of an admitted request whose row is not in PostgreSQL: it is being written right
 * now (wait a moment), or its API instance died before writing it. Then the repeat takes over:
 * the orphan's admission is undone, and true is returned so the caller admits afresh.
 */
async function isOrphanTakenOver(deps: AcceptDeps, input: AcceptInput, requestId: string): Promise<boolean> {
  for (let waited = 0; waited < 1_000; waited += 50) {
    if (await findRequest(deps.db, requestId)) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const age = await deps.stock.admissionAge(input.eventId, requestId);
  if (age !== undefined && age < deps.orphanAfterMs) throw tryAgainShortly('the first request is still being recorded');
  await deps.stock.undoAdmission({ ...input, requestId });
  return true;
}

/**
 * v2 acceptance: refuse at once what needs no queue, otherwise record the request durably
 * and queue it. A 202 after this returns is a promise that the request will be decided.
 */
export async function acceptPurchase(deps: AcceptDeps, input: AcceptInput): Promise<Accepted> {
  if (deps.queueDepth.overloaded) {
    throw new AppError('OVERLOADED', 'too many purchases waiting, try again shortly', { retryAfterSeconds: 1 });
  }
  const request = { ...input, requestId: randomUUID() };
  let admission = await admit(deps, request);
  if (admission.kind === 'existing' && admission.quantity === input.quantity && (await isOrphanTakenOver(deps, input, admission.requestId))) {
    admission = await admit(deps, request);
  }
  switch (admission.kind) {
    case 'missing':
      throw tryAgainShortly('stock counters are being rebuilt');
    case 'rate-limited':
      throw new AppError('RATE_LIMITED', 'too many requests, slow down', { retryAfterSeconds: admission.retryAfterSeconds });
    case 'refused':
      throw purchaseRefused(admission.code);
    case 'existing':
      if (admission.quantity !== input.quantity) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different purchase');
      }
      return { requestId: admission.requestId, replayed: true };
  }

  let result: IntakeResult;
  try {
    result = await deps.intake.submit({ ...request, acceptedAt: admission.acceptedAt });
  } catch (error) {
    // A write cut off mid-way may have committed: the admission stays, so that a retry finds
    // this request (its row, or, once ORPHAN_AFTER_MS has passed without one, takes it over).
    if (!isDependencyFailure(error) || wasNeverSent(error)) await deps.stock.undoAdmission(request).catch(() => undefined);
    throw error;
  }
  if (result === 'queued') return { requestId: request.requestId, replayed: false };
  await deps.stock.undoAdmission(request);
  if (result === 'unknown-user') throw new AppError('UNAUTHENTICATED', 'this account no longer exists');
  return firstRequestOfKey(deps, input);
}

/**
 * The key is taken in PostgreSQL though Redis did not know it (Redis lost it in a restart): an
 * identical retry gets the first request; only a different purchase is refused.
 */
async function firstRequestOfKey(deps: AcceptDeps, input: AcceptInput): Promise<Accepted> {
  const first = input.idempotencyKey ? await findRequestByKey(deps.db, input.userId, input.idempotencyKey) : undefined;
  if (first && first.eventId === input.eventId && first.quantity === input.quantity) return { requestId: first.requestId, replayed: true };
  throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different purchase');
}
