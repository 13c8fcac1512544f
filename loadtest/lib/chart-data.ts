// The rows behind the charts (and kept in report.json): pure functions of the run's records.
import { answerLabel, binWidth, movingRate, type RateRow } from './stats';
import { workerLabel } from './outcomes';
import type { PurchaseRecord } from './records';

/** The runs the charts are drawn from: each target's records. */
export interface ChartSource {
  targets: Partial<Record<string, { records?: PurchaseRecord[] }>>;
}

export interface ThroughputRows {
  stepMs: number;
  windowMs: number;
  rows: Array<RateRow & { target: string }>;
}

export interface CdfRow {
  target: string;
  outcome: string;
  ms: number;
  fraction: number;
}

export interface CumulativeRow {
  panel: string;
  series: string;
  t: number;
  count: number;
}

const recordsOf = (source: ChartSource): Array<[string, PurchaseRecord[]]> =>
  Object.entries(source.targets).map(([version, run]) => [version, run?.records ?? []]);

const CDF_POINTS = 200;

/**
 * Answers by status, and (v2) the worker's decisions, per second over the run: a moving window of
 * `windowMs` sampled every `stepMs`. Answers come in waves (a closed-loop client's connections all
 * wait on the same intake batch), so fixed bins narrower than a wave would show zeros between them.
 */
export function throughputRows(results: ChartSource): ThroughputRows {
  const targets = recordsOf(results);
  const spanMs = Math.max(1, ...targets.flatMap(([, records]) => records.flatMap((r) => [r.endMs ?? 0, r.decision?.atMs ?? 0])));
  const stepMs = binWidth(spanMs, 120);
  const windowMs = Math.max(1_000, 5 * stepMs);
  const rows: ThroughputRows['rows'] = [];
  for (const [version, records] of targets) {
    const series = (r: PurchaseRecord) => {
      const points: Array<[string, number | undefined]> = [];
      if (r.endMs !== undefined) points.push([answerLabel(r), r.endMs]);
      if (version === 'v2' && r.accepted && r.decision) points.push([workerLabel(r.decision), r.decision.atMs]);
      return points;
    };
    for (const row of movingRate(records, series, stepMs, windowMs)) rows.push({ target: version, ...row });
  }
  return { stepMs, windowMs, rows };
}

/** Latency distribution per target and answer: `CDF_POINTS` quantiles of each. */
export function latencyCdfRows(results: ChartSource): CdfRow[] {
  const rows: CdfRow[] = [];
  for (const [version, records] of recordsOf(results)) {
    const groups = new Map<string, number[]>();
    for (const r of records) {
      if (r.endMs === undefined || r.error) continue;
      const label = answerLabel(r);
      if (!groups.has(label)) groups.set(label, []);
      groups.get(label)!.push(Math.max(0.1, r.endMs - (r.startMs ?? 0)));
    }
    for (const [label, values] of groups) {
      values.sort((a, b) => a - b);
      const steps = Math.min(CDF_POINTS, values.length);
      for (let i = 1; i <= steps; i += 1) {
        const fraction = i / steps;
        const ms = values[Math.min(values.length - 1, Math.ceil(fraction * values.length) - 1)]!;
        rows.push({ target: version, outcome: label, ms: Number(ms.toFixed(2)), fraction: Number(fraction.toFixed(4)) });
      }
    }
  }
  return rows;
}

/** Running totals over time, per target: buyers with a final outcome (and v2's 202s), units sold. */
export function cumulativeRows(results: ChartSource, maxPoints = 300): CumulativeRow[] {
  const rows: CumulativeRow[] = [];
  const times = (values: Array<number | undefined>): number[] => values.filter((value): value is number => value !== undefined);
  for (const [version, records] of recordsOf(results)) {
    const curves: Array<[string, string, number[]]> = [
      ['buyers with a final outcome', version, times(records.map((r) => r.decision?.atMs))],
      ['units sold', version, times(records.filter((r) => r.decision?.status === 'confirmed').map((r) => r.decision?.atMs))],
    ];
    if (version === 'v2') curves.push(['buyers with a final outcome', 'v2 accepted (202)', times(records.filter((r) => r.accepted).map((r) => r.endMs))]);
    for (const [panel, series, sorted] of curves) {
      sorted.sort((a, b) => a - b);
      const step = Math.max(1, Math.floor(sorted.length / maxPoints));
      rows.push({ panel, series, t: 0, count: 0 });
      for (let i = step - 1; i < sorted.length; i += step) rows.push({ panel, series, t: Number((sorted[i]! / 1000).toFixed(4)), count: i + 1 });
      if (sorted.length % step !== 0) rows.push({ panel, series, t: Number((sorted.at(-1)! / 1000).toFixed(4)), count: sorted.length });
    }
  }
  return rows;
}

