import { createSale, createUser, createUsers, type TestUser } from '../../shared/test/factories';
import { call } from '../../shared/test/support/http';
import { saleInvariants } from './support/invariants';
import { purchase, waitForOutcomes } from '../../shared/test/support/purchases';
import { startV2Stack, type V2Stack } from './support/v2-stack';

// A slow worker, so that an admin's change lands while requests are still being decided.
const SPIKE_TEST_TIMEOUT = 120_000;
let stack: V2Stack;
let admin: TestUser;

beforeAll(async () => {
  // Small batches, one at a time: the backlog takes a while, so that the change lands mid-way.
  stack = await startV2Stack({ env: { WORKER_CONCURRENCY: '1', ACCEPT_BATCH_MAX: '2' } });
  admin = await createUser(stack.deps, 'admin');
});
afterAll(async () => {
  await stack.close();
});

interface Decided {
  id: string;
  status: string;
  error_code: string | null;
  accepted_ms: string;
  decided_ms: string;
}

const decidedCount = async (eventId: string) =>
  Number((await stack.deps.db.query<{ n: string }>(`SELECT count(*) AS n FROM purchase_requests WHERE event_id = $1 AND status <> 'queued'`, [eventId])).rows[0]!.n);

/**
 * Wave one is accepted before any worker runs; the worker starts; once a few are decided, wave
 * two is fired while the admin's change is made. Returns every request with when the change
 * was done (epoch ms), after every accepted request is decided.
 */
async function spikeWithChange(change: (eventId: string) => Record<string, unknown>) {
  const sale = await createSale(stack.deps, { units: 80, maxPerUser: 1 });
  await stack.services.stock.loadSale(sale.id);
  const buyers = await createUsers(stack.deps, 120);
  const buy = (group: typeof buyers) => Promise.all(group.map((buyer) => purchase(stack.url, sale.id, buyer.token).then((r) => ({ buyer, r }))));

  const first = await buy(buyers.slice(0, 60));
  stack.startWorker();
  while ((await decidedCount(sale.id)) < 10) await new Promise((resolve) => setTimeout(resolve, 10));
  const second = buy(buyers.slice(60));
  const patched = await call(stack.url, 'PATCH', `/api/flashsale-events/${sale.id}`, { token: admin.token, body: change(sale.id) });
  const doneMs = Date.now();
  expect(patched.status).toBe(200);
  const accepted = [...first, ...(await second)].filter(({ r }) => r.status === 202);
  const outcomes = await waitForOutcomes(stack.url, accepted.map(({ buyer, r }) => ({ requestId: r.body.requestId, token: buyer.token })), 60_000);
  expect(outcomes.filter((o) => o.status === 'queued')).toEqual([]);

  const { rows } = await stack.deps.db.query<Decided>(
    `SELECT id, status, error_code, (extract(epoch from accepted_at) * 1000)::bigint::text AS accepted_ms,
            (extract(epoch from decided_at) * 1000)::bigint::text AS decided_ms
     FROM purchase_requests WHERE event_id = $1`,
    [sale.id],
  );
  const afterChange = rows.filter((row) => Number(row.decided_ms) > doneMs);
  await stack.worker!.close();
  stack.worker = undefined;
  return { eventId: sale.id, rows, afterChange };
}

const summary = (rows: Decided[]) => [...new Set(rows.map((row) => row.error_code ?? row.status))].sort();

describe('v2: one rule for the sale window, judged by PostgreSQL when a request is decided', () => {
  it('when an admin moves the end to a moment already past mid-spike, no request accepted after it gets an order', async () => {
    const { eventId, rows, afterChange } = await spikeWithChange(() => ({ endTime: new Date(Date.now() - 1_000).toISOString() }));
    const { rows: sale } = await stack.deps.db.query<{ end_ms: string }>(
      `SELECT (extract(epoch from end_time) * 1000)::bigint::text AS end_ms FROM flash_sale_events WHERE id = $1`,
      [eventId],
    );
    const newEnd = Number(sale[0]!.end_ms);
    // Wave two was accepted after the new end, and some of it decided after the change.
    expect(afterChange.filter((row) => Number(row.accepted_ms) >= newEnd).length).toBeGreaterThan(0);
    expect(afterChange.filter((row) => row.status === 'confirmed' && Number(row.accepted_ms) >= newEnd)).toEqual([]);
    expect(afterChange.filter((row) => Number(row.accepted_ms) >= newEnd).every((row) => row.error_code === 'SALE_ENDED')).toBe(true);
    expect(summary(rows).every((code) => ['confirmed', 'SALE_ENDED', 'SOLD_OUT'].includes(code))).toBe(true);
    expect(await balanced(eventId)).toBe(true);
  }, SPIKE_TEST_TIMEOUT);

  it('when an admin postpones the start mid-spike, every request decided after the change is refused SALE_NOT_STARTED', async () => {
    const hour = 3_600_000;
    const { eventId, rows, afterChange } = await spikeWithChange(() => ({
      startTime: new Date(Date.now() + hour).toISOString(),
      endTime: new Date(Date.now() + 2 * hour).toISOString(),
    }));
    expect(afterChange.length).toBeGreaterThan(0);
    expect(summary(afterChange)).toEqual(['SALE_NOT_STARTED']);
    expect(rows.filter((row) => row.status === 'confirmed').length).toBeGreaterThan(0);
    expect(await balanced(eventId)).toBe(true);
  }, SPIKE_TEST_TIMEOUT);

  it('when an admin switches the sale off mid-spike, no request decided after the change gets an order', async () => {
    const { eventId, afterChange } = await spikeWithChange(() => ({ isActive: false }));
    expect(afterChange.length).toBeGreaterThan(0);
    expect(summary(afterChange)).toEqual(['SALE_INACTIVE']);
    expect(await balanced(eventId)).toBe(true);
  }, SPIKE_TEST_TIMEOUT);
});

/** The books balance and Redis offers exactly what PostgreSQL has left (refused reservations given back). */
async function balanced(eventId: string): Promise<boolean> {
  const state = await saleInvariants(stack, eventId);
  return state.available + state.sold === state.allocated && state.orders === state.sold && state.redisUnitsLeft === state.available && state.undecidedRequests === 0;
}
