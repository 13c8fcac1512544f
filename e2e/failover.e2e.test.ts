import { randomUUID } from 'node:crypto';
import { createUser, createUsers, type TestUser } from '../shared/test/factories';
import { call, type CallResult } from '../shared/test/support/http';
import { purchase, waitForOutcomes, type Accepted } from '../shared/test/support/purchases';
import { saleLedger } from '../shared/test/support/sale-ledger';
import { accessLog, CLUSTER_START_TIMEOUT, instances, startTestCluster, type TestCluster } from './support/test-cluster';

const UNITS = 80;
const BUYERS = 300;
/** The kill lands once this many answers are back, with the rest of the spike in flight. */
const KILL_AFTER_ANSWERS = 40;
const MAX_ATTEMPTS = 10;

let test: TestCluster;
let admin: TestUser;

beforeAll(async () => {
  test = await startTestCluster({
    v1: 1,
    v2: 2,
    workers: 2,
    env: { WORKER_LOCK_MS: '5000', RECONCILE_INTERVAL_MS: '500', RECONCILE_MIN_AGE_MS: '1000', PURCHASE_BACKOFF_MS: '50' },
  });
  admin = await createUser(test.deps, 'admin');
}, CLUSTER_START_TIMEOUT);
afterAll(() => test?.stop(), 60_000);

type PurchaseAnswer = CallResult<Accepted & { error?: { code: string } }>;

/** A sale created as an admin would, through nginx: its counters are in Redis before the spike. */
async function createLiveSale(units: number): Promise<string> {
  const product = await call<{ product: { id: string } }>(test.baseUrl, 'POST', '/api/products', {
    token: admin.token,
    body: { name: 'Failover kettle', price: 20, stock: units },
  });
  const sale = await call<{ event: { id: string } }>(test.baseUrl, 'POST', '/api/flashsale-events', {
    token: admin.token,
    body: { productId: product.body.product.id, startTime: new Date(Date.now() - 60_000).toISOString(), endTime: new Date(Date.now() + 3_600_000).toISOString(), availableStock: units },
  });
  expect(sale.status).toBe(201);
  return sale.body.event.id;
}

describe('a v2 instance dies in the middle of a spike through nginx', () => {
  it('the spike still sells exactly the units, once per buyer, decides every 202, and only the dead instance causes 5xx', async () => {
    const eventId = await createLiveSale(UNITS);
    const buyers = await createUsers(test.deps, BUYERS);
    const [victim] = instances(test, 'v2');
    const every: PurchaseAnswer[] = [];
    let killed: Promise<unknown> | undefined;

    // A careful client: one Idempotency-Key per purchase, the same key again after a 5xx.
    const buy = async (buyer: TestUser) => {
      const key = randomUUID();
      let answer: PurchaseAnswer | undefined;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
        answer = await purchase(test.baseUrl, eventId, buyer.token, 1, { 'Idempotency-Key': key });
        every.push(answer);
        if (every.length === KILL_AFTER_ANSWERS) killed = (victim!.child.kill('SIGKILL'), victim!.exited);
        if (answer.status < 500) break;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
      return { buyer, answer: answer! };
    };
    const results = await Promise.all(buyers.map(buy));

    expect(await killed).toBe('SIGKILL');
    // Every buyer ends with a final answer: queued (202) or sold out at once (409).
    const finals = results.map(({ answer }) => (answer.status === 202 ? 202 : `${answer.status} ${answer.body.error?.code}`));
    expect(finals.filter((final) => final !== 202 && final !== '409 SOLD_OUT')).toEqual([]);
    // A 5xx on the way is nginx's JSON for "no answer", never an HTML page or an app's 500 ...
    const failures = every.filter((answer) => answer.status >= 500);
    expect(failures.filter((answer) => answer.status !== 502 || answer.body.error?.code !== 'UNAVAILABLE')).toEqual([]);
    // ... and every one is a purchase that had reached the instance that died (nginx never re-sends a POST).
    const victimAddress = `127.0.0.1:${victim!.port}`;
    const failedUpstreams = accessLog(test).filter((entry) => entry.uri.includes(eventId) && entry.status >= 500).map((entry) => entry.upstream);
    expect(failedUpstreams.length).toBe(failures.length);
    expect(failedUpstreams.filter((upstream) => !upstream.includes(victimAddress))).toEqual([]);

    // Every 202 is decided, whichever instance accepted it; exactly the units are sold.
    const accepted = results.filter(({ answer }) => answer.status === 202).map(({ buyer, answer }) => ({ requestId: answer.body.requestId, token: buyer.token }));
    const outcomes = await waitForOutcomes(test.baseUrl, accepted, 60_000);
    expect(outcomes.filter((outcome) => outcome?.status !== 'confirmed' && outcome?.status !== 'failed')).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.status === 'confirmed')).toHaveLength(UNITS);
    expect(outcomes.filter((outcome) => outcome.status === 'failed' && outcome.error?.code !== 'SOLD_OUT')).toEqual([]);

    // One request per accepted buyer (retries replayed, never bought twice), none left undecided.
    expect(await saleLedger(test.deps.db, eventId)).toMatchObject({
      available: 0,
      sold: UNITS,
      orders: UNITS,
      buyers: UNITS,
      ordered: UNITS,
      requests: accepted.length,
      undecided: 0,
    });
  });
});
