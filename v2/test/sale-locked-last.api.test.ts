import pg from 'pg';
import { createSale, createUsers } from '../../shared/test/factories';
import { purchase } from '../../shared/test/support/purchases';
import { findRequest } from '../src/purchases/purchase-requests.repository';
import { writeDecisions } from '../src/workers/batch-writer';
import { startV2Stack, type V2Stack } from './support/v2-stack';

// The worker plans a batch with its sales as read and locks them only to move the units (two
// batches of one sale write their orders side by side). These tests change the sale between
// the plan and the lock, and look at what was recorded.
let stack: V2Stack;
let admin: pg.Client;

beforeAll(async () => {
  stack = await startV2Stack();
  admin = new pg.Client({ connectionString: stack.deps.config.DATABASE_URL });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
  await stack.close();
});

/** Accepted purchases (no worker runs), as the worker's batch job carries them. */
async function acceptedJobs(eventId: string, count: number) {
  const buyers = await createUsers(stack.deps, count);
  const responses = await Promise.all(buyers.map((buyer) => purchase(stack.url, eventId, buyer.token)));
  return Promise.all(responses.map(async (response) => (await findRequest(stack.deps.db, response.body.requestId))!));
}

/** Resolves once some session waits for a row lock held by the admin's open transaction. */
async function someoneWaitsOnTheAdmin(): Promise<void> {
  const adminPid = (await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  for (let i = 0; i < 400; i++) {
    const { rows } = await stack.deps.db.query('SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [adminPid]);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the batch never waited for the sale lock');
}

/** Writes the batch while the admin's change holds the sale; commits the change once the batch waits for it. */
async function writeDuringChange(eventId: string, jobs: Awaited<ReturnType<typeof acceptedJobs>>, change: string) {
  await admin.query('BEGIN');
  await admin.query(change, [eventId]);
  const writing = writeDecisions(stack.deps, jobs.map((job) => ({ job, reservation: 'test-reservation' })));
  await someoneWaitsOnTheAdmin();
  await admin.query('COMMIT');
  return writing;
}

const recorded = async (eventId: string) =>
  (await stack.deps.db.query<{ available_stock: number; sold_quantity: number; orders: number; prices: string[] }>(
    `SELECT available_stock, sold_quantity, (SELECT count(*)::int FROM orders WHERE event_id = e.id) AS orders,
            (SELECT coalesce(array_agg(DISTINCT unit_price::text), '{}') FROM orders WHERE event_id = e.id) AS prices
     FROM flash_sale_events e WHERE id = $1`,
    [eventId],
  )).rows[0]!;

describe('v2 batch write, the sale locked last', () => {
  it('when an admin switches the sale off before the batch locks it, no order is written and every purchase is refused', async () => {
    const sale = await createSale(stack.deps, { units: 10 });
    const jobs = await acceptedJobs(sale.id, 3);
    const results = await writeDuringChange(sale.id, jobs, 'UPDATE flash_sale_events SET is_active = false WHERE id = $1');
    expect([...results.values()].map((result) => result.outcome)).toEqual(jobs.map(() => expect.objectContaining({ status: 'failed', error: { code: 'SALE_INACTIVE' } })));
    expect(await recorded(sale.id)).toEqual({ available_stock: 10, sold_quantity: 0, orders: 0, prices: [] });
  });

  it('when an admin changes the price before the batch locks the sale, the orders carry the new price', async () => {
    const sale = await createSale(stack.deps, { units: 10 });
    const jobs = await acceptedJobs(sale.id, 3);
    const results = await writeDuringChange(sale.id, jobs, 'UPDATE flash_sale_events SET sale_price = 7.25 WHERE id = $1');
    expect([...results.values()].map((result) => result.outcome.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    expect(await recorded(sale.id)).toEqual({ available_stock: 7, sold_quantity: 3, orders: 3, prices: ['7.25'] });
  });

  it('when another writer takes the units before the batch locks the sale, only what is left is sold', async () => {
    const sale = await createSale(stack.deps, { units: 5 });
    const jobs = await acceptedJobs(sale.id, 3);
    const results = await writeDuringChange(sale.id, jobs, 'UPDATE flash_sale_events SET available_stock = 1, sold_quantity = 4 WHERE id = $1');
    const statuses = [...results.values()].map((result) => result.outcome.status).sort();
    expect(statuses).toEqual(['confirmed', 'failed', 'failed']);
    expect([...results.values()].filter((result) => result.outcome.status === 'failed').map((result) => result.outcome.error?.code)).toEqual(['SOLD_OUT', 'SOLD_OUT']);
    expect(await recorded(sale.id)).toEqual({ available_stock: 0, sold_quantity: 5, orders: 1, prices: [expect.any(String)] });
  });
});
