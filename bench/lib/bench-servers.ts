// The servers one benchmark run starts, and what it leaves behind: stopped, dropped and deleted
// on success, failure, Ctrl-C or SIGTERM (bench/lib/run-bench.ts calls cleanUp).
import { dropDatabase } from '../../scripts/lib/databases';
import { deleteKeys } from '../../scripts/lib/redis-keys';
import { startServer, stopServer, type Server, type ServerSpec } from '../../scripts/lib/servers';

export interface BenchServers {
  start(spec: ServerSpec): Promise<Server>;
  stop(server: Server): Promise<void>;
  /** Stops what is still running, drops the run's database and deletes its Redis keys; safe to call twice. */
  cleanUp(): Promise<void>;
}

export function benchServers(run: { adminUrl: string; database: string; redisUrl: string; redisPrefix: string }): BenchServers {
  const running = new Set<Server>();
  let cleaning: Promise<void> | undefined;
  const complain = (what: string) => (error: Error) => console.error(`${what}: ${error.message}`);
  const stop = async (server: Server) => {
    await stopServer(server);
    running.delete(server);
  };
  return {
    async start(spec) {
      const server = await startServer(spec);
      running.add(server);
      void server.process.ended.then(() => running.delete(server));
      return server;
    },
    stop,
    cleanUp: () =>
      (cleaning ??= (async () => {
        for (const server of running) await stop(server).catch(complain(`stopping ${server.name}`));
        await dropDatabase(run.adminUrl, run.database).catch(complain(`dropping ${run.database}`));
        await deleteKeys(run.redisUrl, run.redisPrefix).catch(complain(`cleaning Redis keys ${run.redisPrefix}*`));
      })()),
  };
}
