import {
  closeDeps,
  createDeps,
  ensureConfiguredAdmin,
  installProcessGuards,
  listen,
  loadConfig,
  onShutdownSignal,
  runMain,
} from '@flashfast/shared';
import { createApp } from './app';
import { watchPipeline } from './queues/pipeline-health';
import { createAdapterConnections } from './realtime/adapter-connections';
import { ioBroadcaster } from './realtime/io-broadcaster';
import { createSocketServer } from './realtime/socket-server';
import { createApiServices } from './services';

/** `npm run start:v2`: the queued-purchase API with Socket.io on the same port. */
async function main(): Promise<void> {
  const config = loadConfig(undefined, { PORT: '3002' });
  const deps = await createDeps(config, 'v2');
  installProcessGuards(deps.logger);
  await ensureConfiguredAdmin(deps, config);
  const services = createApiServices(deps);
  const adapter = createAdapterConnections(config, 'v2');
  // The HTTP server exists before the app so that Socket.io and Express share the port.
  const realtime: { io?: ReturnType<typeof createSocketServer> } = {};
  const app = createApp(deps, services, ioBroadcaster(() => realtime.io));
  const server = await listen(app, config.PORT, config.HOST, config);
  const io = (realtime.io = createSocketServer(deps, server.server, adapter.pub, adapter.sub));
  const pipeline = watchPipeline(deps);
  deps.logger.info({ port: server.port }, 'v2 listening');

  onShutdownSignal(
    deps.logger,
    async () => {
      pipeline.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await server.close();
      await services.close();
      await adapter.close();
      await closeDeps(deps);
    },
    config.SHUTDOWN_TIMEOUT_MS,
  );
}

runMain(main);
