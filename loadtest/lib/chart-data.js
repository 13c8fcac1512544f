// The rows behind the charts (and kept in report.json): pure functions of the run's records.
const { answerLabel, binWidth, movingRate } = require('./stats');
const { workerLabel } = require('./outcomes');

const CDF_POINTS = 200;

/**
 * Answers by status, and (v2) the worker's decisions, per second over the run: a moving window of
 * `windowMs` sampled every `stepMs`. Answers come in waves (a closed-loop client's connections all
 * wait on the same intake batch), so fixed bins narrower than a wave would show zeros between them.
 */
function throughputRows(results) {
  const targets = Object.entries(results.targets);
  const spanMs = Math.max(1, ...targets.flatMap(([, run]) => run.records.flatMap((r) => [r.endMs ?? 0, r.decision?.atMs ?? 0])));
  const stepMs = binWidth(spanMs, 120);
  const windowMs = Math.max(1_000, 5 * stepMs);
  const rows = [];
  for (const [version, run] of targets) {
    const series = (r) => {
      const points = [];
      if (r.endMs !== undefined) points.push([answerLabel(r), r.endMs]);
      if (version === 'v2' && r.accepted && r.decision) points.push([workerLabel(r.decision), r.decision.atMs]);
      return points;
    };
    for (const row of movingRate(run.records, series, stepMs, windowMs)) rows.push({ target: version, ...row });
  }
  return { stepMs, windowMs, rows };
}

/** Latency distribution per target and answer: `CDF_POINTS` quantiles of each. */
function latencyCdfRows(results) {
  const rows = [];
  for (const [version, run] of Object.entries(results.targets)) {
    const groups = new Map();
    for (const r of run.records) {
      if (r.endMs === undefined || r.error) continue;
      const label = answerLabel(r);
      if (!groups.has(label)) groups.set(label, []);
      groups.get(label).push(Math.max(0.1, r.endMs - r.startMs));
    }
    for (const [label, values] of groups) {
      values.sort((a, b) => a - b);
      const steps = Math.min(CDF_POINTS, values.length);
      for (let i = 1; i <= steps; i += 1) {
        const fraction = i / steps;
        const ms = values[Math.min(values.length - 1, Math.ceil(fraction * values.length) - 1)];
        rows.push({ target: version, outcome: label, ms: Number(ms.toFixed(2)), fraction: Number(fraction.toFixed(4)) });
      }
    }
  }
  return rows;
}

/** Running totals over time, per target: buyers with a final outcome (and v2's 202s), units sold. */
function cumulativeRows(results, maxPoints = 300) {
  const rows = [];
  for (const [version, run] of Object.entries(results.targets)) {
    const curves = [
      ['buyers with a final outcome', version, run.records.filter((r) => r.decision?.atMs !== undefined).map((r) => r.decision.atMs)],
      ['units sold', version, run.records.filter((r) => r.decision?.status === 'confirmed').map((r) => r.decision.atMs)],
    ];
    if (version === 'v2') curves.push(['buyers with a final outcome', 'v2 accepted (202)', run.records.filter((r) => r.accepted).map((r) => r.endMs)]);
    for (const [panel, series, times] of curves) {
      times.sort((a, b) => a - b);
      const step = Math.max(1, Math.floor(times.length / maxPoints));
      rows.push({ panel, series, t: 0, count: 0 });
      for (let i = step - 1; i < times.length; i += step) rows.push({ panel, series, t: Number((times[i] / 1000).toFixed(4)), count: i + 1 });
      if (times.length % step !== 0) rows.push({ panel, series, t: Number((times[times.length - 1] / 1000).toFixed(4)), count: times.length });
    }
  }
  return rows;
}

module.exports = { throughputRows, latencyCdfRows, cumulativeRows };
