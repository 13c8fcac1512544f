import type { Deps } from '@flashfast/shared';
import type { ContractTarget } from '../../shared/test/contract/target';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';
import { startTestCluster, type TestCluster } from './test-cluster';

type Sizes = { v1?: number; v2?: number; workers?: number };

/**
 * Clusters for the shared suites of one test file: one per distinct set of suite overrides
 * (the rate-limit suite needs its own limits), started on first use, stopped after the file.
 */
export function useClusterPool(sizes: Sizes): (overrides: Record<string, string>) => Promise<TestCluster> {
  const clusters = new Map<string, Promise<TestCluster>>();
  afterAll(async () => {
    const started = await Promise.allSettled(clusters.values());
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
  }, 60_000);
  return (overrides) => {
    const key = JSON.stringify(Object.entries(overrides).sort());
    if (!clusters.has(key)) clusters.set(key, startTestCluster({ ...sizes, env: overrides }));
    return clusters.get(key)!;
  };
}

/**
 * A contract target that is the running cluster, reached through nginx: the suites' requests
 * go to `baseUrl` (+ the prefix), their fixtures into the cluster's database, their tokens are
 * signed with its secret. The suites' own Redis connections use a prefix of their own.
 */
export function clusterTarget(name: string, prefix: string, pool: (overrides: Record<string, string>) => Promise<TestCluster>): ContractTarget {
  const urls = new Map<Deps, string>();
  return {
    name: `${name} through nginx`,
    prefix,
    createDeps: async (overrides = {}) => {
      const test = await pool(overrides);
      const deps = await createTestDeps({ ...overrides, DATABASE_URL: test.env.DATABASE_URL!, JWT_SECRET: test.env.JWT_SECRET! });
      urls.set(deps, test.baseUrl);
      return deps;
    },
    serve: async (deps) => ({ url: urls.get(deps)!, close: async () => undefined }),
    closeDeps: async (deps) => {
      urls.delete(deps);
      await closeTestDeps(deps);
    },
  };
}
