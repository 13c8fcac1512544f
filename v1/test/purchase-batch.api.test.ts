import type { Deps } from '@flashfast/shared';
import { createApp } from '../src/app';
import { createSale, createUser, createUsers } from '../../shared/test/factories';
import { serveApp, type ServedApp } from '../../shared/test/support/http';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';
import { batchTotals, codesOf, count, failFirstOrderWrite, landTogether, ledger, purchase } from './support/batches';

/** Batches of this app whose transaction failed and were decided again or one by one. */
const recoveries = async (deps: Deps) => (await deps.metrics.purchaseBatchRecoveries.get()).values.reduce((sum, value) => sum + value.value, 0);

// Each race runs twice: with room for the whole burst in one batch, and with batches of 7.
describe.each([
  ['in one batch', '500'],
  ['across batches of 7', '7'],
])('v1 merged deduction, %s', (_title, batchMax) => {
  let deps: Deps;
  let server: ServedApp;
  beforeAll(async () => {
    // The opening purchase waits on the test's row lock until the whole burst has arrived, which on
    // a busy machine takes longer than the default 5 s statement timeout: it would time out, the
    // batch would be retried, and the burst would never all wait in the combiner at once.
    deps = await createTestDeps({ PURCHASE_BATCH_MAX: batchMax, DATABASE_STATEMENT_TIMEOUT_MS: '150000' });
    server = await serveApp(createApp(deps));
  });
  afterAll(async () => {
    await server?.close();
    if (deps) await closeTestDeps(deps);
  });

  const expectBatches = (before: { batches: number }, after: { batches: number }, burst: number, sales = 1) =>
    expect(after.batches - before.batches).toBe(sales + sales * Math.ceil(burst / sales / Number(batchMax)));

  it('200 buyers for 50 units: exactly 50 buy, 150 hear SOLD_OUT, and the ledger balances', async () => {
    const sale = await createSale(deps, { units: 51 });
    const buyers = await createUsers(deps, 200);
    const before = await batchTotals(deps);

    const answers = await landTogether(deps, server.url, [sale.id], () => buyers.map((buyer) => purchase(server.url, sale.id, buyer.token)));

    const codes = codesOf(answers);
    expect(count(codes, '201')).toBe(50);
    expect(count(codes, 'SOLD_OUT')).toBe(150);
    expectBatches(before, await batchTotals(deps), 200);
    expect(await ledger(deps, sale.id)).toMatchObject({ available: 0, sold: 51, orders: 51, ordered: 51, quotaUnits: 51 });
  });

  it("one user's burst of 20 against maxPerUser 3: exactly 3 buy, 17 hear LIMIT_EXCEEDED", async () => {
    const sale = await createSale(deps, { units: 100, maxPerUser: 3 });
    const buyer = await createUser(deps);

    const answers = await landTogether(deps, server.url, [sale.id], () => Array.from({ length: 20 }, () => purchase(server.url, sale.id, buyer.token)));

    const codes = codesOf(answers);
    expect(count(codes, '201')).toBe(3);
    expect(count(codes, 'LIMIT_EXCEEDED')).toBe(17);
    expect(await ledger(deps, sale.id)).toMatchObject({ sold: 4, orders: 4, quotaUnits: 4, mostByOneUser: 3 });
  });

  it('the same Idempotency-Key 10 times at once buys once, and every answer is that order', async () => {
    const sale = await createSale(deps, { units: 5, maxPerUser: 2 });
    const buyer = await createUser(deps);

    const answers = await landTogether(deps, server.url, [sale.id], () => Array.from({ length: 10 }, () => purchase(server.url, sale.id, buyer.token, 2, 'press-once')));

    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((answer) => answer.body.order!.id)).size).toBe(1);
    expect(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
    expect(await ledger(deps, sale.id)).toMatchObject({ sold: 3, orders: 2 });
    // Later, the key still answers with its order.
    const retry = await purchase(server.url, sale.id, buyer.token, 2, 'press-once');
    expect(retry.body.order!.id).toBe(answers[0]!.body.order!.id);
  });

  it('buyers of two sales fired together: each sale is decided on its own, and each buyer gets an order of the sale asked for', async () => {
    const small = await createSale(deps, { units: 11 });
    const large = await createSale(deps, { units: 31 });
    const buyers = await createUsers(deps, 60);
    const before = await batchTotals(deps);

    const answers = await landTogether(deps, server.url, [small.id, large.id], () =>
      buyers.map((buyer, i) => purchase(server.url, i % 2 === 0 ? small.id : large.id, buyer.token)),
    );

    const bySale = (eventId: string) => answers.filter((_, i) => (i % 2 === 0 ? small.id : large.id) === eventId);
    expect(count(codesOf(bySale(small.id)), '201')).toBe(10);
    expect(count(codesOf(bySale(large.id)), '201')).toBe(30);
    for (const [i, answer] of answers.entries()) {
      if (answer.status === 201) expect(answer.body.order).toMatchObject({ eventId: i % 2 === 0 ? small.id : large.id, userId: buyers[i]!.id });
    }
    expectBatches(before, await batchTotals(deps), 60, 2);
    expect(await ledger(deps, small.id)).toMatchObject({ available: 0, sold: 11, orders: 11 });
    expect(await ledger(deps, large.id)).toMatchObject({ available: 0, sold: 31, orders: 31 });
  });

  it.each(['deadlock', 'lost-connection'] as const)('a batch whose transaction fails once (%s, injected) decides every purchase exactly once', async (fault) => {
    const sale = await createSale(deps, { units: 41 });
    const buyers = await createUsers(deps, 60);
    const openers = [await createUser(deps)];
    const undo = await failFirstOrderWrite(deps, sale.id, [openers[0]!.id], fault);
    try {
      const answers = await landTogether(deps, server.url, [sale.id], () => buyers.map((buyer, i) => purchase(server.url, sale.id, buyer.token, 1, `once-${i}`)), { openers });
      const codes = codesOf(answers);
      expect(count(codes, '201')).toBe(40);
      expect(count(codes, 'SOLD_OUT')).toBe(20);
      expect(new Set(answers.filter((a) => a.status === 201).map((a) => a.body.order!.id)).size).toBe(40);
      expect(await ledger(deps, sale.id)).toMatchObject({ available: 0, sold: 41, orders: 41, quotaUnits: 41, mostByOneUser: 1 });
      expect(await recoveries(deps)).toBeGreaterThan(0);
    } finally {
      await undo();
    }
  });

  it('a purchase whose own write fails (its account was deleted) fails alone; the rest of its batch buys', async () => {
    const sale = await createSale(deps, { units: 50 });
    const buyers = await createUsers(deps, 12);
    const doomed = buyers[5]!;

    const answers = await landTogether(deps, server.url, [sale.id], () => buyers.map((buyer) => purchase(server.url, sale.id, buyer.token)), {
      meanwhile: async () => void (await deps.db.query('DELETE FROM users WHERE id = $1', [doomed.id])),
    });

    expect(answers.map((answer) => answer.status)).toEqual(buyers.map((buyer) => (buyer === doomed ? 401 : 201)));
    expect(await ledger(deps, sale.id)).toMatchObject({ sold: 12, orders: 12, quotaUnits: 12 });
  });
});

describe('v1 merged deduction across instances', () => {
  const instances: { deps: Deps; server: ServedApp }[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i += 1) {
      const deps = await createTestDeps();
      instances.push({ deps, server: await serveApp(createApp(deps)) });
    }
  });
  afterAll(async () => {
    for (const { deps, server } of instances) {
      await server.close();
      await closeTestDeps(deps);
    }
  });
  const urlFor = (i: number) => instances[i % 2]!.server.url;

  it('two instances, 200 buyers for 50 units: exactly 50 buy, because the database decides', async () => {
    const deps = instances[0]!.deps;
    const sale = await createSale(deps, { units: 50 });
    const buyers = await createUsers(deps, 200);

    const answers = await Promise.all(buyers.map((buyer, i) => purchase(urlFor(i), sale.id, buyer.token, 1, `k-${i}`)));

    expect(count(codesOf(answers), '201')).toBe(50);
    expect(count(codesOf(answers), 'SOLD_OUT')).toBe(150);
    expect(await ledger(deps, sale.id)).toMatchObject({ available: 0, sold: 50, orders: 50, quotaUnits: 50, mostByOneUser: 1 });
  });

  it("two instances, one user's burst of 20 and a key sent twice to each: maxPerUser holds, the key buys once", async () => {
    const deps = instances[0]!.deps;
    const sale = await createSale(deps, { units: 100, maxPerUser: 3 });
    const buyer = await createUser(deps);

    const answers = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => purchase(urlFor(i), sale.id, buyer.token)),
      ...Array.from({ length: 4 }, (_, i) => purchase(urlFor(i), sale.id, buyer.token, 1, 'twice-each')),
    ]);

    const bought = new Set(answers.filter((answer) => answer.status === 201).map((answer) => answer.body.order!.id));
    expect(bought.size).toBe(3);
    expect(new Set(answers.slice(20).filter((answer) => answer.status === 201).map((answer) => answer.body.order!.id)).size).toBeLessThanOrEqual(1);
    expect(await ledger(deps, sale.id)).toMatchObject({ sold: 3, orders: 3, quotaUnits: 3, mostByOneUser: 3 });
  });
});
