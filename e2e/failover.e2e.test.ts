import { randomUUID } from 'node:crypto';
import { createUser, createUsers, type TestUser } from '../shared/test/factories';
import { call, type CallResult } from '../shared/test/support/http';
import { purchase, waitForOutcomes, type Accepted } from '../shared/test/support/purchases';
import { saleLedger } from '../shared/test/support/sale-ledger';
import { accessLog, CLUSTER_START_TIMEOUT, type AccessLogEntry, instances, startTestCluster, type TestCluster } from './support/test-cluster';

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
    // A retry whose first attempt the dead instance had admitted but not recorded is answered 503
    // until ORPHAN_AFTER_MS has passed, then takes the orphan over: 2 s lets that happen well
    // within a buyer's retries (the default 10 s would outlast them).
    env: { WORKER_LOCK_MS: '5000', RECONCILE_INTERVAL_MS: '500', RECONCILE_MIN_AGE_MS: '1000', PURCHASE_BACKOFF_MS: '50', ORPHAN_AFTER_MS: '2000' },
  });
  admin = await createUser(test.deps, 'admin');
}, CLUSTER_START_TIMEOUT);
afterAll(() => test?.stop(), 60_000);

type PurchaseAnswer = CallResult<Accepted & { error?: { code: string } }>;
/** One request of a buyer's, named by the X-Request-Id it was sent with (nginx logs it). */
interface Attempt {
  requestId: string;
  answer: PurchaseAnswer;
}

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
    let answered = 0;
    let killed: Promise<unknown> | undefined;

    // A careful client: one Idempotency-Key per purchase, the same key again after a 5xx.
    const buy = async (buyer: TestUser) => {
      const key = randomUUID();
      const attempts: Attempt[] = [];
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
        const requestId = randomUUID();
        const answer = await purchase(test.baseUrl, eventId, buyer.token, 1, { 'Idempotency-Key': key, 'X-Request-Id': requestId });
        attempts.push({ requestId, answer });
        answered += 1;
        if (answered === KILL_AFTER_ANSWERS) killed = (victim!.child.kill('SIGKILL'), victim!.exited);
        if (answer.status < 500) break;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
      return { buyer, attempts, answer: attempts.at(-1)!.answer };
    };
    const results = await Promise.all(buyers.map(buy));

    expect(await killed).toBe('SIGKILL');
    // Every buyer ends with a final answer: queued (202) or sold out at once (409).
    const finals = results.map(({ answer }) => (answer.status === 202 ? 202 : `${answer.status} ${answer.body.error?.code}`));
    expect(finals.filter((final) => final !== 202 && final !== '409 SOLD_OUT')).toEqual([]);
    // Every 5xx on the way is explained by the instance that died, as nginx's log shows:
    // - nginx's JSON 502 for a purchase that had reached it (nginx never re-sends a POST);
    // - a surviving instance's 503 with Retry-After, only for a buyer whose earlier attempt was
    //   such a 502: the dead instance had admitted it in Redis, its row was never written, and
    //   the retry must wait until the admission counts as orphaned (ORPHAN_AFTER_MS).
    const victimAddress = `127.0.0.1:${victim!.port}`;
    const logged = new Map(accessLog(test).filter((entry) => entry.uri.includes(eventId)).map((entry) => [entry.requestId, entry]));
    const answeredBy = (entry: AccessLogEntry | undefined) => entry?.upstream.split(', ').at(-1);
    const unexplained = results.flatMap(({ attempts }) =>
      attempts.flatMap(({ requestId, answer }, index) => {
        if (answer.status < 500) return [];
        const entry = logged.get(requestId);
        const code = answer.body.error?.code;
        const nginxFor502 = answer.status === 502 && code === 'UNAVAILABLE' && entry?.status === 502 && answeredBy(entry) === victimAddress;
        const afterVictim502 = attempts.slice(0, index).some((earlier) => earlier.answer.status === 502);
        const survivorRetry =
          answer.status === 503 && code === 'UNAVAILABLE' && answer.headers.get('retry-after') !== null && afterVictim502 &&
          entry?.status === 503 && entry.upstreamStatus.endsWith('503') && answeredBy(entry) !== victimAddress;
        return nginxFor502 || survivorRetry ? [] : [{ status: answer.status, body: answer.body, upstream: entry?.upstream, earlier: attempts.slice(0, index).map((a) => a.answer.status) }];
      }),
    );
    expect(unexplained).toEqual([]);

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
