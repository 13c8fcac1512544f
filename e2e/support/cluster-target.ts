import type { Deps } from '@flashfast/shared';
import type { ContractTarget } from '../../shared/test/contract/target';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';
import { startTestCluster, type TestCluster } from './test-cluster';

type Sizes = { v1?: number; v2?: number; workers?: number };

/**
 * Clusters for the shared suites of one test file: one per distinct set of suite overrides
 * (the rate-limit suite needs its own limits), started on first use, stopped after the file.
 * They serve HTTPS, as in production, with a local authority the suites' clients trust.
 */
export function useClusterPool(sizes: Sizes): (overrides: Record<string, string>) => Promise<TestCluster> {
  const clusters = new Map<string, Promise<TestCluster>>();
  afterAll(async () => {
    const started = await Promise.allSettled(clusters.values());
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
  }, 60_000);
  return (overrides) => {
    const key = JSON.stringify(Object.entries(overrides).sort());
    if (!clusters.has(key)) clusters.set(key, startTestCluster({ ...sizes, tls: true, env: overrides }));
    return clusters.get(key)!;
  };
}

/**
 * A contract target that is the running cluster, reached through nginx over HTTPS: the suites'
 * requests go to `baseUrl` (+ the prefix), their fixtures into the cluster's database, their
 * tokens are signed with its secret. The suites' own Redis connections use a prefix of their own.
 * Health checks are where the edge serves each version's (v2's under /api); /metrics is private.
 */
export function clusterTarget(name: string, prefix: string, pool: (overrides: Record<string, string>) => Promise<TestCluster>): ContractTarget {
  const clusters = new Map<Deps, TestCluster>();
  return {
    name: `${name} through nginx (HTTPS)`,
    prefix,
    opsPrefix: prefix,
    exposesMetrics: false,
    createDeps: async (overrides = {}) => {
      const test = await pool(overrides);
      const deps = await createTestDeps({ ...overrides, DATABASE_URL: test.env.DATABASE_URL!, JWT_SECRET: test.env.JWT_SECRET! });
      clusters.set(deps, test);
      return deps;
    },
    serve: async (deps) => ({ url: clusters.get(deps)!.baseUrl, ca: clusters.get(deps)!.ca, close: async () => undefined }),
    closeDeps: async (deps) => {
      clusters.delete(deps);
      await closeTestDeps(deps);
    },
  };
}
