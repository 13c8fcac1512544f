import { closeDeps, createDeps, ensureAdmin, listen, loadConfig, onShutdownSignal } from '@flashfast/shared';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const deps = await createDeps(config, 'v1');
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    await ensureAdmin(deps, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
  }
  const server = await listen(createApp(deps), config.PORT, config.HOST);
  deps.logger.info({ port: server.port }, 'v1 listening');
  onShutdownSignal(deps.logger, async () => {
    await server.close();
    await closeDeps(deps);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
