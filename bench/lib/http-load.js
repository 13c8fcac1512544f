// The HTTP spike: autocannon, every request a different buyer, latencies of every answer kept.
const autocannon = require('autocannon');
const { cpuMeter } = require('./machine');
const { percentile } = require('./stats');

/**
 * Fires POST `path` with {"quantity":1} at `connections` connections for `seconds` after a
 * `warmupSeconds` warm-up (not counted). `nextToken()` gives each request its own bearer token.
 */
async function purchaseSpike({ url, path, connections, warmupSeconds, seconds, nextToken, server }) {
  const latencies = { all: [], 201: [] };
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
          headers: { ...request.headers, authorization: `Bearer ${nextToken()}` },
        }),
      },
    ],
  });
  // Only the measured phase emits on this tracker; autocannon itself keeps 2xx latencies only
  // and in whole milliseconds, so every answer is timed here.
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.all.push(responseTime);
    if (statusCode === 201) latencies[201].push(responseTime);
  });
  let stopMeter;
  instance.on('start', () => {
    stopMeter = cpuMeter({ [server.pid]: server.name, [process.pid]: 'autocannon' });
  });
  const result = await instance;
  return { ...summarise(result, latencies), cpu: stopMeter() };
}

function summarise(result, latencies) {
  const byStatus = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([status, { count }]) => [status, count]),
  );
  const created = byStatus[201] ?? 0;
  const non201 = Object.fromEntries(Object.entries(byStatus).filter(([status]) => status !== '201'));
  const sorted201 = latencies[201].sort((a, b) => a - b);
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
