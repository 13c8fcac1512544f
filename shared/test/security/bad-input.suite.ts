import { badBodies } from './body-cases';
import { BAD_IDEMPOTENCY_KEYS, BAD_REQUEST_IDS, forgedAuthRequests } from './header-cases';
import { forEveryCaller, violations, type MatrixCase } from './matrix';
import { errorContractViolation, inPool, rawRequest } from './raw-http';
import { badParams, badQueries, unknownPaths } from './request-line-cases';
import { pathOf, routesFor, type RouteSpec } from './routes';
import type { SecurityTarget } from './target';
import { dbFingerprint, openWorld, type World } from './world';

const label = (route: RouteSpec): string => `${route.method} ${route.path}`;

/**
 * The bad-input matrix: malformed bodies, path parameters, query strings and headers against every
 * route of docs/api.md under the target's prefix, sent by anonymous, customer and admin callers. Every
 * answer must be a 4xx with a JSON {error:{code,message}}, and no refused request may change a row.
 */
export function badInputSuite(target: SecurityTarget): void {
  describe(`${target.name}: malformed input is refused with a 4xx JSON error and changes nothing`, () => {
    let world: World;
    let before: Record<string, string>;

    beforeAll(async () => {
      world = await openWorld(target);
    });
    afterAll(() => world.close());
    beforeEach(async () => {
      before = await dbFingerprint(world.deps);
    });
    afterEach(async () => {
      expect(await dbFingerprint(world.deps)).toEqual(before);
    });

    const routes = routesFor(target.prefix);
    const expectNoViolations = async (cases: MatrixCase[]) => {
      expect(cases.length).toBeGreaterThan(0);
      expect(await violations(world, cases)).toEqual([]);
    };

    describe('bodies', () => {
      for (const route of routes.filter((r) => r.body)) {
        it(`${label(route)}: wrong types, bad values, extra keys, broken JSON, odd encodings`, async () => {
          await expectNoViolations(forEveryCaller(world, route, badBodies(world, route)));
        });
      }
    });

    describe('path parameters', () => {
      for (const route of routes.filter((r) => r.path.includes(':id'))) {
        it(`${label(route)}: ids that are not UUIDs, do not decode, escape the route or do not exist`, async () => {
          await expectNoViolations(forEveryCaller(world, route, badParams(world, route)));
        });
      }
    });

    describe('query strings', () => {
      for (const route of routes.filter((r) => r.list)) {
        it(`${label(route)}: bad limits, forged cursors, repeated and unknown keys`, async () => {
          await expectNoViolations(forEveryCaller(world, route, badQueries(world, route)));
        });
      }
    });

    describe('headers', () => {
      for (const route of routes.filter((r) => r.access !== 'public')) {
        it(`${label(route)}: malformed Authorization headers never authenticate (401)`, async () => {
          await expectNoViolations(forEveryCaller(world, route, forgedAuthRequests(world, route), ['admin']));
        });
      }

      it('purchase: an invalid Idempotency-Key is a 400 and buys nothing', async () => {
        const purchase = routes.find((r) => r.path === '/flashsale/:id/purchase')!;
        const requests = BAD_IDEMPOTENCY_KEYS.map(([name, value]) => ({
          label: `Idempotency-Key ${name}`,
          stage: 'handler' as const,
          status: 400,
          headers: { 'content-type': 'application/json', 'idempotency-key': value },
          body: JSON.stringify({ quantity: 1 }),
        }));
        await expectNoViolations(forEveryCaller(world, purchase, requests, ['customer', 'admin']));
      });

      it('a garbage X-Request-Id is replaced by a generated id, never echoed, on good and bad requests', async () => {
        const products = routes.find((r) => r.path === '/products/:id')!;
        const targets = [pathOf(world, products), pathOf(world, products, 'not-a-uuid')];
        const checks = BAD_REQUEST_IDS.flatMap(([name, value]) => targets.map((path) => ({ name, value, path })));
        const problems = await inPool(checks, 8, async ({ name, value, path }) => {
          const response = await rawRequest(world.url, { method: 'GET', path, headers: { 'x-request-id': value } });
          const echoed = String(response.headers['x-request-id']);
          if (response.status >= 500) return `${name} ${path}: ${response.status}`;
          if (!/^[\w.-]{1,64}$/.test(echoed) || [value].flat().includes(echoed)) return `${name} ${path}: echoed ${echoed}`;
          return undefined;
        });
        expect(problems.filter(Boolean)).toEqual([]);
      });
    });

    it('requests for unknown paths get a JSON 404 (or 400 when the path does not decode), whatever the method', async () => {
      const problems = await inPool(unknownPaths(target.prefix), 8, async ({ method, path }) => {
        const response = await rawRequest(world.url, { method, path, headers: { 'content-type': 'application/json' }, body: '{}' });
        const problem = errorContractViolation(response, [400, 404, 405]);
        return problem && `${method} ${path.slice(0, 60)}: ${problem}`;
      });
      expect(problems.filter(Boolean)).toEqual([]);
    });
  });
}
