import { closeDeps, createDeps, ensureConfiguredAdmin, installProcessGuards, listen, loadConfig, onShutdownSignal, runMain } from '@flashfast/shared';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  // v1 decides purchases in PostgreSQL alone: it starts, and stays ready, without Redis.
  const deps = await createDeps(config, 'v1', {}, { redisOptional: true });
  installProcessGuards(deps.logger);
  await ensureConfiguredAdmin(deps, config);
  const server = await listen(createApp(deps), config.PORT, config.HOST, config);
  deps.logger.info({ port: server.port }, 'v1 listening');
  onShutdownSignal(deps.logger, async () => {
    await server.close();
    await closeDeps(deps);
  }, config.SHUTDOWN_TIMEOUT_MS);
}

runMain(main);
