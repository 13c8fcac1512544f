// Waiting for a supervised process to answer its readiness URL, with its last log lines when it
// does not (npm start, npm run cluster, the tests of both).
import fs from 'node:fs';
import type { SupervisedProcess } from './supervisor';

/** The last `lines` lines of a log file ('' when there is none yet). */
export const tail = (file: string, lines = 15): string => {
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
export async function waitUntilReady(
  proc: Pick<SupervisedProcess, 'name' | 'logFile' | 'running'>,
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
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
      const failure = error as Error & { cause?: { code?: string } };
      last = failure.cause?.code ?? failure.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${proc.name} not ready at ${url} after ${timeoutMs} ms (${last})${lastWords()}`);
}

