import { randomUUID } from 'node:crypto';
import { AppError, notFound, purchaseRefused, type Batcher } from '@flashfast/shared';
import type { QueueDepth } from '../queues/queue-depth';
import type { SaleStock } from '../stock/sale-stock';
import type { NewRequest } from './purchase-requests.repository';
import type { IntakeResult } from './request-intake';

export interface AcceptDeps {
  stock: SaleStock;
  intake: Batcher<NewRequest, IntakeResult>;
  queueDepth: QueueDepth;
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

const unavailable = () => new AppError('UNAVAILABLE', 'stock counters are being rebuilt, try again shortly', undefined, 1);

/**
 * v2 acceptance: refuse at once what needs no queue, otherwise record the request durably
 * and queue it. A 202 after this returns is a promise that the request will be decided.
 */
export async function acceptPurchase(deps: AcceptDeps, input: AcceptInput): Promise<Accepted> {
  if (deps.queueDepth.overloaded) {
    throw new AppError('OVERLOADED', 'too many purchases waiting, try again shortly', undefined, 1);
  }
  const request = { ...input, requestId: randomUUID() };
  let admission = await deps.stock.admit(request);
  if (admission.kind === 'missing') {
    // Redis lost (or never had) this sale's counters: rebuild from PostgreSQL, never guess.
    const rebuilt = await deps.stock.rebuildOrWait(input.eventId);
    if (rebuilt === 'NO_SALE') throw notFound('flash-sale event');
    if (rebuilt === 'BUSY') throw unavailable();
    admission = await deps.stock.admit(request);
  }
  switch (admission.kind) {
    case 'missing':
      throw unavailable();
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
    await deps.stock.undoAdmission(request).catch(() => undefined);
    throw error;
  }
  if (result !== 'queued') {
    await deps.stock.undoAdmission(request);
    if (result === 'unknown-user') throw new AppError('UNAUTHENTICATED', 'this account no longer exists');
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different purchase');
  }
  return { requestId: request.requestId, replayed: false };
}
