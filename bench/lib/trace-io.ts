// Preload (NODE_OPTIONS=--require this file, with BENCH_TRACE_IO_DIR set) that times every
// PostgreSQL query and Redis command of a bench server, from the call to the reply (queueing on
// the connection included), and writes count / total / mean / max per statement or command to
// BENCH_TRACE_IO_DIR when the process exits through process.exit. For findings, not production.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Redis } from 'ioredis';
import { instrumentationDirs } from './settings';

interface Timing {
  count: number;
  totalMs: number;
  maxMs: number;
}

/** The parts of an ioredis command the tracing reads. */
interface TracedCommand {
  name: string;
  args: unknown[];
  promise?: Promise<unknown>;
}

const dir = instrumentationDirs().traceIoDir;
const stats = new Map<string, Timing>();
const record = (key: string, ms: number): void => {
  const s = stats.get(key) ?? { count: 0, totalMs: 0, maxMs: 0 };
  s.count += 1;
  s.totalMs += ms;
  s.maxMs = Math.max(s.maxMs, ms);
  stats.set(key, s);
};
const timed = (key: string, promise: Promise<unknown>): void => {
  const start = performance.now();
  const done = () => record(key, performance.now() - start);
  promise.then(done, done);
};

if (dir) {
  // Patched in place: the servers' own pg and ioredis (one copy in node_modules) are these.
  type Query = (this: pg.Client, config: unknown, values?: unknown, callback?: unknown) => unknown;
  const client = pg.Client.prototype as unknown as { query: Query };
  const query = client.query;
  client.query = function tracedQuery(config, values, callback) {
    const result = query.call(this, config, values, callback) as Promise<unknown> | undefined;
    const text = typeof config === 'string' ? config : (config as { text?: string } | undefined)?.text;
    if (text && result && typeof result.then === 'function') timed(`pg ${text.replace(/\s+/g, ' ').trim().slice(0, 70)}`, result);
    return result;
  };
  const scripts = new Map<string, string>(); // sha -> the name it was defined under (BullMQ's and ours)
  type Send = (this: Redis & { scriptsSet?: Record<string, { sha: string }> }, command: TracedCommand, stream?: unknown) => unknown;
  const redis = Redis.prototype as unknown as { sendCommand: Send };
  const sendCommand = redis.sendCommand;
  redis.sendCommand = function tracedSend(command, stream) {
    const result = sendCommand.call(this, command, stream);
    let key = command.name;
    if (command.name === 'evalsha' || command.name === 'eval') {
      const sha = String(command.args[0]);
      if (!scripts.has(sha)) for (const [name, script] of Object.entries(this.scriptsSet ?? {})) scripts.set(script.sha, name);
      key = `${command.name} ${scripts.get(sha) ?? sha.slice(0, 8)}`;
    }
    if (command.promise) timed(`redis ${key}`, command.promise);
    return result;
  };
  const previous = process.exit;
  process.exit = ((code?: number | string | null) => {
    fs.mkdirSync(dir, { recursive: true });
    const rows = [...stats].map(([key, s]) => ({ key, ...s, meanMs: s.totalMs / s.count })).sort((a, b) => b.totalMs - a.totalMs);
    fs.writeFileSync(path.join(dir, `${path.basename(process.argv[1] ?? 'node', '.js')}-${process.pid}.io.json`), JSON.stringify(rows, null, 2));
    return previous.call(process, code);
  }) as typeof process.exit;
}
