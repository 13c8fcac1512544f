// The compact table printed at the end, and the JSON file beside it.
import fs from 'node:fs';
import path from 'node:path';

import type { CpuUse } from '../../scripts/lib/machine';
import { ROOT } from '../../scripts/lib/entry-points';
import type { AnnouncementDelay } from './announcement-delay';
import type { SaleTally } from './database';
import type { SpikeRun } from './http-load';
import type { LoneWay, LoopRun } from './node-pg';
import type { PgbenchRun } from './pgbench';
import { median, ratioOverRounds, summariseMeasure, type MeasureRun, type Spread } from './rounds';
import type { BatchSizes } from './server-metrics';
import type { Settings } from './settings';
import type { Shapes } from './statement-shapes';

const RESULTS_DIR = path.join(ROOT, 'bench/results');

/** A sale afterwards, and whether its figures agree. */
export type Tally = SaleTally & { consistent: boolean };
export type NaiveRun = PgbenchRun & { cpu: CpuUse; perSecond: number | null; durationSeconds: number };
export type LoneRun = LoopRun & { way: LoneWay; cpu: CpuUse; tally: Tally };

/** Every measure once, seconds apart. */
export interface Round {
  v1: SpikeRun & { batches: BatchSizes };
  'naive-few': NaiveRun;
  'naive-64': NaiveRun;
  express: SpikeRun;
  'late-v1': SpikeRun & { fromMemory: number };
  'late-v2': SpikeRun & { fromMemory: number };
}

export interface Measured {
  startedAt: string;
  settings: Settings;
  machine: { cpus: number; node: string; busyBeforeStartPct: number | null; postgres: Record<string, string> };
  rounds: Round[];
  tallies: Record<string, Tally>;
  everyPurchaseADifferentBuyer: boolean;
  lone: LoneRun[];
  announcements: AnnouncementDelay;
  shapes?: Shapes;
}

export type V1Results = Measured & ReturnType<typeof judge>;

const rate = (value: number | null | undefined): string => (value == null ? '-' : value.toLocaleString('en-US', { maximumFractionDigits: 0 }));
const ms = (value: number | null | undefined): string => (value == null ? '-' : value.toFixed(1));

const GROUP_ORDER = ['v1', 'v2', 'express', 'node-pg', 'pgbench', 'autocannon', 'postgres', 'redis', 'other'];
const SHORT: Record<string, string> = { postgres: 'pg', autocannon: 'ac' };
// "other" is every process outside the benchmark plus kernel time charged to none (a few
// hundredths of a core for loopback networking); above this a figure is not trustworthy.
const OTHER_LOAD_LIMIT = 0.3;

/** "v1 0.82 pg 0.95 ac 0.10 other 0.02": average cores each group kept busy. */
function coresCell(cpu: CpuUse | undefined): string {
  if (!cpu || cpu.busyPct == null) return '-';
  const groups = Object.entries(cpu.cores)
    .filter(([group, cores]) => cores >= 0.005 || group === 'other')
    .sort(([a], [b]) => GROUP_ORDER.indexOf(a) - GROUP_ORDER.indexOf(b));
  return `${cpu.busyPct.toFixed(0)}%: ${groups.map(([group, cores]) => `${SHORT[group] ?? group} ${cores.toFixed(2)}`).join(' ')}`;
}

/**
 * "v1 310 pg 95 ac 120": microseconds of CPU each group spent per answer. Other load on the
 * machine slows the rate far more than it changes these, so they compare across noisy runs.
 */
function cpuPerAnswer(cpu: CpuUse | undefined, perSecond: number | null): string {
  if (!cpu?.cores || !perSecond) return '-';
  return Object.entries(cpu.cores)
    .filter(([group, cores]) => group !== 'other' && cores >= 0.005)
    .sort(([a], [b]) => GROUP_ORDER.indexOf(a) - GROUP_ORDER.indexOf(b))
    .map(([group, cores]) => `${SHORT[group] ?? group} ${Math.round((cores / perSecond) * 1e6)}`)
    .join(' ');
}

/** Rows of [measure, per s, p50 ms, p99 ms, cpu, cpu per answer, notes], padded into columns. */
function table(rows: unknown[][]): string {
  const header = ['measure', 'per s', 'p50 ms', 'p99 ms', 'machine cpu busy: cores by process', 'cpu us per answer', 'notes'];
  const all = [header, ...rows.map((row) => row.map((cell) => String(cell)))];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const numeric = new Set([1, 2, 3]);
  const line = (row: string[]): string =>
    row
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

const statusNote = (counts: Record<string, number> | undefined): string => {
  const entries = Object.entries(counts ?? {});
  return entries.length === 0 ? 'non-201: none' : `non-201: ${entries.map(([s, n]) => `${s}x${n}`).join(' ')}`;
};

const outcomeNote = (outcomes: Record<string, number>): string =>
  Object.entries(outcomes)
    .filter(([outcome]) => outcome !== 'placed')
    .map(([outcome, n]) => `${outcome}x${n}`)
    .join(' ') || 'all placed';

const MEASURES: Record<keyof Round, (s: Settings) => string> = {
  v1: (s) => `v1 HTTP purchase, ${s.connections} conns`,
  'naive-few': (s) => `pgbench naive ceiling, ${s.naiveClients} clients`,
  'naive-64': (s) => `pgbench naive ceiling, ${s.connections} clients`,
  'late-v1': () => 'v1 late buyers of a sold-out sale (409)',
  'late-v2': () => 'v2 late buyers of a sold-out sale (409)',
  express: (s) => `bare Express 5 + express.json, ${s.connections} conns`,
};

/** The issue's targets against the medians over the rounds, and the ratios (within each round) they are stated in. */
export function judge({ rounds, tallies, lone, shapes }: Measured) {
  const measures = Object.keys(MEASURES) as Array<keyof Round>;
  const summary = Object.fromEntries(measures.map((key) => [key, summariseMeasure(rounds.map((round): MeasureRun => round[key]))])) as Record<
    keyof Round,
    ReturnType<typeof summariseMeasure> & { averageBatch?: number | null }
  >;
  const batchTotals = rounds.reduce((sum, round) => ({ purchases: sum.purchases + (round.v1.batches?.purchases ?? 0), batches: sum.batches + (round.v1.batches?.batches ?? 0) }), { purchases: 0, batches: 0 });
  summary.v1.averageBatch = batchTotals.batches ? batchTotals.purchases / batchTotals.batches : null;
  const ratios = {
    toNaiveBest: ratioOverRounds(rounds, (r) => r.v1.perSecond / Math.max(r['naive-few'].perSecond ?? 0, r['naive-64'].perSecond ?? 0)),
    toNaiveFew: ratioOverRounds(rounds, (r) => r.v1.perSecond / (r['naive-few'].perSecond ?? 0)),
    toNaive64: ratioOverRounds(rounds, (r) => r.v1.perSecond / (r['naive-64'].perSecond ?? 0)),
    lateV1ToExpress: ratioOverRounds(rounds, (r) => r['late-v1'].perSecond / r.express.perSecond),
    lateV2ToExpress: ratioOverRounds(rounds, (r) => r['late-v2'].perSecond / r.express.perSecond),
  };
  const v1 = summary.v1;
  const fastestLone = [...lone].sort((a, b) => b.perSecond - a.perSecond)[0];
  const targets = [
    { name: 'v1 >= 2,500 purchases/s', met: (v1.perSecond ?? 0) >= 2500, actual: rate(v1.perSecond) },
    { name: 'v1 >= 1.0x the naive ceiling', met: (ratios.toNaiveBest.median ?? 0) >= 1, actual: `${fixed(ratios.toNaiveBest.median)}x` },
    { name: 'p99 < 100 ms', met: v1.latencyMs.p99 != null && v1.latencyMs.p99 < 100, actual: `${ms(v1.latencyMs.p99)} ms` },
    { name: 'late buyers v1 >= 0.8 of bare Express', met: (ratios.lateV1ToExpress.median ?? 0) >= 0.8, actual: fixed(ratios.lateV1ToExpress.median) },
    { name: 'late buyers v2 >= 0.8 of bare Express', met: (ratios.lateV2ToExpress.median ?? 0) >= 0.8, actual: fixed(ratios.lateV2ToExpress.median) },
    { name: 'a lone purchase takes the faster way (v1: single statement)', met: fastestLone?.way === 'single statement', actual: fastestLone?.way ?? '-' },
  ];
  const runs = [...Object.values(tallies), ...lone.map((run) => run.tally), ...(shapes ? [...shapes.pgbench, ...shapes.node].map((run) => run.tally) : [])];
  return { summary, ratios, targets, consistent: runs.every((tally) => tally.consistent) };
}

function heading({ machine, settings: s }: Measured): string {
  const pg = machine.postgres;
  const busy = machine.busyBeforeStartPct;
  return [
    `FlashFast v1 purchase benchmark: ${machine.cpus} cores, Node ${machine.node}, PostgreSQL ${pg.version?.split(' ')[0]} ` +
      `(synchronous_commit=${pg.synchronous_commit}, fsync=${pg.fsync}), pool ${s.poolSize}; ${s.rounds} rounds, each measure ` +
      `${s.seconds} s after ${s.warmupSeconds} s warm-up (pgbench ${s.pgbenchSeconds} s); every request its own buyer token and Idempotency-Key`,
    busy == null ? '' : `machine CPU busy before start: ${busy.toFixed(0)}%${busy > 15 ? ' (other work was running)' : ''}`,
    'per s: median over the rounds (min-max); p99: median (max); cpu: pooled over the rounds',
    '',
  ].join('\n');
}

const fixed = (value: number | null | undefined): string => (value == null ? '-' : value.toFixed(2));
const rangeCell = (spread: Spread): string => (spread.median == null ? '-' : `${rate(spread.median)} (${rate(spread.min)}-${rate(spread.max)})`);
const ratioCell = (spread: Spread): string =>
  `${fixed(spread.median)} (${fixed(spread.min)}-${fixed(spread.max)}; rounds ${spread.values.map(fixed).join(', ')})`;

export function render(results: V1Results): string {
  const { summary, ratios, targets, lone, shapes, settings: s } = results;
  const rows: unknown[][] = [];
  for (const [key, title] of Object.entries(MEASURES) as Array<[keyof Round, (s: Settings) => string]>) {
    const m = summary[key];
    let note = key.startsWith('naive') ? 'one guarded UPDATE + one INSERT per commit' : statusNote(m.non201);
    if (key.startsWith('late')) {
      const share = median(results.rounds.map((round) => (round[key] as { fromMemory?: number }).fromMemory));
      note = `${note.replace('non-201', 'non-409')}, ${share == null ? '-' : (100 * share).toFixed(1)}% from memory`;
    }
    if (key === 'v1' && m.averageBatch != null) note += `, average batch ${m.averageBatch.toFixed(1)}`;
    if (key === 'express') note = 'no auth, Redis or SQL';
    const p99 = m.latencyMs.p99 == null ? '-' : `${ms(m.latencyMs.p99)} (${ms(m.latencyMs.p99Max)})`;
    rows.push([title(s), rangeCell(m.spread), ms(m.latencyMs.p50), p99, coresCell(m.cpu), cpuPerAnswer(m.cpu, m.perSecond), note]);
  }
  for (const run of lone ?? []) {
    rows.push([`lone purchase, ${run.way}, 1 caller`, rate(run.perSecond), ms(run.latencyMs.p50), ms(run.latencyMs.p99), coresCell(run.cpu), cpuPerAnswer(run.cpu, run.perSecond), outcomeNote(run.outcomes)]);
  }
  for (const run of shapes?.pgbench ?? []) {
    rows.push([`pgbench ${run.shape}, ${run.clients} clients`, rate(run.tps), '-', '-', coresCell(run.cpu), cpuPerAnswer(run.cpu, run.tps), `avg ${ms(run.latencyAvgMs)} ms, failed ${run.failed}`]);
  }
  for (const run of shapes?.node ?? []) {
    rows.push([`node-pg ${run.variant}`, rate(run.perSecond), ms(run.latencyMs.p50), ms(run.latencyMs.p99), coresCell(run.cpu), cpuPerAnswer(run.cpu, run.perSecond), outcomeNote(run.outcomes)]);
  }
  const lines = [heading(results), table(rows), ''];
  if (ratios) {
    lines.push(`v1 / naive ceiling (the better client count, per round): ${ratioCell(ratios.toNaiveBest)}`);
    lines.push(`v1 / naive @${s.naiveClients}: ${ratioCell(ratios.toNaiveFew)}   v1 / naive @${s.connections}: ${ratioCell(ratios.toNaive64)}`);
    lines.push(`late buyers / bare Express: v1 ${ratioCell(ratios.lateV1ToExpress)}   v2 ${ratioCell(ratios.lateV2ToExpress)}`);
  }
  if (results.announcements) {
    const a = results.announcements;
    lines.push(`units back -> another process stops refusing (Redis pub/sub, ${a.samples} announcements): p50 ${fixed(a.p50)} ms, p99 ${fixed(a.p99)} ms, max ${fixed(a.max)} ms`);
  }
  const disturbed = Object.values(summary).filter((m) => (m.cpu?.cores?.other ?? 0) > OTHER_LOAD_LIMIT);
  if (disturbed.length > 0) {
    lines.push(
      `WARNING: work outside the benchmark used > ${OTHER_LOAD_LIMIT} cores during ${disturbed.length} measure(s) ` +
        '("other" in the cpu column): rates are depressed; the ratios within a round and the cpu per answer hold up better',
    );
  }
  if (targets) lines.push(`targets: ${targets.map((t) => `${t.name}: ${t.met ? 'MET' : 'NOT MET'} (${t.actual})`).join('; ')}`);
  if (!results.consistent) lines.push('WARNING: a sale ended inconsistent (sold, orders and quotas disagree; see "tallies" in the JSON)');
  return lines.join('\n');
}

export function writeResults(results: V1Results): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const file = path.join(RESULTS_DIR, `v1-${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

