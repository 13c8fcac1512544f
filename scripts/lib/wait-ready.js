// Waiting for a supervised process to answer its readiness URL, with its last log lines when it
// does not (npm start, npm run cluster, the tests of both).
const fs = require('node:fs');
/* global fetch, AbortSignal */

/** The last `lines` lines of a log file ('' when there is none yet). */
const tail = (file, lines = 15) => {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
};

/**
 * Polls `url` until it answers 200; fails at once if the process exits or `signal` aborts, or
 * after `timeoutMs`. `proc` is a supervised process (scripts/lib/supervisor.js).
 */
async function waitUntilReady(proc, url, timeoutMs, signal) {
  const deadline = Date.now() + timeoutMs;
  const lastWords = () => (proc.logFile ? `:\n${tail(proc.logFile)}` : '');
  let last = 'no answer';
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (!proc.running()) throw new Error(`${proc.name} exited before it was ready${lastWords()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${proc.name} not ready at ${url} after ${timeoutMs} ms (${last})${lastWords()}`);
}

module.exports = { waitUntilReady, tail };
