import { closeDeps, createDeps, ensureAdmin, installProcessGuards, listen, loadConfig, onShutdownSignal } from '@flashfast/shared';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  // v1 decides purchases in PostgreSQL alone: it starts, and stays ready, without Redis.
  const deps = await createDeps(config, 'v1', {}, { redisOptional: true });
  installProcessGuards(deps.logger);
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    await ensureAdmin(deps, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
  }
  const server = await listen(createApp(deps), config.PORT, config.HOST, config);
  deps.logger.info({ port: server.port }, 'v1 listening');
  onShutdownSignal(deps.logger, async () => {
    await server.close();
    await closeDeps(deps);
  }, config.SHUTDOWN_TIMEOUT_MS);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
