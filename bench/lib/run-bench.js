// The frame every benchmark shares: clean up on Ctrl-C, SIGTERM, failure or success, then write
// the results file and print the table. A benchmark whose own checks failed exits 1.
const path = require('node:path');

/**
 * @param {{ startedAt: number, main: () => Promise<object>, cleanUp: () => Promise<void>,
 *   render: (results: object) => string, writeResults: (results: object) => string,
 *   ok?: (results: object) => boolean }} bench
 */
function runBench(bench) {
  process.once('SIGINT', () => bench.cleanUp().finally(() => process.exit(130)));
  process.once('SIGTERM', () => bench.cleanUp().finally(() => process.exit(143)));
  const run = async () => {
    let results;
    try {
      results = await bench.main();
    } finally {
      await bench.cleanUp();
    }
    results.totalSeconds = (Date.now() - bench.startedAt) / 1000;
    const file = bench.writeResults(results);
    console.log(`\n${bench.render(results)}`);
    console.log(`\n${path.relative(process.cwd(), file)} (${results.totalSeconds.toFixed(0)} s in all)`);
    if (bench.ok && !bench.ok(results)) process.exitCode = 1;
  };
  run().catch((error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exitCode = 1;
  });
}

module.exports = { runBench };
