import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { closeDeps, signToken, type Deps } from '@flashfast/shared';
import { createUser, type TestUser } from '../factories';
import { eventually } from '../support/eventually';
import { call, type ServedApp } from '../support/http';
import { closeTestDeps, createTestDeps } from '../support/test-deps';
import { dropTestDatabase, testDatabaseUrl } from '../support/test-databases';
import { serveTarget } from '../contract/target';
import type { SecurityTarget } from './target';

const PROMISED_MS = 5_000;

interface Instance {
  name: string;
  deps: Deps;
  server: ServedApp;
}

/** A loopback port nothing listens on: a Redis that is down. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Tokens lose their powers on every instance, each with its own in-process view of the
 * revocations: A and B share Redis (B hears A's message), C never hears it (another Redis prefix,
 * or with `deafWithoutRedis` no Redis at all: only its PostgreSQL poll keeps the promise).
 */
export function revocationSuite(target: SecurityTarget, options: { deafWithoutRedis?: boolean } = {}): void {
  describe(`${target.name}: token revocation across instances`, () => {
    const databaseUrl = testDatabaseUrl(`revoke_${randomUUID().slice(0, 8)}`);
    const sharedPrefix = `test:${randomUUID().slice(0, 8)}:`;
    const instances: Instance[] = [];
    let a: Instance;
    let b: Instance;
    let c: Instance;

    const start = async (name: string, overrides: Record<string, string>): Promise<Instance> => {
      const deps = await (target.createDeps ?? createTestDeps)({ DATABASE_URL: databaseUrl, ...overrides });
      const instance = { name, deps, server: await serveTarget(target, deps) };
      instances.push(instance);
      return instance;
    };
    const status = (instance: Instance, method: string, path: string, user: TestUser, body?: unknown) => async () =>
      (await call(instance.server.url, method, `${target.prefix}${path}`, { token: user.token, body })).status;

    beforeAll(async () => {
      a = await start('A', { REDIS_KEY_PREFIX: sharedPrefix });
      b = await start('B', { REDIS_KEY_PREFIX: sharedPrefix });
      c = options.deafWithoutRedis
        ? await start('C (no Redis)', { REDIS_URL: `redis://127.0.0.1:${await deadPort()}` })
        : await start('C (deaf)', { REDIS_KEY_PREFIX: `test:${randomUUID().slice(0, 8)}:` });
    });
    afterAll(async () => {
      for (const instance of instances) {
        await instance.server.close();
        if (instance === c && options.deafWithoutRedis) {
          // quit() would wait for the Redis that is not there.
          instance.deps.redis.disconnect();
          await closeDeps(instance.deps);
        }
        else await (target.closeDeps ?? closeTestDeps)(instance.deps);
      }
      await dropTestDatabase(databaseUrl);
    });

    it('logout on A: refused on A at once, on B and C within 5 s; the same account\'s other token works everywhere', async () => {
      const user = await createUser(a.deps);
      const other = { ...user, token: signToken(a.deps.config, { userId: user.id, role: user.role }) };
      for (const instance of [a, b, c]) expect(await status(instance, 'GET', '/orders', user)()).toBe(200);

      expect(await status(a, 'POST', '/auth/logout', user)()).toBe(204);

      expect(await status(a, 'GET', '/orders', user)()).toBe(401);
      for (const instance of [b, c]) {
        const { afterMs } = await eventually(status(instance, 'GET', '/orders', user), (s) => s === 401, PROMISED_MS);
        console.warn(`[measured] ${target.name}: logout on A refused on ${instance.name} after ${afterMs} ms`);
      }
      for (const instance of [a, b, c]) expect(await status(instance, 'GET', '/auth/me', other)()).toBe(200);
    });

    it("a demotion on A takes the admin routes from the token on B and C within 5 s, a deletion everything", async () => {
      const [demoted, removed, boss] = [await createUser(a.deps, 'admin'), await createUser(a.deps, 'admin'), await createUser(a.deps, 'admin')];
      for (const instance of [b, c]) expect(await status(instance, 'GET', '/users', demoted)()).toBe(200);

      expect(await status(a, 'PATCH', `/users/${demoted.id}`, boss, { role: 'customer' })()).toBe(200);
      await a.deps.db.query('DELETE FROM users WHERE id = $1', [removed.id]);

      expect(await status(a, 'GET', '/users', demoted)()).toBe(403);
      for (const instance of [b, c]) {
        const demotion = await eventually(status(instance, 'GET', '/users', demoted), (s) => s === 403, PROMISED_MS);
        const removal = await eventually(status(instance, 'GET', '/orders', removed), (s) => s === 401, PROMISED_MS);
        console.warn(`[measured] ${target.name}: on ${instance.name}, demotion after ${demotion.afterMs} ms, removal after ${removal.afterMs} ms`);
      }
    });

    it('the last admin cannot be demoted, not even by themselves; two admins demoting each other at once leave one', async () => {
      const [x, y] = [await createUser(a.deps, 'admin', 'X'), await createUser(a.deps, 'admin', 'Y')];
      await a.deps.db.query(`UPDATE users SET role = 'customer' WHERE role = 'admin' AND id NOT IN ($1, $2)`, [x.id, y.id]);
      for (const instance of [a, b]) await eventually(status(instance, 'GET', '/users', x), (s) => s === 200, PROMISED_MS);

      const answers = await Promise.all([
        status(a, 'PATCH', `/users/${y.id}`, x, { role: 'customer' })(),
        status(b, 'PATCH', `/users/${x.id}`, y, { role: 'customer' })(),
      ]);

      // The loser is refused as the last admin, or (if the winner's change reached it first) as a customer.
      expect([[200, 403], [200, 409]]).toContainEqual([...answers].sort());
      const { rows } = await a.deps.db.query<{ id: string }>(`SELECT id FROM users WHERE role = 'admin'`);
      expect(rows).toHaveLength(1);
      const last = rows[0]!.id === x.id ? x : y;
      const self = await call(a.server.url, 'PATCH', `${target.prefix}/users/${last.id}`, { token: last.token, body: { role: 'customer' } });
      expect({ status: self.status, body: self.body }).toMatchObject({ status: 409, body: { error: { code: 'LAST_ADMIN' } } });
    });

    it('while account changes cannot be read for over 5 s, authenticated requests get 503 (never a stale yes), public ones 200; then it recovers', async () => {
      const user = await createUser(a.deps);
      const blocker = await a.deps.db.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE auth_changes IN ACCESS EXCLUSIVE MODE');
        const { afterMs } = await eventually(status(a, 'GET', '/auth/me', user), (s) => s === 503, 3 * PROMISED_MS);
        console.warn(`[measured] ${target.name}: authenticated requests refused with 503 after ${afterMs} ms of unreadable account changes`);
        expect((await call(a.server.url, 'GET', `${target.prefix}/products`)).status).toBe(200);
      } finally {
        await blocker.query('ROLLBACK');
        blocker.release();
      }
      await eventually(status(a, 'GET', '/auth/me', user), (s) => s === 200, 3 * PROMISED_MS);
    });
  });
}
