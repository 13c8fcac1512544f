// `node dist/bench/profile-summary.js FILE.cpuprofile [TOP]` (after `npm run build`): where a profiled process spent its CPU,
// by package (node_modules/<name>, our own dist/ code, node internals, GC) and by function.
import fs from 'node:fs';

interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

interface Row {
  name: string;
  ms: number;
  pct: number;
}

export interface ProfileSummary {
  spanMs: number;
  busyMs: number;
  packages: Row[];
  functions: Row[];
}

/** Self time (ms) per profile node id, from the samples and their time deltas. */
function selfTimes(profile: Profile): Map<number, number> {
  const times = new Map<number, number>();
  profile.samples.forEach((id, i) => times.set(id, (times.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  return times;
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  const own = /\/(shared|v1|v2)\/dist\/(.+)$/.exec(url);
  if (own) return `${own[1]}/${own[2]!.split('/')[0]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[1] ?? url.slice(5)}`;
  return url;
}

export function summarise(profile: Profile, top = 25): ProfileSummary {
  const times = selfTimes(profile);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const ms = times.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || ms === 0) continue;
    busy += ms;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(shared|v1|v2)\/dist\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  const spanMs = (profile.endTime - profile.startTime) / 1000;
  const rows = (map: Map<string, number>): Row[] => [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ name, ms: Math.round(ms), pct: (100 * ms) / busy }));
  return { spanMs, busyMs: busy, packages: rows(byPackage), functions: rows(byFunction) };
}

export function render(file: string, s: ProfileSummary): string {
  const line = (r: Row): string => `  ${r.pct.toFixed(1).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.name}`;
  return [
    `${file}: ${Math.round(s.busyMs)} ms busy of ${Math.round(s.spanMs)} ms profiled`,
    ' by package (self time):',
    ...s.packages.map(line),
    ' by function (self time):',
    ...s.functions.map(line),
  ].join('\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/profile-summary.js FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  console.log(render(file, summarise(JSON.parse(fs.readFileSync(file, 'utf8')), Number(top) || 25)));
}

