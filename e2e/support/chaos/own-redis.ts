import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { exited, freePort, spawn, waitFor } from './host-processes';
import type { ChildProcess } from 'node:child_process';

/** A Redis of the test's own, with AOF (fsync every second, as in production), on a free port. */
export interface OwnRedis {
  port: number;
  url: string;
  /** `kill -9`: whatever AOF had not written is lost. */
  kill(): Promise<void>;
  /** Starts again on the same port, from the AOF on disk; `empty` deletes it first. */
  start(options?: { empty?: boolean }): Promise<void>;
  destroy(): Promise<void>;
  /** Kills it at once (a test process exiting without its clean-up). */
  stopNow(): void;
}

/** True when Redis answers PING with PONG (not LOADING while it replays its AOF). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

export async function startOwnRedis(baseDir: string): Promise<OwnRedis> {
  const dir = path.join(baseDir, 'redis');
  const data = path.join(dir, 'data');
  fs.mkdirSync(data, { recursive: true });
  const port = await freePort();
  const log = fs.openSync(path.join(dir, 'server.log'), 'a');
  let child: ChildProcess | undefined;

  const start = async ({ empty = false } = {}) => {
    if (empty) fs.rmSync(data, { recursive: true, force: true });
    fs.mkdirSync(data, { recursive: true });
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', data, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction'],
      { stdio: ['ignore', log, log] },
    );
    await waitFor(`Redis on port ${port}`, () => ping(port), 30_000);
  };
  const kill = async () => {
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
    child = undefined;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    stopNow: () => child?.kill('SIGKILL'),
    destroy: async () => {
      await kill();
      fs.closeSync(log);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
