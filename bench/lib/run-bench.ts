// The frame every benchmark shares: clean up on Ctrl-C, SIGTERM, failure or success, then write
// the results file and print the table. A benchmark whose own checks failed exits 1.
import path from 'node:path';
import { runMain } from '@flashfast/shared/platform/run-main';

export interface Bench<R> {
  startedAt: number;
  main: () => Promise<R>;
  cleanUp: () => Promise<void>;
  render: (results: R & { totalSeconds: number }) => string;
  /** Writes the results file; returns its path. */
  writeResults: (results: R & { totalSeconds: number }) => string;
  ok?: (results: R) => boolean;
}

export function runBench<R extends object>(bench: Bench<R>): void {
  process.once('SIGINT', () => bench.cleanUp().finally(() => process.exit(130)));
  process.once('SIGTERM', () => bench.cleanUp().finally(() => process.exit(143)));
  const run = async () => {
    let measured: R;
    try {
      measured = await bench.main();
    } finally {
      await bench.cleanUp();
    }
    const results = { ...measured, totalSeconds: (Date.now() - bench.startedAt) / 1000 };
    const file = bench.writeResults(results);
    console.log(`\n${bench.render(results)}`);
    console.log(`\n${path.relative(process.cwd(), file)} (${results.totalSeconds.toFixed(0)} s in all)`);
    if (bench.ok && !bench.ok(results)) process.exitCode = 1;
  };
  runMain(run, { report: (error) => console.error(error instanceof Error ? error.stack : error) });
}

