import { expectError, useContractApi } from './harness';
import type { ContractTarget } from './target';

export function describeOpsContract(target: ContractTarget): void {
  describe(`${target.name} contract: operations endpoints`, () => {
    const api = useContractApi(target);
    const isV1 = target.name.startsWith('v1');

    it('when a probe asks /healthz, the process answers 200', async () => {
      const response = await api.ops('get', '/healthz').expect(200);
      expect(response.body).toEqual({ status: 'ok' });
    });

    it('when its dependencies answer, /readyz is 200 with every check ok (v1 needs PostgreSQL only, v2 Redis too)', async () => {
      const response = await api.ops('get', '/readyz').expect(200);

      expect(response.body.status).toBe('ready');
      expect(response.body.checks).toEqual(isV1 ? { database: 'ok' } : { database: 'ok', redis: 'ok' });
      expect(Object.values(response.body.checks).every((state) => state === 'ok')).toBe(true);
    });

    if (target.exposesMetrics === false) {
      it('when anyone asks /metrics here, it is 404 NOT_FOUND: metrics stay private to the operator', async () => {
        expectError(await api.ops('get', '/metrics'), 404, 'NOT_FOUND');
        expectError(await api.raw('get', '/metrics'), 404, 'NOT_FOUND');
      });
    } else {
      it('when a scraper asks /metrics, it gets Prometheus text with the HTTP request histogram', async () => {
        await api.call('get', '/products').expect(200);

        const response = await api.ops('get', '/metrics').expect(200);

        expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
        expect(response.text).toMatch(/^# HELP http_request_duration_seconds /m);
        expect(response.text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
        expect(response.text).toMatch(/^http_request_duration_seconds_count\{.*status="200".*\} \d+$/m);
      });
    }

    // Only an in-process target uses the suite's Redis connection, the one this test breaks; a
    // target behind nginx shares the machine's Redis with everyone (e2e/chaos-redis breaks its own).
    if (target.serve) return;

    it('when Redis is unreachable, v2 is not ready, v1 is (it needs PostgreSQL only), and logins are limited per instance meanwhile', async () => {
      api.deps.redis.disconnect();
      try {
        const ready = await api.ops('get', '/readyz');
        if (isV1) {
          expect(ready.status).toBe(200);
          expect(ready.body.checks).toEqual({ database: 'ok' });
        } else {
          expectError(ready, 503, 'UNAVAILABLE');
          expect(ready.headers['retry-after']).toBeDefined();
          expect(ready.body.error.details).toMatchObject({ database: 'ok', redis: 'unavailable' });
        }

        // The login limiter counts in this instance's memory: the login is judged, not refused for want of Redis.
        const login = await api.call('post', '/auth/login').send({ email: 'someone@example.test', password: 'a-password' });
        expectError(login, 401, 'UNAUTHENTICATED');
        expect(login.headers['ratelimit-policy']).toBeDefined();
      } finally {
        await api.deps.redis.connect();
      }
      await api.ops('get', '/readyz').expect(200);
    });
  });
}
