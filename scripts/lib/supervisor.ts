// The one process supervisor of `npm start` and `npm run cluster`: starts a program, restarts it
// with backoff when it crashes, and stops it with a grace period. Each child leads its own process
// group, so a terminal's Ctrl-C reaches only the supervisor, which then stops every child once,
// gracefully; a SIGKILL of the group also takes what the child started (nginx's workers).
//
// Restart rule (as systemd's Restart=on-failure): a crash (a non-zero exit or death by a signal)
// is restarted after a delay that doubles from `initialMs` up to `maxMs`, back to `initialMs` once
// the program had run `stableMs` without crashing. Exit 0 is a clean stop and exit 78 (EX_CONFIG,
// what our programs exit with on a bad configuration) cannot be cured by a restart: neither is
// restarted. A process stopped by the supervisor is never restarted.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { EXIT_CONFIG } from '@flashfast/shared/platform/run-main';
import fs from 'node:fs';

/** An exit code, or the name of the signal that ended the process. */
export type ExitResult = number | string | null;

export interface RestartPolicy {
  /** The first delay before a restart (500 ms); it doubles with each crash in a row. */
  initialMs: number;
  /** The longest delay (30 000 ms). */
  maxMs: number;
  /** A run at least this long (30 000 ms) counts as stable: the next crash starts again at initialMs. */
  stableMs: number;
}

export type LogEvent = (level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;

/** One [signal, grace period] step of a stop. */
export type StopStep = [NodeJS.Signals, number];

export interface SupervisedProcess extends EventEmitter {
  name: string;
  logFile?: string;
  /** How many times it was restarted. */
  restarts: number;
  /** The current (or last) child; a restart replaces it. */
  readonly child: ChildProcess;
  /** Resolves with the current child's exit code or signal name. */
  readonly exited: Promise<ExitResult>;
  running(): boolean;
  /** Resolves once it will not run again: stopped, exited cleanly, or not restartable. */
  ended: Promise<ExitResult | undefined>;
  /** Sends each [signal, graceMs] in turn, then SIGKILLs the group; resolves with how it ended. Idempotent. */
  stop(steps?: readonly StopStep[]): Promise<ExitResult | undefined>;
}

export interface SuperviseSpec {
  /** How the log names it (v1, worker-2, nginx). */
  name: string;
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /**
   * The child's stdout and stderr go here (emptied at the first start, appended to on restarts,
   * so a crash's last words stay); without it they go to ours.
   */
  logFile?: string;
  /** false: never restart. */
  restart?: false | Partial<RestartPolicy>;
  log?: LogEvent;
}

/** A program's exit for a bad configuration (runMain's): not restarted, no restart cures it. */
export const EX_CONFIG = EXIT_CONFIG;
export const DEFAULT_RESTART: Readonly<RestartPolicy> = Object.freeze({ initialMs: 500, maxMs: 30_000, stableMs: 30_000 });
/** What a stop sends by default: SIGTERM (our programs drain and exit 0), SIGKILL after 15 s. */
const DEFAULT_STOP_STEPS: readonly StopStep[] = Object.freeze([['SIGTERM', 15_000]]);

/** `exit 1`, `SIGKILL`: how an exit reads in the log. */
export const describeExit = (result: ExitResult | undefined): string => (typeof result === 'number' ? `exit ${result}` : String(result));

/** The delay before restart number `crashes` (1, 2, ...): doubling from initialMs, capped at maxMs. */
export function restartDelay(restart: RestartPolicy, crashes: number): number {
  return Math.min(restart.maxMs, restart.initialMs * 2 ** Math.max(0, crashes - 1));
}

/** Whether an exit calls for a restart: a crash does, a clean stop or a configuration error does not. */
const isCrash = (result: ExitResult): boolean => result !== 0 && result !== EX_CONFIG;

/** Starts `command args` under supervision. */
export function supervise({ name, command, args = [], env = process.env, logFile, restart = {}, log = () => {} }: SuperviseSpec): SupervisedProcess {
  const policy = restart === false ? undefined : { ...DEFAULT_RESTART, ...restart };
  const handle = new EventEmitter() as SupervisedProcess;
  let child!: ChildProcess;
  let exited!: Promise<ExitResult>;
  let alive = false;
  let stopRequested = false;
  let crashes = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let endedWith!: (result: ExitResult | undefined) => void;
  const ended = new Promise<ExitResult | undefined>((resolve) => (endedWith = resolve));

  if (logFile) fs.writeFileSync(logFile, '');

  const start = () => {
    const startedAt = Date.now();
    // O_APPEND on every descriptor: nginx reopens /dev/stdout as a file of its own, and only
    // appending keeps its lines and stderr's from overwriting each other.
    const fd = logFile ? fs.openSync(logFile, 'a') : undefined;
    try {
      const stdio: StdioOptions = fd === undefined ? ['ignore', 'inherit', 'inherit'] : ['ignore', fd, fd];
      child = spawn(command, args, { env, stdio, detached: true });
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
    alive = true;
    const current = child;
    // Resolves with the exit code or signal; a spawn failure (no such binary) counts as an exit too.
    exited = new Promise<ExitResult>((resolve) => {
      current.once('exit', (code, signal) => resolve(signal ?? code));
      current.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    exited.then((result) => {
      alive = false;
      onExit(result, Date.now() - startedAt);
    });
    handle.emit('spawn', current);
  };

  const onExit = (result: ExitResult, ranMs: number): void => {
    // What it started dies with it (nginx's workers would keep its port, and a restart would fail).
    signalGroup(child, 'SIGKILL');
    const fields = { process: name, pid: child.pid, result: describeExit(result), ranMs };
    if (stopRequested) {
      log('info', `${name} stopped (${describeExit(result)})`, fields);
      return endedWith(result);
    }
    if (!policy || !isCrash(result)) {
      const why = !isCrash(result) ? (result === 0 ? 'a clean stop' : 'a configuration error') : 'restarts are off';
      log(result === 0 ? 'info' : 'error', `${name} exited (${describeExit(result)}): not restarted, ${why}`, fields);
      handle.emit('exit', result, false);
      return endedWith(result);
    }
    crashes = ranMs >= policy.stableMs ? 1 : crashes + 1;
    const delayMs = restartDelay(policy, crashes);
    handle.restarts += 1;
    log('warn', `${name} crashed (${describeExit(result)}) after ${(ranMs / 1000).toFixed(1)} s: restart ${handle.restarts} in ${delayMs} ms`, {
      ...fields,
      restart: handle.restarts,
      delayMs,
    });
    handle.emit('exit', result, true);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (!stopRequested) start();
    }, delayMs);
  };

  /**
   * Ends supervision: sends each [signal, graceMs] step in turn while the child is still there,
   * then SIGKILLs its whole group (which also reaps what it left behind). Resolves with how the
   * last child ended (undefined when it was waiting to be restarted). Idempotent.
   */
  let stopping: Promise<ExitResult | undefined> | undefined;
  const stop = (steps: readonly StopStep[] = DEFAULT_STOP_STEPS): Promise<ExitResult | undefined> =>
    (stopping ??= (async () => {
      stopRequested = true;
      if (restartTimer) {
        clearTimeout(restartTimer);
        restartTimer = undefined;
        if (!alive) endedWith(undefined);
      }
      if (alive) {
        for (const [signal, graceMs] of steps) {
          if (!alive) break;
          child.kill(signal);
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
          clearTimeout(timer);
        }
        signalGroup(child, 'SIGKILL');
      }
      return ended;
    })());

  Object.assign(handle, {
    name,
    logFile,
    restarts: 0,
    stop,
    /** Resolves once the program will not run again: stopped, exited cleanly, or not restartable. */
    ended,
    running: () => alive,
  });
  Object.defineProperties(handle, {
    /** The current (or last) child process. */
    child: { get: () => child, enumerable: true },
    /** Resolves with the current child's exit code or signal name. */
    exited: { get: () => exited, enumerable: true },
  });
  start();
  return handle;
}

export function signalGroup(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (child?.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Stops on the first SIGINT, SIGTERM or SIGHUP, once: a Ctrl-C may arrive twice (the terminal's
 * and a forwarding parent's), and a second signal must not turn a graceful stop into a hard one.
 * `stop(signal)` returns the exit code; later signals are only logged.
 */
export function stopOnSignals(stop: (signal: NodeJS.Signals) => Promise<number> | number, log: LogEvent = () => {}): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return log('info', `${signal} again: already stopping gracefully`, { signal });
    stopping = true;
    Promise.resolve(stop(signal)).then(
      (code) => process.exit(code ?? 0),
      (error) => {
        log('error', `stopping failed: ${error instanceof Error ? error.stack : error}`, {});
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

