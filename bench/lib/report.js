// The compact table printed at the end, and the JSON file beside it.
const fs = require('node:fs');
const path = require('node:path');

const RESULTS_DIR = path.resolve(__dirname, '../results');

const rate = (value) => (value == null ? '-' : value.toLocaleString('en-US', { maximumFractionDigits: 0 }));
const ms = (value) => (value == null ? '-' : value.toFixed(1));

const GROUP_ORDER = ['v1', 'v2', 'express', 'node-pg', 'pgbench', 'autocannon', 'postgres', 'redis', 'other'];
const SHORT = { postgres: 'pg', autocannon: 'ac' };
// "other" is every process outside the benchmark plus kernel time charged to none (a few
// hundredths of a core for loopback networking); above this a figure is not trustworthy.
const OTHER_LOAD_LIMIT = 0.3;

/** "v1 0.82 pg 0.95 ac 0.10 other 0.02": average cores each group kept busy. */
function coresCell(cpu) {
  if (!cpu || cpu.busyPct == null) return '-';
  const groups = Object.entries(cpu.cores)
    .filter(([group, cores]) => cores >= 0.005 || group === 'other')
    .sort(([a], [b]) => GROUP_ORDER.indexOf(a) - GROUP_ORDER.indexOf(b));
  return `${cpu.busyPct.toFixed(0)}%: ${groups.map(([group, cores]) => `${SHORT[group] ?? group} ${cores.toFixed(2)}`).join(' ')}`;
}

/** Rows of [measure, per s, p50 ms, p99 ms, cpu, notes], padded into columns. */
function table(rows) {
  const header = ['measure', 'per s', 'p50 ms', 'p99 ms', 'machine cpu busy: cores by process', 'notes'];
  const all = [header, ...rows.map((row) => row.map((cell) => String(cell)))];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const numeric = new Set([1, 2, 3]);
  const line = (row) =>
    row
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

const statusNote = (counts) => {
  const entries = Object.entries(counts ?? {});
  return entries.length === 0 ? 'non-201: none' : `non-201: ${entries.map(([s, n]) => `${s}x${n}`).join(' ')}`;
};

const outcomeNote = (outcomes) =>
  Object.entries(outcomes)
    .filter(([outcome]) => outcome !== 'placed')
    .map(([outcome, n]) => `${outcome}x${n}`)
    .join(' ') || 'all placed';

/** The issue's targets against the measured figures, and the ratios they are stated in. */
function judge({ v1, late, baseline, pgbench, lone, node, settings: s }) {
  const naive = (clients) => pgbench.find((run) => run.shape === 'naive' && run.clients === clients)?.tps;
  const ceiling = Math.max(naive(s.naiveClients) ?? 0, naive(s.connections) ?? 0);
  const ratios = {
    toNaiveFew: v1.perSecond / naive(s.naiveClients),
    toNaive64: v1.perSecond / naive(s.connections),
    toNaiveBest: v1.perSecond / ceiling,
    lateV1ToExpress: late.v1.perSecond / baseline.perSecond,
    lateV2ToExpress: late.v2.perSecond / baseline.perSecond,
  };
  const fastestLone = [...lone].sort((a, b) => b.perSecond - a.perSecond)[0];
  const targets = [
    { name: 'v1 >= 2,500 purchases/s', met: v1.perSecond >= 2500, actual: rate(v1.perSecond) },
    { name: 'v1 >= 1.0x the naive ceiling (best client count)', met: ratios.toNaiveBest >= 1, actual: `${ratios.toNaiveBest.toFixed(2)}x` },
    { name: 'p99 < 100 ms', met: v1.latencyMs.p99 < 100, actual: `${ms(v1.latencyMs.p99)} ms` },
    { name: 'late buyers v1 >= 0.8 of bare Express', met: ratios.lateV1ToExpress >= 0.8, actual: ratios.lateV1ToExpress.toFixed(2) },
    { name: 'late buyers v2 >= 0.8 of bare Express', met: ratios.lateV2ToExpress >= 0.8, actual: ratios.lateV2ToExpress.toFixed(2) },
    { name: 'a lone purchase takes the faster way (v1: single statement)', met: fastestLone?.way === 'single statement', actual: fastestLone?.way ?? '-' },
  ];
  const consistent = [v1, late.v1, late.v2, ...pgbench, ...lone, ...(node ?? [])].every((run) => run.tally.consistent);
  return { ratios, targets, consistent };
}

function heading({ machine, settings: s }) {
  const pg = machine.postgres;
  const busy = machine.busyBeforeStartPct;
  return [
    `FlashFast v1 purchase benchmark: ${machine.cpus} cores, Node ${machine.node}, PostgreSQL ${pg.version.split(' ')[0]} ` +
      `(synchronous_commit=${pg.synchronous_commit}, fsync=${pg.fsync}), pool ${s.poolSize}, ${s.seconds} s after ${s.warmupSeconds} s warm-up, ` +
      'every request its own Idempotency-Key',
    busy == null ? '' : `machine CPU busy before start: ${busy.toFixed(0)}%${busy > 15 ? ' (other work was running)' : ''}`,
    '',
  ].join('\n');
}

function render(results) {
  const { v1, late, baseline, pgbench, lone, node, settings: s } = results;
  const rows = [];
  if (v1) {
    const batches = v1.batches?.average == null ? '' : `, average batch ${v1.batches.average.toFixed(1)} (${v1.batches.batches} batches)`;
    rows.push([`v1 HTTP purchase, ${s.connections} conns`, rate(v1.perSecond), ms(v1.latencyMs.p50), ms(v1.latencyMs.p99), coresCell(v1.cpu), `${statusNote(v1.non201)}${batches}`]);
  }
  for (const [version, run] of Object.entries(late ?? {})) {
    rows.push([`${version} late buyers of a sold-out sale (409)`, rate(run.perSecond), ms(run.latencyMs.p50), ms(run.latencyMs.p99), coresCell(run.cpu), statusNote(run.non201).replace('non-201', 'non-409')]);
  }
  if (baseline) {
    rows.push([`bare Express 5 + express.json, ${s.connections} conns`, rate(baseline.perSecond), ms(baseline.latencyMs.p50), ms(baseline.latencyMs.p99), coresCell(baseline.cpu), 'no auth, Redis or SQL']);
  }
  for (const run of pgbench ?? []) {
    rows.push([`pgbench ${run.shape}, ${run.clients} clients`, rate(run.tps), '-', '-', coresCell(run.cpu), `avg ${ms(run.latencyAvgMs)} ms, failed ${run.failed}`]);
  }
  for (const run of lone ?? []) {
    rows.push([`lone purchase, ${run.way}, 1 caller`, rate(run.perSecond), ms(run.latencyMs.p50), ms(run.latencyMs.p99), coresCell(run.cpu), outcomeNote(run.outcomes)]);
  }
  for (const run of node ?? []) {
    rows.push([`node-pg ${run.variant}`, rate(run.perSecond), ms(run.latencyMs.p50), ms(run.latencyMs.p99), coresCell(run.cpu), outcomeNote(run.outcomes)]);
  }
  const lines = [heading(results), table(rows), ''];
  const { ratios, targets } = results;
  if (ratios) {
    lines.push(
      `v1 / naive ceiling: ${ratios.toNaiveFew.toFixed(2)}x @${s.naiveClients} clients, ${ratios.toNaive64.toFixed(2)}x @${s.connections}   ` +
        `late buyers / bare Express: v1 ${ratios.lateV1ToExpress.toFixed(2)}, v2 ${ratios.lateV2ToExpress.toFixed(2)}`,
    );
  }
  const measures = [v1, ...Object.values(late ?? {}), baseline, ...(pgbench ?? []), ...(lone ?? []), ...(node ?? [])];
  const disturbed = measures.filter((run) => run?.cpu?.cores?.other > OTHER_LOAD_LIMIT);
  if (disturbed.length > 0) {
    lines.push(
      `WARNING: work outside the benchmark used > ${OTHER_LOAD_LIMIT} cores during ${disturbed.length} measure(s) ` +
        `("other" in the cpu column): ${disturbed.length === rows.length ? 'all' : 'those'} figures are depressed; rerun on an idle machine`,
    );
  }
  if (targets) lines.push(`targets: ${targets.map((t) => `${t.name}: ${t.met ? 'MET' : 'NOT MET'} (${t.actual})`).join('; ')}`);
  if (!results.consistent) lines.push('WARNING: a sale ended inconsistent (sold, orders and quotas disagree; see "tally" in the JSON)');
  return lines.join('\n');
}

function writeResults(results) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const file = path.join(RESULTS_DIR, `v1-${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

module.exports = { judge, render, writeResults };
