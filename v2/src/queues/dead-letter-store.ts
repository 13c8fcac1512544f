import type { Deps } from '@flashfast/shared';
import { findOutcomes, findRequest } from '../purchases/purchase-requests.repository';
import type { SaleStock } from '../stock/sale-stock';
import type { FailureCause } from '../workers/retry-policy';
import { clearDeadLettered, findDeadLettered, markDeadLettered } from './dead-letters.repository';
import { queueBatch, type PurchaseJob, type PurchaseQueues } from './purchase-queue';

/**
 * Dead letters, for a one-purchase job and a batch job alike: PostgreSQL records that (and why)
 * a request is parked, the `purchases-dead-letter` queue lists it for admins. Both work on a
 * request, never on a BullMQ job.
 */
export interface DeadLetterParts {
  deps: Pick<Deps, 'db' | 'config' | 'logger'>;
  stock: SaleStock;
  queues: PurchaseQueues;
}

const describe = (error: unknown) => (error instanceof Error ? error.message || error.name : String(error));

/**
 * Parks a request whose retries are spent. Its units go back unless PostgreSQL confirmed it; if
 * PostgreSQL cannot say (it is down), they stay reserved until the replay or the discard.
 * Throws when PostgreSQL cannot record it: the job then fails and the reconciler records it.
 */
export async function recordDeadLetter(parts: DeadLetterParts, request: PurchaseJob, cause: FailureCause, error: unknown, attempts: number): Promise<void> {
  const { db, logger } = parts.deps;
  const reason = describe(error);
  const stored = await findOutcomes(db, [request.requestId]).catch(() => undefined);
  const status = stored?.get(request.requestId)?.outcome.status;
  if (status !== undefined && status !== 'confirmed') await parts.stock.release(request).catch(() => undefined);
  const deadLetteredAt = new Date().toISOString();
  await parts.queues.deadLetters
    .add('dead-letter', { ...request, reason, cause, attempts, deadLetteredAt }, { jobId: request.requestId })
    .catch((addError: unknown) => logger.warn({ err: addError, requestId: request.requestId }, 'could not list the dead letter for admins'));
  await markDeadLettered(db, request.requestId, cause, reason);
  logger.error({ requestId: request.requestId, cause, reason, attempts }, 'purchase dead-lettered');
}

/**
 * Queues a dead-lettered request again, to be decided from scratch (stock permitting). Safe to
 * repeat: a crash half-way leaves a queued row that the reconciler or the next replay picks up.
 */
export async function requeueDeadLetter(parts: DeadLetterParts, request: PurchaseJob): Promise<void> {
  const { requestId, eventId } = request;
  // Units were given back when it was dead-lettered, unless PostgreSQL could not say: make sure.
  await parts.stock.release(request);
  await parts.stock.forgetDecision(eventId, requestId);
  // Replayed, it is a batch of one under its own id (its row says so: clearDeadLettered). Its
  // spent job goes: the one of its own, or its batch's once that failed (its other requests are
  // dead letters of their own, kept in PostgreSQL and the dead-letter queue).
  await (await parts.queues.purchases.getJob(requestId))?.remove();
  const batchId = (await findRequest(parts.deps.db, requestId))?.batchId;
  const batch = batchId && batchId !== requestId ? await parts.queues.purchases.getJob(batchId) : undefined;
  if (batch && (await batch.isFailed())) await batch.remove();
  await clearDeadLettered(parts.deps.db, requestId);
  await queueBatch(parts.queues, parts.deps.config, requestId, [request]);
  await (await parts.queues.deadLetters.getJob(requestId))?.remove();
}

/**
 * Replays requests dead-lettered because a dependency was down, now that both answer (the
 * caller just reached them): at most `max` per call, oldest first, logged with their ids.
 */
export async function replayInfrastructureDeadLetters(parts: DeadLetterParts, max: number): Promise<string[]> {
  if (max === 0) return [];
  const waiting = await findDeadLettered(parts.deps.db, 'infrastructure', max);
  for (const request of waiting) await requeueDeadLetter(parts, request);
  const requestIds = waiting.map((request) => request.requestId);
  if (requestIds.length > 0) parts.deps.logger.warn({ requestIds, count: requestIds.length }, 'dependencies are back: replayed dead-lettered purchases');
  return requestIds;
}
