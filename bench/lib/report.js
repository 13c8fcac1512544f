// The compact table printed at the end, and the JSON file beside it.
const fs = require('node:fs');
const path = require('node:path');

const RESULTS_DIR = path.resolve(__dirname, '../results');

const rate = (value) => (value == null ? '-' : value.toLocaleString('en-US', { maximumFractionDigits: 0 }));
const ms = (value) => (value == null ? '-' : value.toFixed(1));
const pct = (value) => (value == null ? '-' : `${(value * 100).toFixed(0)}%`);

const GROUP_ORDER = ['v1', 'express', 'node-pg', 'pgbench', 'autocannon', 'postgres', 'redis', 'other'];
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
function judge({ v1, pgbench, node, settings: s }) {
  const tps = (shape, clients) => pgbench.find((run) => run.shape === shape && run.clients === clients)?.tps;
  const single = tps('single statement', s.poolSize);
  const single64 = tps('single statement', s.connections);
  const ceiling = Math.max(single, single64);
  const ratios = { toPoolSize: v1.perSecond / single, to64: v1.perSecond / single64, multiToSingle: tps('multi-statement', s.poolSize) / single };
  const targets = [
    { name: '>= 2,000 purchases/s', met: v1.perSecond >= 2000, actual: rate(v1.perSecond) },
    { name: 'p99 < 100 ms', met: v1.latencyMs.p99 < 100, actual: `${ms(v1.latencyMs.p99)} ms` },
    { name: '>= 80% of the pgbench ceiling (best client count)', met: v1.perSecond >= 0.8 * ceiling, actual: pct(v1.perSecond / ceiling) },
  ];
  const consistent = [v1, ...pgbench, ...node].every((run) => run.tally.consistent);
  return { ratios, targets, consistent };
}

function heading({ machine, settings: s }) {
  const pg = machine.postgres;
  const busy = machine.busyBeforeStartPct;
  return [
    `FlashFast v1 purchase benchmark: ${machine.cpus} cores, Node ${machine.node}, PostgreSQL ${pg.version.split(' ')[0]} ` +
      `(synchronous_commit=${pg.synchronous_commit}, fsync=${pg.fsync}), pool ${s.poolSize}, ${s.seconds} s after ${s.warmupSeconds} s warm-up`,
    busy == null ? '' : `machine CPU busy before start: ${busy.toFixed(0)}%${busy > 15 ? ' (other work was running)' : ''}`,
    '',
  ].join('\n');
}

function render(results) {
  const { v1, baseline, pgbench, node, settings: s } = results;
  const rows = [];
  if (v1) {
    rows.push([`v1 HTTP purchase, ${s.connections} conns`, rate(v1.perSecond), ms(v1.latencyMs.p50), ms(v1.latencyMs.p99), coresCell(v1.cpu), statusNote(v1.non201)]);
  }
  if (baseline) {
    rows.push([`bare Express 5 + express.json, ${s.connections} conns`, rate(baseline.perSecond), ms(baseline.latencyMs.p50), ms(baseline.latencyMs.p99), coresCell(baseline.cpu), 'no auth, Redis or SQL']);
  }
  for (const run of pgbench ?? []) {
    rows.push([`pgbench ${run.shape}, ${run.clients} clients`, rate(run.tps), '-', '-', coresCell(run.cpu), `avg ${ms(run.latencyAvgMs)} ms, failed ${run.failed}`]);
  }
  for (const run of node ?? []) {
    rows.push([`node-pg ${run.variant}`, rate(run.perSecond), ms(run.latencyMs.p50), ms(run.latencyMs.p99), coresCell(run.cpu), outcomeNote(run.outcomes)]);
  }
  const lines = [heading(results), table(rows), ''];
  const { ratios, targets } = results;
  if (ratios) {
    lines.push(
      `v1 / pgbench single @${s.poolSize} (v1's pool size): ${pct(ratios.toPoolSize)}   v1 / pgbench single @${s.connections}: ${pct(ratios.to64)}   ` +
        `pgbench multi / single @${s.poolSize}: ${pct(ratios.multiToSingle)}`,
    );
  }
  const disturbed = [v1, baseline, ...(pgbench ?? []), ...(node ?? [])].filter((run) => run?.cpu?.cores?.other > OTHER_LOAD_LIMIT);
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
