// Figures from the per-request records of a run; pure functions, no I/O.
import { percentile } from '../../scripts/lib/stats';
import type { PurchaseRecord } from './records';

export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** One sample of a moving rate. */
export interface RateRow {
  t: number;
  series: string;
  perSecond: number;
}

/** p50/p95/p99/max and count of a list of milliseconds (any order). */
export function latencySummary(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? null,
  };
}

/** The label a record's HTTP answer is counted under: "201", "409 SOLD_OUT", "error ECONNRESET", ... */
export function answerLabel(record: PurchaseRecord): string {
  if (record.error) return `error ${record.error}`;
  return record.code ? `${record.status} ${record.code}` : String(record.status);
}

/** Latency summaries of the HTTP answers, one per answer label. */
export function latencyByOutcome(records: PurchaseRecord[]): Record<string, LatencySummary> {
  const groups = new Map<string, number[]>();
  for (const record of records) {
    if (record.endMs === undefined) continue;
    const label = answerLabel(record);
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label)!.push(record.endMs - (record.startMs ?? 0));
  }
  return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([label, values]) => [label, latencySummary(values)]));
}

const count = (records: PurchaseRecord[], test: (record: PurchaseRecord) => boolean): number => records.reduce((n, record) => n + (test(record) ? 1 : 0), 0);
const perSecond = (n: number, ms: number | null): number | null => (ms !== null && ms > 0 ? (n * 1000) / ms : null);
const maxOf = (values: number[]): number | null => values.reduce<number | null>((max, value) => (max === null || value > max ? value : max), null);

/** A v2 request answered 202 is decided later by a worker; every other decision is the API's answer itself. */
const decidedByWorker = (record: PurchaseRecord): boolean => record.accepted && record.status === 202;
const decisionLabel = (record: PurchaseRecord): string => (record.decision?.code ? `${record.decision.status} ${record.decision.code}` : (record.decision?.status ?? 'undecided'));
const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/**
 * One target's headline figures. Times are milliseconds since the first request was sent.
 * A record: {startMs, endMs?, status?, code?, error?, accepted, decision?: {status, code?, atMs?}}.
 * `decision` is the final outcome (v1: the answer itself; v2: a 409 answer itself, or the
 * worker's confirmed/failed for a 202).
 */
export type Summary = ReturnType<typeof summarise>;

export function summarise(records: PurchaseRecord[], { stock }: { stock: number }) {
  const answered = records.filter((r) => r.endMs !== undefined && !r.error);
  const lastAnswerMs = maxOf(answered.map((r) => r.endMs!));
  const accepted = records.filter((r) => r.accepted);
  const lastAcceptedMs = maxOf(accepted.flatMap((r) => (r.endMs === undefined ? [] : [r.endMs])));
  const answeredUntilLastAccepted = lastAcceptedMs === null ? 0 : count(answered, (r) => r.endMs! <= lastAcceptedMs);
  const decided = records.filter((r): r is PurchaseRecord & { decision: { atMs: number } } => r.decision?.atMs !== undefined);
  const lastDecisionMs = maxOf(decided.map((r) => r.decision.atMs));
  const confirmed = decided.filter((r) => r.decision.status === 'confirmed');
  const lastConfirmMs = maxOf(confirmed.map((r) => r.decision.atMs));
  const unitsSold = confirmed.reduce((n, r) => n + (r.quantity ?? 1), 0);
  const refusalsSoldOut = decided.filter((r) => r.decision.code === 'SOLD_OUT').map((r) => r.decision.atMs);
  return {
    requests: records.length,
    answered: answered.length,
    accepted: accepted.length,
    decided: decided.length,
    confirmed: confirmed.length,
    unitsSold,
    spikeSeconds: lastAnswerMs === null ? null : lastAnswerMs / 1000,
    lastAcceptedSeconds: lastAcceptedMs === null ? null : lastAcceptedMs / 1000,
    // Every rate comes with its success rate: the share of what it counts that succeeded.
    answeredPerSecond: perSecond(answered.length, lastAnswerMs),
    answeredSuccessRate: share(accepted.length, answered.length),
    acceptedWhileSellingPerSecond: perSecond(accepted.length, lastAcceptedMs),
    acceptedWhileSellingSuccessRate: share(accepted.length, answeredUntilLastAccepted),
    decidedPerSecond: perSecond(decided.length, lastDecisionMs),
    decidedSuccessRate: share(confirmed.length, decided.length),
    timeToSellOutSeconds: unitsSold >= stock && lastConfirmMs !== null ? lastConfirmMs / 1000 : null,
    firstSoldOutSeconds: refusalsSoldOut.length ? Math.min(...refusalsSoldOut) / 1000 : null,
    timeToLastDecisionSeconds: lastDecisionMs === null ? null : lastDecisionMs / 1000,
    answers: countBy(records, (r) => (r.endMs === undefined && !r.error ? 'unanswered' : answerLabel(r))),
    decidedByApi: countBy(decided.filter((r) => !decidedByWorker(r)), answerLabel),
    decidedByWorker: countBy(decided.filter(decidedByWorker), decisionLabel),
    errors: {
      transport: count(records, (r) => Boolean(r.error)),
      serverErrors: count(records, (r) => (r.status ?? 0) >= 500 && r.code !== 'OVERLOADED' && r.code !== 'UNAVAILABLE'),
      status5xx: count(records, (r) => (r.status ?? 0) >= 500),
      unanswered: count(records, (r) => r.endMs === undefined && !r.error),
      undecided: count(records, (r) => r.accepted && (!r.decision || r.decision.atMs === undefined)),
    },
    latencyMs: latencyByOutcome(records),
  };
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/**
 * Events per second over a moving window, sampled every `stepMs` from 0 to just past the last
 * event: one row per sample and series, `{t (s), series, perSecond}`, the events in
 * (t - windowMs, t] divided by the window (by t itself while t < windowMs). Unlike fixed bins, a
 * window wider than the waves in which answers arrive shows their rate, not zeros between waves.
 * `series(record)` yields `[label, atMs]` pairs.
 */
export function movingRate<R>(records: R[], series: (record: R) => Array<[string, number | null | undefined]>, stepMs: number, windowMs: number): RateRow[] {
  const times = new Map<string, number[]>();
  let last = 0;
  for (const record of records) {
    for (const [label, atMs] of series(record)) {
      if (atMs === undefined || atMs === null) continue;
      if (!times.has(label)) times.set(label, []);
      times.get(label)!.push(atMs);
      last = Math.max(last, atMs);
    }
  }
  const rows: RateRow[] = [];
  for (const label of [...times.keys()].sort()) {
    const sorted = times.get(label)!.sort((a, b) => a - b);
    let from = 0;
    let to = 0;
    for (let step = 0; step * stepMs <= last + stepMs; step += 1) {
      const t = step * stepMs;
      while (to < sorted.length && sorted[to]! <= t) to += 1;
      while (from < to && sorted[from]! <= t - windowMs) from += 1;
      const span = Math.min(windowMs, t);
      rows.push({ t: t / 1000, series: label, perSecond: span > 0 ? ((to - from) * 1000) / span : 0 });
    }
  }
  return rows;
}

/** A bin width that gives about `bins` bins over `spanMs`, rounded to 10 ms, at least 10 ms. */
export const binWidth = (spanMs: number, bins = 100): number => Math.max(10, Math.ceil(spanMs / bins / 10) * 10);

