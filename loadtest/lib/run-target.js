// One target's run: its own sale, the spike, (v2) the decisions, then the audit and the figures.
const { performance } = require('node:perf_hooks');
const pg = require('pg');
const { cpuMeter } = require('../../bench/lib/machine');
const { createHttp } = require('./http');
const { createLiveSale } = require('./seed');
const { fireSpike } = require('./spike');
const { settleDecisions } = require('./settle');
const { readEvent, readOrders } = require('./sale-state');
const { auditRun } = require('./audit');
const { summarise } = require('./stats');

const PREFIX = { v1: '', v2: '/api' };

/** Starts every run from the same place: no checkpoint pending from the last run's writes. */
async function checkpoint(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'flashfast-loadtest' });
  try {
    await client.connect();
    await client.query('CHECKPOINT');
  } catch {
    // Not a superuser on that database: the run goes on without.
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `ctx`: {origin, version, buyers, adminToken, options, databaseUrl, runId, state, pids, log, signal}.
 * Returns {eventId, summary, audit, records, verification, cpu}.
 */
async function runTarget(ctx) {
  const { origin, version, buyers, options, state } = ctx;
  const prefix = PREFIX[version];
  const admin = createHttp(origin, { connections: 4 });
  try {
    const event = await createLiveSale({
      http: admin,
      prefix,
      token: ctx.adminToken,
      stock: options.stock,
      maxPerUser: options.maxPerUser,
      name: `Loadtest ${ctx.runId} ${version}`,
    });
    ctx.log(`${version}: sale ${event.id} with ${options.stock} units, maxPerUser ${options.maxPerUser}, at ${origin}${prefix}`);
    if (ctx.databaseUrl) await checkpoint(ctx.databaseUrl);

    const labels = { [process.pid]: 'load generator' };
    for (const [name, pid] of Object.entries(ctx.pids ?? {})) labels[pid] = name;
    const stopMeter = cpuMeter(labels);
    const timeoutMs = options.timeoutSeconds * 1000;
    const began = performance.now();
    const { records, t0 } = await fireSpike({ origin, prefix, version, eventId: event.id, buyers, connections: options.connections, timeoutMs, state, signal: ctx.signal });
    let verification;
    if (version === 'v2') {
      const left = Math.max(1_000, timeoutMs - (performance.now() - began));
      verification = await settleDecisions({ origin, databaseUrl: ctx.databaseUrl, eventId: event.id, records, t0, timeoutMs: left, connections: options.connections, state, buyers, signal: ctx.signal });
    }
    const cpu = stopMeter();
    state.phase = `${version} audit`;

    const finalEvent = await readEvent({ http: admin, prefix, eventId: event.id });
    const orders = await readOrders({ http: admin, prefix, token: ctx.adminToken, eventId: event.id });
    const audit = auditRun({ version, stock: options.stock, maxPerUser: options.maxPerUser, records, event: finalEvent, orders, verification });
    const summary = summarise(records, { stock: options.stock });
    return { eventId: event.id, event: finalEvent, summary, audit, records, verification, cpu, decisionClock: version === 'v1' ? 'client' : ctx.databaseUrl ? 'database' : 'poll' };
  } finally {
    await admin.close();
  }
}

module.exports = { runTarget, PREFIX };
