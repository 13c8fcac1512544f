// One target's run: its own sale, the spike, (v2) the decisions, then the audit and the figures.
import { performance } from 'node:perf_hooks';
import { cpuMeter, type CpuUse } from '../../scripts/lib/machine';
import { withClient } from '../../scripts/lib/databases';
import type { Options } from './args';
import { createHttp } from './http';
import type { Buyer, PurchaseRecord, RunState, Version } from './records';
import type { SaleEvent } from './sale-state';
import type { Verification } from './settle';
import type { Audit } from './audit';
import { createLiveSale } from './seed';
import { fireSpike } from './spike';
import { settleDecisions } from './settle';
import { readEvent, readOrders } from './sale-state';
import { auditRun } from './audit';
import { summarise, type Summary } from './stats';

/** Where each version's API is mounted behind the one entry point. */
export const PREFIX: Record<Version, string> = { v1: '', v2: '/api' };

/** Starts every run from the same place: no checkpoint pending from the last run's writes. */
async function checkpoint(databaseUrl: string): Promise<void> {
  // Not a superuser on that database: the run goes on without.
  await withClient(databaseUrl, (client) => client.query('CHECKPOINT')).catch(() => undefined);
}

export interface TargetContext {
  origin: string;
  version: Version;
  buyers: Buyer[];
  adminToken: string;
  options: Options;
  databaseUrl?: string;
  runId: string;
  state: RunState;
  /** The local stack's processes by name, for the CPU figures. */
  pids?: Record<string, number | undefined>;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export interface TargetRun {
  eventId: string;
  event: SaleEvent;
  summary: Summary;
  audit: Audit;
  /** One per request; left out of the JSON results. */
  records?: PurchaseRecord[];
  verification: Verification | undefined;
  cpu: CpuUse;
  decisionClock: 'client' | 'database' | 'poll';
}

export async function runTarget(ctx: TargetContext): Promise<TargetRun> {
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

    const labels: Record<number, string> = { [process.pid]: 'load generator' };
    for (const [name, pid] of Object.entries(ctx.pids ?? {})) if (pid !== undefined) labels[pid] = name;
    const stopMeter = cpuMeter(labels);
    const timeoutMs = options.timeoutSeconds * 1000;
    const began = performance.now();
    const { records, t0 } = await fireSpike({ origin, prefix, version, eventId: event.id, buyers, connections: options.connections, timeoutMs, state, signal: ctx.signal });
    let verification: Verification | undefined;
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

