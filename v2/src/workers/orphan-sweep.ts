import type { Deps } from '@flashfast/shared';
import { existingRequestIds } from '../purchases/purchase-requests.repository';
import type { SaleStock } from '../stock/sale-stock';

/**
 * An API instance that dies between admitting a request in Redis and writing its row leaves
 * an admission that claims units and counts against the buyer's limit, for a request that
 * does not exist. Admissions whose rows are still missing after ORPHAN_AFTER_MS are undone.
 * Returns how many were undone.
 */
export async function sweepOrphanedAdmissions(deps: Pick<Deps, 'db' | 'redis' | 'config'>, stock: SaleStock): Promise<number> {
  let undone = 0;
  for (const eventId of await stock.loadedSales()) {
    if ((await deps.redis.exists(stock.keys(eventId).meta)) === 0) {
      // The sale's keys expired (a day after it ended): nothing left to sweep.
      await stock.forgetLoadedSale(eventId);
      continue;
    }
    const stale = await stock.staleAdmissions(eventId, deps.config.ORPHAN_AFTER_MS);
    if (stale.length === 0) continue;
    const written = await existingRequestIds(deps.db, stale.map((admitted) => admitted.requestId));
    await stock.admissionsWritten(eventId, stale.filter((a) => written.has(a.requestId)).map((a) => a.requestId));
    for (const orphan of stale.filter((a) => !written.has(a.requestId))) {
      await stock.undoAdmission({ eventId, requestId: orphan.requestId, userId: orphan.userId, quantity: orphan.quantity }, orphan.dedupField);
      undone += 1;
    }
  }
  return undone;
}
