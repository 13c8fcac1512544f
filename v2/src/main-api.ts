import { closeDeps, createDeps, createRedis, ensureAdmin, listen, loadConfig, onShutdownSignal } from '@flashfast/shared';
import { createApp } from './app';
import { ioBroadcaster } from './realtime/io-broadcaster';
import { createSocketServer } from './realtime/socket-server';
import { createApiServices } from './services';

/** `npm run start:v2`: the queued-purchase API with Socket.io on the same port. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, { PORT: '3002' });
  const deps = await createDeps(config, 'v2');
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    await ensureAdmin(deps, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
  }
  const services = createApiServices(deps);
  const pub = createRedis(config, 'v2-socket-pub');
  const sub = createRedis(config, 'v2-socket-sub');
  // The HTTP server exists before the app so that Socket.io and Express share the port.
  const realtime: { io?: ReturnType<typeof createSocketServer> } = {};
  const app = createApp(deps, services, ioBroadcaster(() => realtime.io));
  const server = await listen(app, config.PORT, config.HOST);
  const io = (realtime.io = createSocketServer(deps, server.server, pub, sub));
  deps.logger.info({ port: server.port }, 'v2 listening');

  onShutdownSignal(deps.logger, async () => {
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await server.close();
    await services.close();
    await Promise.allSettled([pub.quit(), sub.quit()]);
    await closeDeps(deps);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
