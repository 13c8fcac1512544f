import { notFound, type Deps, type PurchaseFailureCode } from '@flashfast/shared';
import { requeueDeadLetter } from '../queues/dead-letter-store';
import type { PurchaseJob } from '../queues/purchase-queue';
import { failRequest, findOutcomes, findRequest, type PurchaseOutcome } from '../purchases/purchase-requests.repository';
import type { ApiServices, Broadcaster } from '../services';

export const DISCARDED: PurchaseFailureCode = 'PROCESSING_FAILED';

/** The dead letter as listed for admins, or as PostgreSQL has it (a Redis that restarted empty lost the list). */
async function takeDeadLetter(deps: Deps, services: ApiServices, requestId: string): Promise<PurchaseJob> {
  const job = await services.queues.deadLetters.getJob(requestId);
  if (job) return job.data;
  const request = await findRequest(deps.db, requestId);
  if (request?.status !== 'queued' || !request.deadLettered) throw notFound('dead-lettered purchase');
  return request;
}

async function outcomeOf(deps: Deps, requestId: string): Promise<PurchaseOutcome> {
  return (await findOutcomes(deps.db, [requestId])).get(requestId)!.outcome;
}

/** Queues a dead-lettered request again, to be decided from scratch (stock permitting). */
export async function replayDeadLetter(deps: Deps, services: ApiServices, requestId: string): Promise<PurchaseOutcome> {
  const data = await takeDeadLetter(deps, services, requestId);
  const request = await findRequest(deps.db, requestId);
  if (request?.status === 'queued') await requeueDeadLetter({ deps, stock: services.stock, queues: services.queues }, data);
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
  const data = await takeDeadLetter(deps, services, requestId);
  await services.stock.release(data);
  if (await failRequest(deps.db, requestId, DISCARDED)) {
    broadcaster.purchase(data.userId, await outcomeOf(deps, requestId));
  }
  await (await services.queues.deadLetters.getJob(requestId))?.remove();
  return outcomeOf(deps, requestId);
}
