// The figures as a plain-text table for the terminal; the Markdown report reuses the rows.
const fmt = {
  int: (v) => (v == null ? '-' : Math.round(v).toLocaleString('en-US')),
  rate: (v) => (v == null ? '-' : `${Math.round(v).toLocaleString('en-US')}/s`),
  s: (v) => (v == null ? '-' : `${v.toFixed(2)} s`),
  ms: (v) => (v == null ? '-' : v.toFixed(1)),
  cores: (v) => (v == null ? '-' : v.toFixed(2)),
};

const counts = (object) =>
  Object.entries(object ?? {})
    .map(([label, n]) => `${label}: ${n}`)
    .join(', ') || '-';

/** [figure, ...one value per target] rows of the headline comparison. */
function headlineRows(results) {
  const versions = Object.keys(results.targets);
  const remote = results.topology?.kind === 'remote';
  const row = (name, value) => [name, ...versions.map((v) => value(results.targets[v].summary, results.targets[v]))];
  return [
    row('requests (one per buyer)', (s) => fmt.int(s.requests)),
    row('accepted (v1 201, v2 202)', (s) => fmt.int(s.accepted)),
    row('accepted/s', (s) => fmt.rate(s.acceptedPerSecond)),
    row('answered/s (every HTTP answer)', (s) => fmt.rate(s.answeredPerSecond)),
    row('decided/s (to the last decision)', (s) => fmt.rate(s.decidedPerSecond)),
    row('time to sell out', (s) => fmt.s(s.timeToSellOutSeconds)),
    row('first SOLD_OUT answer or decision', (s) => fmt.s(s.firstSoldOutSeconds)),
    row('time to the last answer', (s) => fmt.s(s.spikeSeconds)),
    row('time to the last decision', (s) => fmt.s(s.timeToLastDecisionSeconds)),
    row('orders confirmed', (s) => fmt.int(s.confirmed)),
    row('answers', (s) => counts(s.answers)),
    row('decisions', (s) => counts(s.decisions)),
    row('errors: transport / 5xx / unanswered / undecided', (s) => `${s.errors.transport} / ${s.errors.status5xx} / ${s.errors.unanswered} / ${s.errors.undecided}`),
    // Against a remote stack the tool does not know the servers' processes: they count as "other".
    row('CPU cores used (average over the run)', (_s, t) => Object.entries(t.cpu.cores ?? {}).map(([k, v]) => `${k === 'other' && remote ? 'other (servers, nginx, rest)' : k} ${fmt.cores(v)}`).join(', ') || '-'),
    row('machine CPU busy', (_s, t) => (t.cpu.busyPct == null ? '-' : `${t.cpu.busyPct.toFixed(0)}%`)),
  ];
}

/** [version, outcome, count, p50, p95, p99, max] rows, latencies in ms. */
function latencyRows(results) {
  const rows = [];
  for (const [version, run] of Object.entries(results.targets)) {
    for (const [label, l] of Object.entries(run.summary.latencyMs)) rows.push([version, label, fmt.int(l.count), fmt.ms(l.p50), fmt.ms(l.p95), fmt.ms(l.p99), fmt.ms(l.max)]);
  }
  return rows;
}

function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => r.map((cell, i) => String(cell).padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function renderConsole(results) {
  const versions = Object.keys(results.targets);
  return [
    table(['figure', ...versions], headlineRows(results)),
    '',
    'latency of the HTTP answers (ms)',
    table(['target', 'outcome', 'count', 'p50', 'p95', 'p99', 'max'], latencyRows(results)),
  ].join('\n');
}

module.exports = { headlineRows, latencyRows, renderConsole, fmt };
