// The v2 benchmark's printed summary and its JSON file in bench/results.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/lib/entry-points';
import type { CpuUse } from '../../scripts/lib/machine';
import type { Audit } from '../../loadtest/lib/audit';
import type { Summary } from '../../loadtest/lib/stats';
import type { NoopThroughput } from './bullmq-noop';
import type { SaleTally } from './database';
import type { SpikeRun } from './http-load';
import type { Settings } from './settings';
import type { WorkerDrain } from './worker-drain';

const RESULTS_DIR = path.join(ROOT, 'bench/results');

type WorkerRun = WorkerDrain & { workers: number; cpu: CpuUse; tally: SaleTally };

/** One version's spike, as the load-test tool measured and audited it. */
interface SpikeTarget {
  summary: Summary;
  audit: Audit;
  cpu: CpuUse;
}

export interface SpikeOptions {
  buyers: number;
  stock: number;
  connections: number;
}

export interface V2Results {
  startedAt: string;
  settings: Settings & { users: number; spike: SpikeOptions };
  busyBeforeStartPct: number | null;
  machine: { cpus: number; node: string };
  acceptance: SpikeRun & { accepted: number; everyRequestADifferentUser: boolean };
  baseline: SpikeRun;
  /** Bare Express at the spike's connections: the reference of the spike's decision rate. */
  baselineSpike: SpikeRun;
  acceptanceRatio: number;
  worker: WorkerRun;
  twoWorkers: WorkerRun;
  noop: NoopThroughput;
  workerRatio: number;
  spike?: { v1?: SpikeTarget; v2?: SpikeTarget; options: SpikeOptions };
  consistent: boolean;
}

type Figure = number | null | undefined;
const rate = (v: Figure): string => (v == null ? '-' : `${Math.round(v).toLocaleString('en-US')}/s`);
const ms = (v: Figure): string => (v == null ? '-' : `${v.toFixed(1)} ms`);
const sec = (v: Figure): string => (v == null ? '-' : `${v.toFixed(2)} s`);
const pct = (v: Figure): string => (v == null ? '-' : `${(100 * v).toFixed(0)}%`);
const met = (ok: boolean): string => (ok ? 'MET' : 'NOT MET');
/** Microseconds of one process group's CPU per unit of work: robust to other load on the machine. */
const usPer = (cpu: CpuUse | undefined, group: string, perSecond: Figure): string => {
  const cores = cpu?.cores?.[group];
  return cores == null || !perSecond ? '-' : `${Math.round((cores / perSecond) * 1e6)} us`;
};

/** "v2 API 0.95 postgres 0.40 ...": average cores per process group during a measure. */
const cores = (cpu: CpuUse | undefined): string =>
  !cpu || cpu.busyPct == null
    ? '-'
    : `machine ${cpu.busyPct.toFixed(0)}% busy; ${Object.entries(cpu.cores)
        .filter(([, v]) => v >= 0.01)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ')}`;

export function render(r: V2Results): string {
  const s = r.settings;
  const a = r.acceptance;
  const b = r.baseline;
  const w = r.worker;
  const lines = [
    `FlashFast v2 benchmark: ${r.machine.cpus} cores, Node ${r.machine.node}; machine CPU busy before start ${r.busyBeforeStartPct?.toFixed(0)}%` +
      ((r.busyBeforeStartPct ?? 0) > 15 ? ' - other work was running: every figure is depressed, rerun on an idle machine' : ''),
    '',
    `(1) acceptance: autocannon, ${s.connections} connections, ${s.seconds} s after ${s.warmupSeconds} s warm-up, every request a different user`,
    `  v2 POST /api/flashsale/:id/purchase  ${rate(a.perSecond)} 202s  p99 ${ms(a.latencyMs.allStatusesP99)}  other statuses ${JSON.stringify(Object.fromEntries(Object.entries(a.non201 ?? {}).filter(([k]) => k !== '202')))}  [${cores(a.cpu)}]`,
    `  bare Express 5 + express.json        ${rate(b.perSecond)} 201s  p50 ${ms(b.latencyMs.p50)} p99 ${ms(b.latencyMs.p99)}  [${cores(b.cpu)}]`,
    `  CPU per request: v2 API ${usPer(a.cpu, 'v2 API', a.perSecond)} (Redis ${usPer(a.cpu, 'redis', a.perSecond)}, PostgreSQL ${usPer(a.cpu, 'postgres', a.perSecond)}), bare Express ${usPer(b.cpu, 'express', b.perSecond)}`,
    `  v2 / bare Express: ${pct(r.acceptanceRatio)} (target >= 70%: ${met(r.acceptanceRatio >= 0.7)})`,
    '',
    `(2) workers draining a backlog of accepted purchases (batch jobs; the sale never sells out)`,
    ...[w, r.twoWorkers].flatMap((run) => [
      `  ${run.workers} worker${run.workers > 1 ? 's' : ' '}   ${rate(run.perSecond)} orders (first to last decision, ${sec(run.decidedSpanSeconds)}) of a backlog of ${run.backlog.toLocaleString('en-US')}; ${rate(run.perSecondWall)} from spawn (${sec(run.wallSeconds)}, start-up included)  [${cores(run.cpuWhileDeciding)}]`,
      `    CPU per order while deciding: v2 worker ${usPer(run.cpuWhileDeciding, 'v2 worker', run.perSecond)}, Redis ${usPer(run.cpuWhileDeciding, 'redis', run.perSecond)}, PostgreSQL ${usPer(run.cpuWhileDeciding, 'postgres', run.perSecond)}; sale afterwards: sold ${run.tally.sold}, orders ${run.tally.orders}, balanced ${run.tally.balanced}`,
    ]),
    `  BullMQ no-op, one job per purchase: ${rate(r.noop.perSecond)} jobs (${r.noop.completed} jobs, concurrency ${r.noop.concurrency}, ${sec(r.noop.seconds)}); CPU per job: worker ${usPer(r.noop.cpu, 'no-op worker', r.noop.perSecond)}, Redis ${usPer(r.noop.cpu, 'redis', r.noop.perSecond)}  [${cores(r.noop.cpu)}]`,
    `  one worker / no-op: ${r.workerRatio.toFixed(2)}x; two workers / one: ${((r.twoWorkers.perSecond ?? 0) / (w.perSecond || 1)).toFixed(2)}x; target >= 10,000 orders/s with one worker: ${met((w.perSecond ?? 0) >= 10_000)}`,
  ];
  const sp = r.spike;
  const [v1, v2] = [sp?.v1, sp?.v2];
  if (sp && v1 && v2) {
    const row = (name: string, f: (summary: Summary) => Figure | string): string => `  ${name.padEnd(34)} ${String(f(v1.summary)).padStart(12)} ${String(f(v2.summary)).padStart(12)}`;
    lines.push(
      '',
      `(3) spike: ${sp.options.buyers.toLocaleString('en-US')} buyers, ${sp.options.stock.toLocaleString('en-US')} units, ${sp.options.connections} connections (load-test tool, local stack)`,
      `  ${''.padEnd(34)} ${'v1'.padStart(12)} ${'v2'.padStart(12)}`,
      row('first request to last decision', (x) => sec(x.timeToLastDecisionSeconds)),
      row('time to sell out', (x) => sec(x.timeToSellOutSeconds)),
      row('time to the last HTTP answer', (x) => sec(x.spikeSeconds)),
      row('accepted/s until the last 201 / 202', (x) => rate(x.acceptedWhileSellingPerSecond)),
      row('decisions/s to the last decision', (x) => rate(x.decidedPerSecond)),
      row('orders', (x) => x.confirmed),
      `  audits: v1 ${v1.audit.ok ? 'passed' : 'FAILED'}, v2 ${v2.audit.ok ? 'passed' : 'FAILED'}`,
      `  bare Express at ${sp.options.connections} connections: ${rate(r.baselineSpike.perSecond)}; v2's decisions/s are ${pct((v2.summary.decidedPerSecond ?? 0) / r.baselineSpike.perSecond)} of it (target >= 50%: ${met((v2.summary.decidedPerSecond ?? 0) >= 0.5 * r.baselineSpike.perSecond && v2.audit.ok)}), v1's ${pct((v1.summary.decidedPerSecond ?? 0) / r.baselineSpike.perSecond)}`,
      `  v2 decides the spike faster than v1: ${met((v2.summary.timeToLastDecisionSeconds ?? Infinity) < (v1.summary.timeToLastDecisionSeconds ?? Infinity))}`,
    );
  }
  return lines.join('\n');
}

export function writeResults(results: V2Results): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `v2-${results.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

