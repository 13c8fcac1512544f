import type { Queryable } from '@flashfast/shared';

/** What PostgreSQL holds for one sale: its counters, the orders placed against it, v2's requests. */
export interface SaleLedger {
  allocated: number;
  available: number;
  sold: number;
  /** Orders placed, and the units they add up to. */
  orders: number;
  ordered: number;
  /** Distinct buyers among the orders, and the most units one of them holds. */
  buyers: number;
  mostByOneUser: number;
  /** Units counted against the per-user limits (event_user_quotas). */
  quotaUnits: number;
  /** v2 purchase requests, and how many of them are still undecided. */
  requests: number;
  undecided: number;
}

/** The one ledger query of the tests: every suite that checks a sale's books reads them here. */
export async function saleLedger(db: Queryable, eventId: string): Promise<SaleLedger> {
  const { rows } = await db.query<SaleLedger>(
    `SELECT e.allocated_stock AS allocated, e.available_stock AS available, e.sold_quantity AS sold,
            o.orders, o.ordered, o.buyers, o.most_by_one_user AS "mostByOneUser",
            (SELECT coalesce(sum(quantity), 0)::int FROM event_user_quotas q WHERE q.event_id = e.id) AS "quotaUnits",
            (SELECT count(*)::int FROM purchase_requests r WHERE r.event_id = e.id) AS requests,
            (SELECT count(*)::int FROM purchase_requests r WHERE r.event_id = e.id AND r.status = 'queued') AS undecided
     FROM flash_sale_events e,
          -- one row per buyer first: orders and units are their sums, buyers their count
          LATERAL (SELECT coalesce(sum(n), 0)::int AS orders, coalesce(sum(units), 0)::int AS ordered, count(*)::int AS buyers,
                          coalesce(max(units), 0)::int AS most_by_one_user
                   FROM (SELECT sum(quantity) AS units, count(*) AS n FROM orders WHERE event_id = e.id GROUP BY user_id) per_buyer) o
     WHERE e.id = $1`,
    [eventId],
  );
  if (!rows[0]) throw new Error(`no flash-sale event ${eventId}`);
  return rows[0];
}
