import type { Express } from 'express';
import type { Deps } from '@flashfast/shared';
import { serveApp, type ServedApp } from '../support/http';

/**
 * One API version under contract test. v1 passes `{ name: 'v1', prefix: '', createApp }`,
 * v2 passes its own app and `prefix: '/api'`; the suites never know which one they drive.
 * A target running elsewhere (processes behind nginx, say) gives `serve` instead of `createApp`.
 */
export interface ContractTarget {
  name: string;
  /** '' for v1, '/api' for v2; ops routes (/healthz, /readyz, /metrics) are never prefixed. */
  prefix: string;
  /**
   * Where this target answers the ops routes (default ''): through the edge, v2's health checks
   * are /api/healthz and /api/readyz (nginx maps them to its instances' own).
   */
  opsPrefix?: string;
  /** False when /metrics is kept private (the edge answers 404): the suite checks that instead. */
  exposesMetrics?: boolean;
  /** The app, served in-process on a loopback port for each suite. */
  createApp?(deps: Deps): Express;
  /**
   * Instead of createApp: the URL of a target that is already running and shares the suite's
   * database and JWT secret (but not its connections: tests that break `deps` are not declared for it).
   */
  serve?(deps: Deps): Promise<ServedApp>;
  /**
   * Defaults to createTestDeps(): a database per Jest worker and a fresh Redis key prefix.
   * `overrides` are environment settings a suite needs (a low rate limit, say).
   */
  createDeps?(overrides?: Record<string, string>): Promise<Deps>;
  /** Defaults to closeTestDeps(); a version with queues or sockets closes them here too. */
  closeDeps?(deps: Deps): Promise<void>;
}

/** The target's server for one suite: its own `serve`, or createApp(deps) on a loopback port. */
export function serveTarget(target: ContractTarget, deps: Deps): Promise<ServedApp> {
  if (target.serve) return target.serve(deps);
  if (!target.createApp) throw new Error(`contract target ${target.name} needs createApp or serve`);
  return serveApp(target.createApp(deps));
}
