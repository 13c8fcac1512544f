import { Router } from 'express';
import { AppError } from '../platform/app-error';
import type { Deps } from '../platform/deps';
import { sendError } from './error-handler';

const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T> =>
  Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

/** Readiness probes, each a name and a check that throws when the dependency is unusable. */
export type ReadinessCheck = [name: string, check: () => Promise<unknown>];

export const databaseCheck = (deps: Pick<Deps, 'db'>): ReadinessCheck => ['database', () => deps.db.query('SELECT 1')];
export const redisCheck = (deps: Pick<Deps, 'redis'>): ReadinessCheck => ['redis', () => deps.redis.ping()];

export const defaultReadinessChecks = (deps: Pick<Deps, 'db' | 'redis'>): ReadinessCheck[] => [databaseCheck(deps), redisCheck(deps)];

/** /healthz (the process answers), /readyz (its dependencies answer), /metrics (Prometheus). */
export function opsRoutes(deps: Pick<Deps, 'metrics'>, checks: ReadinessCheck[]): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2_000);
          return [name, 'ok'] as const;
        } catch {
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const checked = Object.fromEntries(results);
    if (results.every(([, state]) => state === 'ok')) {
      res.json({ status: 'ready', checks: checked });
      return;
    }
    sendError(res, new AppError('UNAVAILABLE', 'a dependency is unavailable', { details: checked, retryAfterSeconds: 5 }));
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
