import type { V2Stack } from './v2-stack';

/** Everything that must agree for a sale: PostgreSQL counters, orders, Redis, the request log. */
export async function saleInvariants(stack: Pick<V2Stack, 'deps' | 'services'>, eventId: string) {
  const { rows } = await stack.deps.db.query<{
    allocated: number; available: number; sold: number; orders: string; ordered_units: string | null; undecided: string;
  }>(
    `SELECT e.allocated_stock AS allocated, e.available_stock AS available, e.sold_quantity AS sold,
            (SELECT count(*) FROM orders o WHERE o.event_id = e.id) AS orders,
            (SELECT sum(quantity) FROM orders o WHERE o.event_id = e.id) AS ordered_units,
            (SELECT count(*) FROM purchase_requests r WHERE r.event_id = e.id AND r.status = 'queued') AS undecided
     FROM flash_sale_events e WHERE e.id = $1`,
    [eventId],
  );
  const row = rows[0]!;
  return {
    allocated: row.allocated,
    available: row.available,
    sold: row.sold,
    orders: Number(row.orders),
    orderedUnits: Number(row.ordered_units ?? 0),
    redisUnitsLeft: await stack.services.stock.unitsLeft(eventId),
    undecidedRequests: Number(row.undecided),
  };
}
