import { spawn, type ChildProcess } from 'node:child_process';

/** A program under test in a process group of its own, as a shell's foreground job is, with its output as lines. */
export interface Job {
  child: ChildProcess;
  /** stdout and stderr lines so far, in arrival order. */
  lines: string[];
  /** JSON log lines so far (pino's shape: name, msg, pid, ...). */
  logs(): Array<Record<string, unknown>>;
  exited: Promise<number | string | null>;
  /** Waits for a JSON log line matching `match`, failing with the output when the job exits first. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, what: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** What a terminal's Ctrl-C does: SIGINT to every process of the foreground group. */
  interrupt(): void;
  /** A signal to every process of its group. */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL to its group: the last resort of a test's clean-up. */
  kill(): void;
}

export function startJob(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Job {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial[stream] + chunk).split('\n');
      partial = { ...partial, [stream]: parts.pop()! };
      lines.push(...parts);
    });
  }
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let done = false;
  void exited.then(() => (done = true));
  const logs = () =>
    lines.flatMap((line) => {
      try {
        return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is gone.
    }
  };
  return {
    child,
    lines,
    logs,
    exited,
    interrupt: () => group('SIGINT'),
    signal: group,
    kill: () => group('SIGKILL'),
    async waitForLog(match, what, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = logs().find(match);
        if (found) return found;
        if (done || Date.now() > deadline) {
          throw new Error(`${done ? 'exited' : 'timed out'} waiting for ${what}; output:\n${lines.slice(-40).join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** Whether a process of this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export { freePorts } from '../lib/ports';
