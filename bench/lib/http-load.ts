// The HTTP spike: autocannon, every request a different buyer, latencies of every answer kept.
import autocannon from 'autocannon';
import { cpuMeter, type CpuUse } from '../../scripts/lib/machine';
import { percentile } from '../../scripts/lib/stats';

let keysIssued = 0;

export interface SpikeSpec {
  url: string;
  path: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** A bearer token per request. */
  nextToken: () => string;
  /** The server under load, named in the CPU figures. */
  server: { pid: number; name: string };
  /** The status counted as success (201: purchases; 409: refusals of a sold-out sale). */
  expect?: number;
  idempotencyKeys?: boolean;
  /** Runs when the measured phase starts (after the warm-up). */
  onStart?: () => void;
}

export interface SpikeRun {
  durationSeconds: number;
  responses: number;
  created: number;
  perSecond: number;
  latencyMs: { p50: number | null; p99: number | null; max: number | null; allStatusesP99: number | null };
  /** Counts of the answers with another status than `expect`, by status. */
  non201: Record<string, number>;
  errors: number;
  timeouts: number;
  warmup?: { durationSeconds: number; byStatus: Record<string, number> };
  cpu: CpuUse;
}

type StatusStats = Record<string, { count?: number }> | undefined;
/** autocannon 8+ reports the warm-up apart; its typings predate that. */
type Result = autocannon.Result & { warmup?: { duration: number; statusCodeStats?: StatusStats } };

/**
 * Fires POST `path` with {"quantity":1} at `connections` connections for `seconds` after a
 * `warmupSeconds` warm-up (not counted). `nextToken()` gives each request its own bearer token;
 * with `idempotencyKeys` each also carries an Idempotency-Key of its own. Rates and latencies are
 * of the answers with status `expect`.
 */
export async function purchaseSpike({ url, path, connections, warmupSeconds, seconds, nextToken, server, expect = 201, idempotencyKeys = false, onStart }: SpikeSpec): Promise<SpikeRun> {
  const latencies = { all: [] as number[], expected: [] as number[] };
  const keyPrefix = `bench-${process.pid}-${Date.now()}-`;
  const options = {
    url,
    connections,
    duration: seconds,
    warmup: { connections, duration: warmupSeconds },
    requests: [
      {
        method: 'POST' as const,
        path,
        headers: { 'content-type': 'application/json' },
        body: '{"quantity":1}',
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          headers: {
            ...request.headers,
            authorization: `Bearer ${nextToken()}`,
            ...(idempotencyKeys ? { 'idempotency-key': `${keyPrefix}${(keysIssued += 1)}` } : {}),
          },
        }),
      },
    ],
  };
  // Awaited, it gives the result; meanwhile it is the instance, which emits as it goes.
  const instance = autocannon(options) as unknown as autocannon.Instance & Promise<Result>;
  // Only the measured phase emits on this tracker; autocannon itself keeps 2xx latencies only
  // and in whole milliseconds, so every answer is timed here.
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.all.push(responseTime);
    if (statusCode === expect) latencies.expected.push(responseTime);
  });
  let stopMeter: (() => CpuUse) | undefined;
  instance.on('start', () => {
    stopMeter = cpuMeter({ [server.pid]: server.name, [process.pid]: 'autocannon' });
    onStart?.();
  });
  const result = await instance;
  return { ...summarise(result, latencies, expect), cpu: stopMeter!() };
}

const countsOf = (stats: StatusStats): Record<string, number> =>
  Object.fromEntries(Object.entries(stats ?? {}).map(([status, { count }]) => [status, count ?? 0]));

function summarise(result: Result, latencies: { all: number[]; expected: number[] }, expect: number): Omit<SpikeRun, 'cpu'> {
  const byStatus = countsOf(result.statusCodeStats);
  const created = byStatus[expect] ?? 0;
  const non201 = Object.fromEntries(Object.entries(byStatus).filter(([status]) => status !== String(expect)));
  const sortedExpected = latencies.expected.sort((a, b) => a - b);
  const sortedAll = latencies.all.sort((a, b) => a - b);
  return {
    durationSeconds: result.duration,
    responses: sortedAll.length,
    created,
    perSecond: created / result.duration,
    latencyMs: {
      p50: percentile(sortedExpected, 0.5),
      p99: percentile(sortedExpected, 0.99),
      max: sortedExpected.at(-1) ?? null,
      allStatusesP99: percentile(sortedAll, 0.99),
    },
    non201,
    errors: result.errors,
    timeouts: result.timeouts,
    warmup: result.warmup ? { durationSeconds: result.warmup.duration, byStatus: countsOf(result.warmup.statusCodeStats) } : undefined,
  };
}
