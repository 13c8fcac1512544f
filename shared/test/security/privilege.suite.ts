import { randomUUID } from 'node:crypto';
import { createUser, type TestUser } from '../factories';
import { errorContractViolation, rawRequest, type RawResponse } from './raw-http';
import { pathOf, routesFor } from './routes';
import type { SecurityTarget } from './target';
import { dbFingerprint, insertOrder, openWorld, type World } from './world';

interface OrderList {
  items: Array<{ id: string; userId: string }>;
}

/** Roles and ownership: customers never reach admin routes, nobody registers as admin, orders stay private. */
export function privilegeSuite(target: SecurityTarget): void {
  describe(`${target.name}: privilege`, () => {
    let world: World;
    beforeAll(async () => {
      world = await openWorld(target);
    });
    afterAll(() => world.close());

    const send = (method: string, path: string, user?: TestUser, body?: unknown): Promise<RawResponse> =>
      rawRequest(world.url, {
        method,
        path,
        headers: {
          ...(user ? { authorization: `Bearer ${user.token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    it('a customer gets 403 FORBIDDEN from every admin route, with valid input, and changes nothing', async () => {
      const before = await dbFingerprint(world.deps);
      const problems: string[] = [];
      for (const route of routesFor(target.prefix).filter((r) => r.access === 'admin')) {
        const response = await send(route.method, pathOf(world, route), world.customer, route.body?.(world));
        const code = (response.json as { error?: { code?: string } } | undefined)?.error?.code;
        const problem = errorContractViolation(response, [403]) ?? (code === 'FORBIDDEN' ? undefined : code);
        if (problem) problems.push(`${route.method} ${route.path}: ${problem}`);
      }
      expect(problems).toEqual([]);
      expect(await dbFingerprint(world.deps)).toEqual(before);
    });

    it('the same requests from an admin are not refused for their role (the 403s above are about the role)', async () => {
      const product = routesFor(target.prefix).find((r) => r.method === 'POST' && r.path === '/products')!;
      const response = await send('POST', pathOf(world, product), world.admin, product.body!(world));
      expect(response.status).toBe(201);
    });

    it.each([
      ['role: admin', '"role":"admin"'],
      ['role: ADMIN', '"role":"ADMIN"'],
      ['__proto__.role', '"__proto__":{"role":"admin"}'],
      ['constructor.prototype.role', '"constructor":{"prototype":{"role":"admin"}}'],
      ['user.role', '"user":{"role":"admin"}'],
      ['roles array', '"roles":["admin"]'],
      ['isAdmin', '"isAdmin":true'],
    ])('registering with %s never makes an admin', async (_label, extra) => {
      const email = `would-be-admin-${randomUUID()}@example.test`;
      const body = `{"name":"Mallory","email":"${email}","password":"long-enough-password",${extra}}`;
      const response = await rawRequest(world.url, {
        method: 'POST',
        path: `${world.prefix}/auth/register`,
        headers: { 'content-type': 'application/json' },
        body,
      });

      // docs/api.md: nobody registers as admin; the key is refused.
      if (response.status === 201) {
        expect((response.json as { user: { role: string } }).user.role).toBe('customer');
      } else {
        expect(errorContractViolation(response, [400])).toBeUndefined();
      }
      const { rows } = await world.deps.db.query<{ role: string }>('SELECT role FROM users WHERE email = $1', [email]);
      expect(rows.filter((row) => row.role === 'admin')).toEqual([]);
    });

    describe('orders', () => {
      let alice: TestUser;
      let bob: TestUser;
      let aliceOrder: string;
      let bobOrder: string;
      beforeAll(async () => {
        [alice, bob] = await Promise.all([createUser(world.deps), createUser(world.deps)]);
        aliceOrder = await insertOrder(world.deps, alice.id, world.sale.id);
        bobOrder = await insertOrder(world.deps, bob.id, world.sale.id);
      });

      it("a customer reading another customer's order by id gets 404, as for an order that does not exist", async () => {
        const theirs = await send('GET', `${world.prefix}/orders/${aliceOrder}`, bob);
        const missing = await send('GET', `${world.prefix}/orders/${randomUUID()}`, bob);
        expect(errorContractViolation(theirs, [404])).toBeUndefined();
        expect(theirs.json).toEqual(missing.json);
        expect((await send('GET', `${world.prefix}/orders/${bobOrder}`, bob)).status).toBe(200);
      });

      it.each([
        ['no filter', ''],
        ["the other's userId", '?userId={alice}'],
        ['their event', '?eventId={event}'],
        ["the other's userId and a big page", '?userId={alice}&limit=100'],
      ])('a customer listing orders (%s) sees only their own', async (_label, query) => {
        const path = `${world.prefix}/orders${query.replace('{alice}', alice.id).replace('{event}', world.sale.id)}`;
        const response = await send('GET', path, bob);
        expect(response.status).toBe(200);
        const owners = new Set((response.json as OrderList).items.map((order) => order.userId));
        expect([...owners]).toEqual([bob.id]);
      });

      it("an admin sees any customer's orders", async () => {
        const list = await send('GET', `${world.prefix}/orders?userId=${alice.id}`, world.admin);
        expect((list.json as OrderList).items.map((order) => order.id)).toEqual([aliceOrder]);
        expect((await send('GET', `${world.prefix}/orders/${aliceOrder}`, world.admin)).status).toBe(200);
      });

      it('anonymous callers get 401 for orders, whatever the id', async () => {
        for (const path of ['/orders', `/orders/${aliceOrder}`, `/orders?userId=${alice.id}`]) {
          expect(errorContractViolation(await send('GET', `${world.prefix}${path}`), [401])).toBeUndefined();
        }
      });
    });
  });
}
