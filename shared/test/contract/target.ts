import type { Express } from 'express';
import type { Deps } from '@flashfast/shared';

/**
 * One API version under contract test. v1 passes `{ name: 'v1', prefix: '', createApp }`,
 * v2 passes its own app and `prefix: '/api'`; the suites never know which one they drive.
 */
export interface ContractTarget {
  name: string;
  /** '' for v1, '/api' for v2; ops routes (/healthz, /readyz, /metrics) are never prefixed. */
  prefix: string;
  createApp(deps: Deps): Express;
  /**
   * Defaults to createTestDeps(): a database per Jest worker and a fresh Redis key prefix.
   * `overrides` are environment settings a suite needs (a low rate limit, say).
   */
  createDeps?(overrides?: Record<string, string>): Promise<Deps>;
  /** Defaults to closeTestDeps(); a version with queues or sockets closes them here too. */
  closeDeps?(deps: Deps): Promise<void>;
}
