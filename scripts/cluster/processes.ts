// One-shot processes of the local cluster (the migration); the long-running ones are supervised
// (scripts/lib/supervisor.ts) and restarted.
import { supervise, describeExit, type SuperviseSpec } from '../lib/supervisor';
import { tail } from '../lib/wait-ready';

/** Runs a one-shot process (never restarted) to completion; rejects with its output when it fails. */
export async function runToCompletion(spec: Omit<SuperviseSpec, 'restart'>): Promise<void> {
  const result = await supervise({ ...spec, restart: false }).ended;
  if (result !== 0) throw new Error(`${spec.name} failed (${describeExit(result)}):\n${spec.logFile ? tail(spec.logFile) : ''}`);
}
