import { randomUUID } from 'node:crypto';
import { createSale, createUser, createUsers, type TestUser } from '../../shared/test/factories';
import { call } from '../../shared/test/support/http';
import { spawnApi, type ApiProcess } from './support/api-process';
import { purchase } from '../../shared/test/support/purchases';
import { startV2Stack, type V2Stack } from './support/v2-stack';

// The other API instance remembers for 10 minutes: only an announcement can make it forget.
const MEMORY = { SOLD_OUT_MEMORY_MS: '600000' };
const TRIGGER = `fail_orders_${randomUUID().replaceAll('-', '')}`;

let stack: V2Stack;
let other: ApiProcess;
let admin: TestUser;

beforeAll(async () => {
  // The worker's second attempt waits 3 s: the unit stays claimed until the other process has learnt it is sold out.
  stack = await startV2Stack({ worker: true, env: { ...MEMORY, PURCHASE_ATTEMPTS: '2', PURCHASE_BACKOFF_MS: '3000' } });
  other = await spawnApi(stack.deps.config, MEMORY);
  admin = await createUser(stack.deps, 'admin');
});
afterAll(async () => {
  await stack.deps.db.query(`DROP TRIGGER IF EXISTS ${TRIGGER} ON orders`).catch(() => undefined);
  await stack.deps.db.query(`DROP FUNCTION IF EXISTS ${TRIGGER}()`).catch(() => undefined);
  await other?.stop();
  await stack?.close();
});

/** Every order write of the sale fails, so the worker's job is dead-lettered and its reservation released. */
async function breakOrderWrites(eventId: string): Promise<void> {
  await stack.deps.db.query(`
    CREATE FUNCTION ${TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.event_id = '${eventId}' THEN RAISE EXCEPTION 'injected write failure'; END IF;
      RETURN NEW;
    END $$`);
  await stack.deps.db.query(`CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION ${TRIGGER}()`);
}

const refusedInProcess = async (url: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^flashfast_purchases_refused_in_process_total\{[^}]*outcome="SOLD_OUT"[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
};

async function waitForDeadLetters(count: number): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    const queues = await call<{ deadLettered: number }>(stack.url, 'GET', '/api/admin/queues', { token: admin.token });
    if (queues.body.deadLettered === count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the job was never dead-lettered');
}

describe('v2 sold-out fast path', () => {
  it('units released on one instance become buyable again on another process, which had refused them from memory', async () => {
    const sale = await createSale(stack.deps, { units: 1 });
    await stack.services.stock.loadSale(sale.id);
    const [first, late, later] = await createUsers(stack.deps, 3);
    await breakOrderWrites(sale.id);

    expect((await purchase(stack.url, sale.id, first!.token)).status).toBe(202);
    const full = await purchase(other.url, sale.id, late!.token);
    expect(full.body.error?.code).toBe('SOLD_OUT');
    // The other process learns in the background; from then on it answers from memory.
    let fromMemory = 0;
    for (let i = 0; i < 200 && fromMemory === 0; i += 1) {
      const answer = await purchase(other.url, sale.id, late!.token, 1, { 'Idempotency-Key': `late-${i}` });
      expect(answer.body).toEqual(full.body);
      fromMemory = await refusedInProcess(other.url);
    }
    expect(fromMemory).toBeGreaterThan(0);

    // The worker reserves the unit, its order write keeps failing, the job is dead-lettered and
    // the reservation released: the API process hears it and stops refusing.
    await waitForDeadLetters(1);
    const released = Date.now();
    let answer = await purchase(other.url, sale.id, later!.token, 1, { 'Idempotency-Key': 'after-release' });
    while (answer.status === 409 && Date.now() - released < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      answer = await purchase(other.url, sale.id, later!.token, 1, { 'Idempotency-Key': 'after-release' });
    }
    expect(answer.status).toBe(202);
  });
});
