import { saleLedger } from '../../../shared/test/support/sale-ledger';
import type { V2Stack } from './v2-stack';

/** Everything that must agree for a sale: PostgreSQL counters, orders, Redis, the request log. */
export async function saleInvariants(stack: Pick<V2Stack, 'deps' | 'services'>, eventId: string) {
  const ledger = await saleLedger(stack.deps.db, eventId);
  return {
    allocated: ledger.allocated,
    available: ledger.available,
    sold: ledger.sold,
    orders: ledger.orders,
    orderedUnits: ledger.ordered,
    redisUnitsLeft: await stack.services.stock.unitsLeft(eventId),
    undecidedRequests: ledger.undecided,
  };
}
