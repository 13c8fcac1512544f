// The cluster's options and handles (scripts/cluster/index.ts).
import type { LogEvent, RestartPolicy, SupervisedProcess } from '../lib/supervisor';

export interface ClusterOptions {
  /** v1 API instances (default 2, at least 1). */
  v1?: number;
  /** v2 API instances (default 2, at least 1). */
  v2?: number;
  /** v2 workers (default 2). */
  workers?: number;
  /** nginx's port (default 8080); 0 picks a free one. */
  port?: number;
  /** nginx's listen address (default 127.0.0.1); the instances always listen on loopback. */
  host?: string;
  /**
   * Serve HTTPS on `port` (default 8443) with this certificate and key, and plain HTTP on
   * `httpPort` (0 or unset: a free one), which redirects to HTTPS and answers /healthz.
   */
  tls?: TlsOptions;
  /** Where nginx.conf, nginx's pid and temp files and every log go (default <repo>/.cluster). */
  runDir?: string;
  /** The environment every app process starts from (default process.env). */
  baseEnv?: NodeJS.ProcessEnv;
  /** Settings on top of baseEnv for every app process (DATABASE_URL, REDIS_KEY_PREFIX, ...). */
  env?: Record<string, string>;
  /** How long each process may take to answer /readyz (default 60 s). */
  readyTimeoutMs?: number;
  /** Aborts the start-up: what was started is stopped and startCluster rejects. */
  signal?: AbortSignal;
  /**
   * How crashed processes are restarted (scripts/lib/supervisor.js): delays doubling from
   * initialMs (500) to maxMs (30 000), reset after stableMs (30 000) of running; false: never.
   */
  restart?: false | Partial<RestartPolicy>;
  /** Hears every supervisor event (restarts, exits); they also go to logs/supervisor.log. */
  log?: LogEvent;
}

export interface TlsOptions {
  certFile: string;
  keyFile: string;
  httpPort?: number;
}

export interface LocalAuthority {
  /** The authority's certificate: what clients trust. */
  caFile: string;
  /** The server certificate for localhost, 127.0.0.1 and ::1, and its key. */
  certFile: string;
  keyFile: string;
}

/** A supervised process of the cluster (scripts/lib/supervisor.js) and where it listens. */
export interface ClusterProcess extends SupervisedProcess {
  role: 'v1' | 'v2' | 'worker' | 'nginx';
  port: number;
  /** http://127.0.0.1:<port>, the process itself, not through nginx. */
  url: string;
  logFile: string;
}

export interface StopResult {
  name: string;
  /** How the process ended: 0 is a graceful stop; undefined when it was waiting to be restarted. */
  result: number | string | null | undefined;
}

export interface Cluster {
  /** nginx: the one entry point (https://... with `tls`). */
  baseUrl: string;
  /** Plain HTTP: with `tls` the redirecting port, otherwise baseUrl. */
  httpUrl: string;
  runDir: string;
  /** The secret every instance signs and verifies tokens with. */
  jwtSecret: string;
  /** The environment the app processes got (without PORT). */
  env: NodeJS.ProcessEnv;
  nginx: ClusterProcess;
  /** The v1, v2 and worker processes. */
  processes: ClusterProcess[];
  /** Stops nginx (SIGQUIT, then SIGTERM), then every app process (SIGTERM, SIGKILL after 15 s). Idempotent. */
  stop(): Promise<StopResult[]>;
}
