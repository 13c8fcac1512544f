import { randomUUID } from 'node:crypto';
import type { Deps, DbClient } from '@flashfast/shared';
import { createApp } from '../src/app';
import { createSale, createUser, createUsers, type TestUser } from '../../shared/test/factories';
import { call, serveApp, type ServedApp } from '../../shared/test/support/http';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';
import { purchase } from './support/batches';

/** Waits until this process remembers the sale as refusing everyone (it learns in the background). */
async function remembered(deps: Deps, eventId: string, expected: boolean): Promise<void> {
  const probe = { eventId, userId: randomUUID(), quantity: 1 };
  for (let i = 0; i < 500; i += 1) {
    if ((deps.soldOut.sales.refusalFor(probe) !== undefined) === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the sale was ${expected ? 'never' : 'still'} remembered`);
}

const refusedInProcess = async (deps: Deps) => (await deps.metrics.refusedInProcess.get()).values.reduce((sum, value) => sum + value.value, 0);

describe('v1 sold-out fast path', () => {
  // Two instances on one database and one Redis prefix; a small pool and purchase rate limit on the first.
  const prefix = `test:${randomUUID().slice(0, 8)}:`;
  const instances: { deps: Deps; server: ServedApp }[] = [];
  let admin: TestUser;
  beforeAll(async () => {
    for (const overrides of [{ DATABASE_POOL_SIZE: '3', RATE_LIMIT_PURCHASE_MAX: '3' }, {}] as Record<string, string>[]) {
      const deps = await createTestDeps({ REDIS_KEY_PREFIX: prefix, SOLD_OUT_MEMORY_MS: '600000', ...overrides });
      instances.push({ deps, server: await serveApp(createApp(deps)) });
      await listening(deps);
    }
    admin = await createUser(instances[0]!.deps, 'admin');
  });
  afterAll(async () => {
    for (const { deps, server } of instances) {
      await server.close();
      await closeTestDeps(deps);
    }
  });
  const [a, b] = [() => instances[0]!, () => instances[1]!];

  it('late buyers of a sold-out sale get the same 409, without a database connection and before the rate limit', async () => {
    const { deps, server } = a();
    const sale = await createSale(deps, { units: 2 });
    const [first, second, late] = await createUsers(deps, 3);
    for (const buyer of [first!, second!]) expect((await purchase(server.url, sale.id, buyer.token)).status).toBe(201);
    const full = await purchase(server.url, sale.id, late!.token);
    expect(full.status).toBe(409);
    await remembered(deps, sale.id, true);

    // Every pooled connection is taken, and the late buyer has a rate limit of 3 purchases.
    const held: DbClient[] = await Promise.all(Array.from({ length: 3 }, () => deps.db.connect()));
    const before = await refusedInProcess(deps);
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => purchase(server.url, sale.id, late!.token, 1, `late-${i}`)));
      for (const answer of answers) {
        expect(answer.status).toBe(409);
        expect(answer.body).toEqual(full.body);
      }
    } finally {
      for (const client of held) client.release();
    }
    expect((await refusedInProcess(deps)) - before).toBe(10);
  });

  it("a buyer whose Idempotency-Key bought before the sell-out gets the order back, not SOLD_OUT", async () => {
    const { deps, server } = a();
    const sale = await createSale(deps, { units: 1 });
    const [buyer, other] = await createUsers(deps, 2);
    const bought = await purchase(server.url, sale.id, buyer!.token, 1, 'mine');
    expect((await purchase(server.url, sale.id, other!.token)).body.error?.code).toBe('SOLD_OUT');
    await remembered(deps, sale.id, true);

    const retry = await purchase(server.url, sale.id, buyer!.token, 1, 'mine');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.order!.id).toBe(bought.body.order!.id);
    expect((await purchase(server.url, sale.id, buyer!.token, 1, 'another')).body.error?.code).toBe('SOLD_OUT');
  });

  it('a sale switched off is refused from memory until an admin on another instance switches it on again', async () => {
    const sale = await createSale(a().deps, { units: 5 });
    const [buyer] = await createUsers(a().deps, 1);
    const patch = (isActive: boolean) =>
      call(a().server.url, 'PATCH', `/flashsale-events/${sale.id}`, { token: admin.token, body: { isActive } });
    expect((await patch(false)).status).toBe(200);
    expect((await purchase(b().server.url, sale.id, buyer!.token)).body.error?.code).toBe('SALE_INACTIVE');
    await remembered(b().deps, sale.id, true);
    expect((await purchase(b().server.url, sale.id, buyer!.token)).body.error?.code).toBe('SALE_INACTIVE');

    expect((await patch(true)).status).toBe(200);
    // Heard through Redis pub/sub (the memory would otherwise last 10 minutes).
    await remembered(b().deps, sale.id, false);
    expect((await purchase(b().server.url, sale.id, buyer!.token)).status).toBe(201);
  });
});

async function listening(deps: Deps): Promise<void> {
  for (let i = 0; i < 500 && !deps.soldOut.sales.isListening; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!deps.soldOut.sales.isListening) throw new Error('the sold-out channel never subscribed');
}
