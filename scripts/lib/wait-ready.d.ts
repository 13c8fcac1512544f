// Types of scripts/lib/wait-ready.js for the TypeScript tests.
import type { SupervisedProcess } from './supervisor';

/** Polls `url` until it answers 200; fails at once if the process exits or `signal` aborts, or after `timeoutMs`. */
export function waitUntilReady(proc: Pick<SupervisedProcess, 'name' | 'logFile' | 'running'>, url: string, timeoutMs: number, signal?: AbortSignal): Promise<void>;
/** The last `lines` lines of a log file ('' when there is none yet). */
export function tail(file: string, lines?: number): string;
