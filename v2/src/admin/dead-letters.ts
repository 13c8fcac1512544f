import { notFound, type Deps } from '@flashfast/shared';
import { purchaseJobOptions, type DeadLetterJob } from '../queues/purchase-queue';
import { failRequest, findOutcomes, findRequest, setDeadLettered, type PurchaseOutcome } from '../purchases/purchase-requests.repository';
import type { ApiServices, Broadcaster } from '../services';

export const DISCARDED = 'PROCESSING_FAILED';

async function takeDeadLetter(services: ApiServices, requestId: string): Promise<DeadLetterJob> {
  const job = await services.queues.deadLetters.getJob(requestId);
  if (!job) throw notFound('dead-lettered purchase');
  return job.data;
}

async function outcomeOf(deps: Deps, requestId: string): Promise<PurchaseOutcome> {
  return (await findOutcomes(deps.db, [requestId])).get(requestId)!.outcome;
}

/** Queues a dead-lettered request again, to be decided from scratch (stock permitting). */
export async function replayDeadLetter(deps: Deps, services: ApiServices, requestId: string): Promise<PurchaseOutcome> {
  const data = await takeDeadLetter(services, requestId);
  const request = await findRequest(deps.db, requestId);
  if (request?.status === 'queued') {
    // Units were given back when it was dead-lettered; make sure, then let it decide afresh.
    await services.stock.release(data);
    await services.stock.forgetDecision(data.eventId, requestId);
    await (await services.queues.purchases.getJob(requestId))?.remove();
    await setDeadLettered(deps.db, requestId, false);
    const { reason: _r, attempts: _a, deadLetteredAt: _d, ...job } = data;
    await services.queues.purchases.add('purchase', job, purchaseJobOptions(deps.config, requestId));
  }
  await (await services.queues.deadLetters.getJob(requestId))?.remove();
  return outcomeOf(deps, requestId);
}

/** Gives up on a dead-lettered request: it ends `failed` and the buyer is told. */
export async function discardDeadLetter(
  deps: Deps,
  services: ApiServices,
  broadcaster: Broadcaster,
  requestId: string,
): Promise<PurchaseOutcome> {
  const data = await takeDeadLetter(services, requestId);
  await services.stock.release(data);
  if (await failRequest(deps.db, requestId, DISCARDED)) {
    broadcaster.purchase(data.userId, await outcomeOf(deps, requestId));
  }
  await (await services.queues.deadLetters.getJob(requestId))?.remove();
  return outcomeOf(deps, requestId);
}
