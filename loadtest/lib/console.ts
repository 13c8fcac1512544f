// The figures as a plain-text table for the terminal; the Markdown report reuses the rows.
import type { LoadtestResults } from './run';
import type { TargetRun } from './run-target';
import type { Summary } from './stats';

type Figure = number | null | undefined;

export const fmt = {
  int: (v: Figure): string => (v == null ? '-' : Math.round(v).toLocaleString('en-US')),
  rate: (v: Figure): string => (v == null ? '-' : `${Math.round(v).toLocaleString('en-US')}/s`),
  s: (v: Figure): string => (v == null ? '-' : `${v.toFixed(2)} s`),
  ms: (v: Figure): string => (v == null ? '-' : v.toFixed(1)),
  cores: (v: Figure): string => (v == null ? '-' : v.toFixed(2)),
};

const counts = (object: Record<string, number> | undefined): string =>
  Object.entries(object ?? {})
    .map(([label, n]) => `${label}: ${n}`)
    .join(', ') || '-';

const pct = (v: Figure): string => (v == null ? '-' : `${(v * 100).toFixed(1)}%`);
/** A rate with its success rate beside it, so that no rate reads as more than it is. */
const rateWithSuccess = (rate: Figure, successRate: Figure, what: string): string => (rate == null ? '-' : `${fmt.rate(rate)} (${pct(successRate)} ${what})`);

/**
 * The headline comparison: [figure, ...one value per target, what the figure is] rows. The console
 * shows the first columns; the Markdown report shows the definition beside every figure.
 */
/** What the tables are made from: the results of runLoadtest. */
export type Results = Pick<LoadtestResults, 'targets' | 'topology'>;

const runsOf = (results: Results): Array<[string, TargetRun]> =>
  Object.entries(results.targets).filter((entry): entry is [string, TargetRun] => entry[1] !== undefined);

export function headlineRows(results: Results): string[][] {
  const runs = runsOf(results);
  const remote = results.topology?.kind === 'remote';
  const row = (name: string, value: (summary: Summary, run: TargetRun) => string, definition: string) => [name, ...runs.map(([, run]) => value(run.summary, run)), definition];
  return [
    row('requests', (s) => fmt.int(s.requests), 'one purchase request per buyer (quantity 1, its own Idempotency-Key)'),
    row('accepted', (s) => `${fmt.int(s.accepted)} (${pct(s.accepted / s.requests)} of requests)`, 'v1: 201 answers, each an order; v2: 202 answers, each a request queued for a worker'),
    row('time to the last answer', (s) => fmt.s(s.spikeSeconds), 'from the first request sent to the last HTTP answer received'),
    row('answers/s', (s) => rateWithSuccess(s.answeredPerSecond, s.answeredSuccessRate, 'accepted'), 'every HTTP answer ÷ the time to the last answer: how fast buyers heard back; beside it, the share of those answers that were 201/202'),
    row('accepted/s while units lasted', (s) => rateWithSuccess(s.acceptedWhileSellingPerSecond, s.acceptedWhileSellingSuccessRate, 'of answers by then'), 'accepted ÷ the time of the last 201/202 answer: the selling rate; beside it, the share of the answers given by then that were 201/202'),
    row('time to sell out', (s) => fmt.s(s.timeToSellOutSeconds), 'when the last unit was confirmed: v1 the last 201 answer, v2 the worker\'s last confirmation'),
    row('first SOLD_OUT', (s) => fmt.s(s.firstSoldOutSeconds), 'the first answer (or, v2, worker decision) saying SOLD_OUT'),
    row('time to the last decision', (s) => fmt.s(s.timeToLastDecisionSeconds), 'when every buyer had a final outcome: v1 the last answer (every answer is final), v2 the later of its last 409 and its worker\'s last decision'),
    row('decisions/s', (s) => rateWithSuccess(s.decidedPerSecond, s.decidedSuccessRate, 'confirmed'), 'final outcomes ÷ the time to the last decision; beside it, the share confirmed (the rest: refusals)'),
    row('orders confirmed', (s) => fmt.int(s.confirmed), 'final outcomes that are orders (the audit below checks them against PostgreSQL)'),
    row('answers', (s) => counts(s.answers), 'every HTTP answer by status and error code'),
    row('decided by the API at once', (s) => counts(s.decidedByApi), 'answers that were final: in v1 every answer; in v2 the 409s refused before anything was queued'),
    row('decided by a worker', (s) => counts(s.decidedByWorker), 'v2 only: the outcomes of the 202 requests (PostgreSQL\'s purchase_requests)'),
    row('errors: transport / 5xx / unanswered / undecided', (s) => `${s.errors.transport} / ${s.errors.status5xx} / ${s.errors.unanswered} / ${s.errors.undecided}`, 'no HTTP answer (connection error or timeout) / 5xx answers / never sent or answered before the deadline / accepted but not decided by the end'),
    // Against a remote stack the tool does not know the servers' processes: they count as "other".
    row('CPU cores used', (_s, t) => Object.entries(t.cpu.cores ?? {}).map(([k, v]) => `${k === 'other' && remote ? 'other (servers, nginx, rest)' : k} ${fmt.cores(v)}`).join(', ') || '-', 'CPU seconds ÷ wall seconds over the run, by process'),
    row('machine CPU busy', (_s, t) => (t.cpu.busyPct == null ? '-' : `${t.cpu.busyPct.toFixed(0)}%`), 'share of the machine\'s CPU time in use during the run, whoever used it'),
  ];
}

/** [version, outcome, count, p50, p95, p99, max] rows, latencies in ms. */
export function latencyRows(results: Results): string[][] {
  const rows: string[][] = [];
  for (const [version, run] of runsOf(results)) {
    for (const [label, l] of Object.entries(run.summary.latencyMs)) rows.push([version, label, fmt.int(l.count), fmt.ms(l.p50), fmt.ms(l.p95), fmt.ms(l.p99), fmt.ms(l.max)]);
  }
  return rows;
}

function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r: string[]): string => r.map((cell, i) => String(cell).padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderConsole(results: Results): string {
  const versions = runsOf(results).map(([version]) => version);
  return [
    table(['figure', ...versions], headlineRows(results).map((row) => row.slice(0, -1))),
    '',
    'latency of the HTTP answers (ms)',
    table(['target', 'outcome', 'count', 'p50', 'p95', 'p99', 'max'], latencyRows(results)),
  ].join('\n');
}

