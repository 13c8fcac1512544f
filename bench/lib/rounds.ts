// Measures repeated in rounds, each round running every measure once, one after the other: a
// ratio is taken between measures of the same round (seconds apart), so that load from outside
// the benchmark, which comes and goes, disturbs both sides alike. Then medians and spreads.

import type { CpuUse } from '../../scripts/lib/machine';

/** What a measure of one round gives: a rate, latencies, CPU use, other statuses. */
export interface MeasureRun {
  perSecond: number | null;
  durationSeconds?: number;
  seconds?: number;
  latencyMs?: { p50: number | null; p99: number | null };
  cpu?: CpuUse;
  non201?: Record<string, number>;
}

export interface Spread {
  median: number | null;
  min: number | null;
  max: number | null;
  values: Array<number | null | undefined>;
}

export const median = (values: Array<number | null | undefined>): number | null => {
  const sorted = values.filter((value): value is number => value != null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** { median, min, max } of a figure over the rounds. */
export function spread(values: Array<number | null | undefined>): Spread {
  const present = values.filter((value): value is number => value != null && Number.isFinite(value));
  if (present.length === 0) return { median: null, min: null, max: null, values };
  return { median: median(present), min: Math.min(...present), max: Math.max(...present), values };
}

/** Adds up CPU use over rounds, weighting each round by its length. */
function pooledCpu(runs: MeasureRun[]): CpuUse {
  const cores: Record<string, number> = {};
  let seconds = 0;
  let busy = 0;
  for (const run of runs) {
    const length = run.durationSeconds ?? run.seconds ?? 1;
    seconds += length;
    busy += (run.cpu?.busyPct ?? 0) * length;
    for (const [group, value] of Object.entries(run.cpu?.cores ?? {})) cores[group] = (cores[group] ?? 0) + value * length;
  }
  for (const group of Object.keys(cores)) cores[group]! /= seconds;
  return { busyPct: seconds ? busy / seconds : null, cores };
}

/** One measure over every round: the median rate with its spread, latencies, pooled CPU. */
export function summariseMeasure(runs: MeasureRun[], rateOf = (run: MeasureRun) => run.perSecond) {
  const rates = spread(runs.map(rateOf));
  return {
    perSecond: rates.median,
    spread: rates,
    latencyMs: {
      p50: median(runs.map((run) => run.latencyMs?.p50)),
      p99: median(runs.map((run) => run.latencyMs?.p99)),
      p99Max: Math.max(...runs.map((run) => run.latencyMs?.p99 ?? 0)),
    },
    cpu: pooledCpu(runs),
    non201: runs.reduce<Record<string, number>>((all, run) => {
      for (const [status, n] of Object.entries(run.non201 ?? {})) all[status] = (all[status] ?? 0) + n;
      return all;
    }, {}),
  };
}

/** A ratio taken within each round, then its median and spread. */
export const ratioOverRounds = <R>(rounds: R[], ratio: (round: R) => number): Spread => spread(rounds.map(ratio));

