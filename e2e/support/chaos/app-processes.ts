import fs from 'node:fs';
import path from 'node:path';
import { exited, freePort, spawn, waitFor } from './host-processes';
import type { ChildProcess } from 'node:child_process';
import { programPath, type Program } from '../../../scripts/lib/entry-points';

export type Role = Exclude<Program, 'migrate'>;

/** One compiled app process (`npm run build` first; `npm test` does), its output in a log file. */
export interface AppProcess {
  name: string;
  url: string;
  child: ChildProcess;
  logFile: string;
  /** Still running (it never exits by itself: a dependency fault must not kill it). */
  alive(): boolean;
  logTail(lines?: number): string;
}

export async function startAppProcess(role: Role, index: number, env: Record<string, string>, logDir: string): Promise<AppProcess> {
  const name = `${role}-${index}`;
  const port = await freePort();
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [programPath(role)], {
    env: { PATH: process.env.PATH, ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const proc: AppProcess = {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    logFile,
    alive: () => child.exitCode === null && child.signalCode === null,
    logTail: (lines = 20) => fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'),
  };
  await waitFor(`${name} ready`, async () => {
    if (!proc.alive()) throw new Error(`${name} exited: ${proc.logTail()}`);
    return (await fetch(`${proc.url}/readyz`, { signal: AbortSignal.timeout(2_000) })).status === 200;
  }, 60_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${proc.logTail()}`);
  });
  return proc;
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopAppProcess(proc: AppProcess, graceMs = 10_000): Promise<void> {
  if (!proc.alive()) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await exited(proc.child);
  clearTimeout(timer);
}

/** Answers /healthz, and /readyz within `readyWithinMs` (its dependencies are back). */
export async function isHealthyAndReady(proc: AppProcess, readyWithinMs: number): Promise<boolean> {
  if (!proc.alive()) return false;
  if ((await fetch(`${proc.url}/healthz`)).status !== 200) return false;
  await waitFor(`${proc.name} ready again`, async () => (await fetch(`${proc.url}/readyz`)).status === 200, readyWithinMs);
  return true;
}
