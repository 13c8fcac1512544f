// Types of scripts/cluster/processes.js for the TypeScript tests that start compiled processes.
import type { ChildProcess } from 'node:child_process';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** stdout and stderr go here (the file is emptied first). */
  logFile: string;
}

export interface StartedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code or signal name. */
  exited: Promise<number | string | null>;
  running(): boolean;
}

/** Free loopback TCP ports, found by binding port 0 (released just before use). */
export function freePorts(count: number): Promise<number[]>;
export function startProcess(spec: ProcessSpec): StartedProcess;
/** Polls `url` until it answers 200; fails at once if the process exits, or after `timeoutMs`. */
export function waitUntilReady(proc: StartedProcess, url: string, timeoutMs: number, signal?: AbortSignal): Promise<void>;
/** Each [signal, graceMs] in turn while the process runs, then SIGKILL of its group. */
export function stopProcess(proc: StartedProcess, steps?: Array<[NodeJS.Signals, number]>): Promise<void>;
/** Sends `signal` to the process's whole group (it leads its own); nothing if it is gone. */
export function signalGroup(proc: StartedProcess, signal: NodeJS.Signals): void;
/** The last lines of a log file ('' if unreadable). */
export function tail(file: string, lines?: number): string;
