// The HTTP spike: autocannon, every request a different buyer, latencies of every answer kept.
const autocannon = require('autocannon');
const { cpuMeter } = require('./machine');
const { percentile } = require('./stats');

let keysIssued = 0;

/**
 * Fires POST `path` with {"quantity":1} at `connections` connections for `seconds` after a
 * `warmupSeconds` warm-up (not counted). `nextToken()` gives each request its own bearer token;
 * with `idempotencyKeys` each also carries an Idempotency-Key of its own. Rates and latencies are
 * of the answers with status `expect` (201: purchases; 409: refusals of a sold-out sale).
 * `onStart` runs when the measured phase starts (after the warm-up).
 */
async function purchaseSpike({ url, path, connections, warmupSeconds, seconds, nextToken, server, expect = 201, idempotencyKeys = false, onStart }) {
  const latencies = { all: [], [expect]: [] };
  const keyPrefix = `bench-${process.pid}-${Date.now()}-`;
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    warmup: { connections, duration: warmupSeconds },
    requests: [
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        body: '{"quantity":1}',
        setupRequest: (request) => ({
          ...request,
          headers: {
            ...request.headers,
            authorization: `Bearer ${nextToken()}`,
            ...(idempotencyKeys ? { 'idempotency-key': `${keyPrefix}${(keysIssued += 1)}` } : {}),
          },
        }),
      },
    ],
  });
  // Only the measured phase emits on this tracker; autocannon itself keeps 2xx latencies only
  // and in whole milliseconds, so every answer is timed here.
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.all.push(responseTime);
    if (statusCode === expect) latencies[expect].push(responseTime);
  });
  let stopMeter;
  instance.on('start', () => {
    stopMeter = cpuMeter({ [server.pid]: server.name, [process.pid]: 'autocannon' });
    onStart?.();
  });
  const result = await instance;
  return { ...summarise(result, latencies, expect), cpu: stopMeter() };
}

function summarise(result, latencies, expect) {
  const byStatus = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]),
  );
  const created = byStatus[expect] ?? 0;
  const non201 = Object.fromEntries(Object.entries(byStatus).filter(([status]) => status !== String(expect)));
  const sorted201 = latencies[expect].sort((a, b) => a - b);
  const sortedAll = latencies.all.sort((a, b) => a - b);
  return {
    durationSeconds: result.duration,
    responses: sortedAll.length,
    created,
    perSecond: created / result.duration,
    latencyMs: {
      p50: percentile(sorted201, 0.5),
      p99: percentile(sorted201, 0.99),
      max: sorted201.at(-1) ?? null,
      allStatusesP99: percentile(sortedAll, 0.99),
    },
    non201,
    errors: result.errors,
    timeouts: result.timeouts,
    warmup: result.warmup
      ? { durationSeconds: result.warmup.duration, byStatus: countsOf(result.warmup.statusCodeStats) }
      : undefined,
  };
}

const countsOf = (stats) => Object.fromEntries(Object.entries(stats).map(([status, { count }]) => [status, count]));

module.exports = { purchaseSpike };
