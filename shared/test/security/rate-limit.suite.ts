import { randomUUID } from 'node:crypto';
import { createUser, type TestUser } from '../factories';
import { errorContractViolation, rawRequest, type RawResponse } from './raw-http';
import type { SecurityTarget } from './target';
import { openWorld, type World } from './world';

const AUTH_MAX = 5;
const PURCHASE_MAX = 3;

/** Asserts a 429 RATE_LIMITED with a Retry-After of whole seconds within the window. */
function expectRateLimited(response: RawResponse, windowSeconds: number): void {
  expect(errorContractViolation(response, [429])).toBeUndefined();
  expect((response.json as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
  const retryAfter = String(response.headers['retry-after']);
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(windowSeconds);
}

/**
 * Limits live in Redis: login per client address, purchase per user, shared by every instance
 * using the same key prefix. Two app instances (two deps, one Redis prefix) sit behind one trusted proxy hop.
 */
export function rateLimitSuite(target: SecurityTarget): void {
  describe(`${target.name}: rate limits`, () => {
    const limits = { RATE_LIMIT_AUTH_MAX: String(AUTH_MAX), RATE_LIMIT_PURCHASE_MAX: String(PURCHASE_MAX) };
    let one: World;
    let two: World;
    let direct: World;
    let windowSeconds: number;

    beforeAll(async () => {
      const shared = { ...limits, TRUST_PROXY_HOPS: '1', REDIS_KEY_PREFIX: `test:rl-${randomUUID().slice(0, 8)}:` };
      one = await openWorld(target, shared);
      const sameDatabase = { DATABASE_URL: one.deps.config.DATABASE_URL };
      two = await openWorld(target, { ...shared, ...sameDatabase });
      // No proxy in front: X-Forwarded-For must be ignored altogether.
      direct = await openWorld(target, { ...limits, ...sameDatabase });
      windowSeconds = Math.ceil(one.deps.config.RATE_LIMIT_WINDOW_MS / 1000);
    });
    afterAll(async () => {
      await direct?.close();
      await two?.close();
      await one?.close();
    });

    const login = (world: World, forwardedFor?: string, password = 'wrong-password') =>
      rawRequest(world.url, {
        method: 'POST',
        path: `${world.prefix}/auth/login`,
        headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
        body: JSON.stringify({ email: one.customer.email, password }),
      });
    const purchase = (world: World, buyer: TestUser, saleId: string) =>
      rawRequest(world.url, {
        method: 'POST',
        path: `${world.prefix}/flashsale/${saleId}/purchase`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${buyer.token}`, 'x-forwarded-for': '198.51.100.1' },
        body: JSON.stringify({ quantity: 1 }),
      });
    const statuses = (responses: RawResponse[]) => responses.map((response) => response.status);

    it(`the ${AUTH_MAX + 1}th login in the window from one address is refused with 429 and Retry-After, even with the right password`, async () => {
      const address = '203.0.113.10';
      const attempts: RawResponse[] = [];
      for (let i = 0; i < AUTH_MAX; i++) attempts.push(await login(one, address));
      expect(statuses(attempts)).toEqual(Array(AUTH_MAX).fill(401));

      expectRateLimited(await login(one, address, one.customer.password), windowSeconds);
    });

    it('a client varying the left-most X-Forwarded-For entries stays limited: only the hop our proxy appended counts', async () => {
      const address = '203.0.113.20';
      const spoofed = Array.from({ length: AUTH_MAX + 3 }, (_, i) =>
        i % 2 === 0 ? `10.0.0.${i}, ${address}` : `${randomUUID()}, 192.0.2.${i}, 127.0.0.1, ${address}`,
      );
      const responses: RawResponse[] = [];
      for (const header of spoofed) responses.push(await login(one, header));

      expect(statuses(responses.slice(0, AUTH_MAX))).toEqual(Array(AUTH_MAX).fill(401));
      for (const refused of responses.slice(AUTH_MAX)) expectRateLimited(refused, windowSeconds);
      // The trusted hop is the client address: another one is another client, not limited yet.
      expect((await login(one, '203.0.113.21')).status).toBe(401);
    });

    it('without a trusted proxy, X-Forwarded-For is ignored: changing it does not reset the limit', async () => {
      const responses: RawResponse[] = [];
      for (let i = 0; i <= AUTH_MAX + 1; i++) responses.push(await login(direct, `198.51.100.${i}`));

      expect(statuses(responses.slice(0, AUTH_MAX))).toEqual(Array(AUTH_MAX).fill(401));
      for (const refused of responses.slice(AUTH_MAX)) expectRateLimited(refused, windowSeconds);
    });

    it('two instances sharing Redis share the login limit for an address', async () => {
      const address = '203.0.113.30';
      const responses: RawResponse[] = [];
      for (let i = 0; i < AUTH_MAX; i++) responses.push(await login(i % 2 === 0 ? one : two, address));
      expect(statuses(responses)).toEqual(Array(AUTH_MAX).fill(401));

      expectRateLimited(await login(two, address), windowSeconds);
      expectRateLimited(await login(one, address), windowSeconds);
    });

    it(`purchases are limited per user across both instances: the ${PURCHASE_MAX + 1}th is 429, another user still buys`, async () => {
      const { rows } = await one.deps.db.query<{ id: string }>(
        `UPDATE flash_sale_events SET max_per_user = 100 WHERE id = $1 RETURNING id`,
        [one.sale.id],
      );
      const saleId = rows[0]!.id;
      const [buyer, other] = await Promise.all([createUser(one.deps), createUser(one.deps)]);

      const accepted: RawResponse[] = [];
      for (let i = 0; i < PURCHASE_MAX; i++) accepted.push(await purchase(i % 2 === 0 ? one : two, buyer, saleId));
      // 201 for v1's synchronous purchase, 202 for v2's queued one.
      expect(statuses(accepted).every((status) => status === 201 || status === 202)).toBe(true);

      expectRateLimited(await purchase(two, buyer, saleId), windowSeconds);
      expectRateLimited(await purchase(one, buyer, saleId), windowSeconds);
      // Same address, different user: the purchase limit is per user, not per address.
      expect([201, 202]).toContain((await purchase(two, other, saleId)).status);
    });
  });
}
