// Preload (NODE_OPTIONS=--require this file, with BENCH_TRACE_IO_DIR set) that times every
// PostgreSQL query and Redis command of a bench server, from the call to the reply (queueing on
// the connection included), and writes count / total / mean / max per statement or command to
// BENCH_TRACE_IO_DIR when the process exits through process.exit. For findings, not production.
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const dir = process.env.BENCH_TRACE_IO_DIR;
const stats = new Map();
const record = (key, ms) => {
  const s = stats.get(key) ?? { count: 0, totalMs: 0, maxMs: 0 };
  s.count += 1;
  s.totalMs += ms;
  s.maxMs = Math.max(s.maxMs, ms);
  stats.set(key, s);
};
const timed = (key, promise) => {
  const start = performance.now();
  const done = () => record(key, performance.now() - start);
  promise.then(done, done);
  return promise;
};

if (dir) {
  const pg = require('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function tracedQuery(config, values, callback) {
    const result = query.call(this, config, values, callback);
    const text = typeof config === 'string' ? config : config?.text;
    if (text && result && typeof result.then === 'function') timed(`pg ${text.replace(/\s+/g, ' ').trim().slice(0, 70)}`, result);
    return result;
  };
  const { Redis } = require('ioredis');
  const scripts = new Map(); // sha -> the name it was defined under (BullMQ's and ours)
  const sendCommand = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function tracedSend(command, stream) {
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
  process.exit = (code) => {
    fs.mkdirSync(dir, { recursive: true });
    const rows = [...stats].map(([key, s]) => ({ key, ...s, meanMs: s.totalMs / s.count })).sort((a, b) => b.totalMs - a.totalMs);
    fs.writeFileSync(path.join(dir, `${path.basename(process.argv[1] ?? 'node', '.js')}-${process.pid}.io.json`), JSON.stringify(rows, null, 2));
    return previous.call(process, code);
  };
}
