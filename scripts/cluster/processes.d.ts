// Types of scripts/cluster/processes.js for the TypeScript tests that start compiled processes.

/** Free loopback TCP ports, found by binding port 0 (released just before use). */
export function freePorts(count: number): Promise<number[]>;
/** Fails fast when nothing could listen on host:port. */
export function assertPortFree(host: string, port: number): Promise<void>;
/** Runs a one-shot process to completion; rejects with its output when it fails. */
export function runToCompletion(spec: { name: string; command: string; args?: string[]; env?: NodeJS.ProcessEnv; logFile?: string }): Promise<void>;
