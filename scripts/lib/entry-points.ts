// Where the repository and its compiled programs are, for every tool that starts them (npm start,
// the cluster, the benchmarks, the load test's local stack, the e2e tests). The tools run both from
// source (the tests, through SWC) and compiled (dist/), so the root is found, not counted in "..".
import fs from 'node:fs';
import path from 'node:path';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package-lock.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${from}`);
  }
}

/** The repository's root directory. */
export const ROOT = findRoot(__dirname);

/** The compiled entry points, relative to ROOT (`npm run build` makes them). */
export const PROGRAMS = Object.freeze({
  migrate: 'shared/dist/cli/migrate.js',
  v1: 'v1/dist/main.js',
  v2: 'v2/dist/main-api.js',
  worker: 'v2/dist/main-worker.js',
});

export type Program = keyof typeof PROGRAMS;

/** The absolute path of a compiled entry point. */
export const programPath = (program: Program): string => path.join(ROOT, PROGRAMS[program]);

