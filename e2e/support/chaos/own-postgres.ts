import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, processTree, runAsServerUser, runAsServerUserNow, serverDirectory, signalAll } from './host-processes';

/**
 * A PostgreSQL of the test's own (Debian's initdb and pg_ctl from `pg_config --bindir`, as the
 * `postgres` user, in a temporary directory, on a free port), so that it can be restarted,
 * paused and stopped without touching the machine's shared server. fsync is off: the faults
 * here crash PostgreSQL, never the machine, and committed data survives them either way.
 */
export interface OwnPostgres {
  port: number;
  url(database: string): string;
  /** `pg_ctl restart -m immediate`: a crash, then recovery; resolves once it accepts connections. */
  restartImmediately(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP to the postmaster and every backend: connections stay open, nothing answers. */
  pause(): void;
  resume(): void;
  destroy(): Promise<void>;
  /** Stops it at once, blocking (a test process exiting without its clean-up). */
  stopNow(): void;
}

const bin = (tool: string) => path.join(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim(), tool);

export async function startOwnPostgres(baseDir: string): Promise<OwnPostgres> {
  const dir = serverDirectory(path.join(baseDir, 'postgres'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  const port = await freePort();
  await runAsServerUser(bin('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const pgCtl = (...args: string[]) => runAsServerUser(bin('pg_ctl'), ['-D', data, '-w', '-t', '60', ...args], { timeoutMs: 90_000 });
  const start = async () => void (await pgCtl('-l', log, '-o', options, 'start'));
  const postmaster = () => Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let paused: number[] = [];

  await start();
  const server: OwnPostgres = {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    restartImmediately: async () => void (await pgCtl('-l', log, '-o', options, '-m', 'immediate', 'restart')),
    stop: async () => void (await pgCtl('-m', 'immediate', 'stop')),
    start,
    pause: () => {
      paused = processTree(postmaster());
      signalAll(paused, 'SIGSTOP');
    },
    resume: () => {
      signalAll(paused, 'SIGCONT');
      paused = [];
    },
    stopNow: () => {
      signalAll(paused, 'SIGCONT');
      runAsServerUserNow(bin('pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
    },
    destroy: async () => {
      signalAll(paused, 'SIGCONT');
      await pgCtl('-m', 'immediate', 'stop').catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
