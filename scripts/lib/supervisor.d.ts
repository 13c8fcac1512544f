// Types of scripts/lib/supervisor.js for the TypeScript tests and scripts/cluster/index.d.ts.
import type { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';

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
  stop(steps?: Array<[NodeJS.Signals, number]>): Promise<ExitResult | undefined>;
}

export function supervise(spec: {
  name: string;
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  logFile?: string;
  restart?: false | Partial<RestartPolicy>;
  log?: LogEvent;
}): SupervisedProcess;
export function stopOnSignals(stop: (signal: NodeJS.Signals) => Promise<number> | number, log?: LogEvent): void;
export function signalGroup(child: ChildProcess | undefined, signal: NodeJS.Signals): void;
export function restartDelay(policy: RestartPolicy, crashes: number): number;
export function describeExit(result: ExitResult | undefined): string;
export const DEFAULT_RESTART: Readonly<RestartPolicy>;
export const EX_CONFIG: 78;
