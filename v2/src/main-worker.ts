import express from 'express';
import {
  closeDeps,
  createDeps,
  defaultReadinessChecks,
  errorHandler,
  installProcessGuards,
  listen,
  loadConfig,
  notFoundHandler,
  onShutdownSignal,
  opsRoutes,
  requestContext,
  runMain,
} from '@flashfast/shared';
import { startPurchaseWorker, type PurchaseWorker } from './workers/purchase-worker';

/** `npm run start:worker`: decides queued purchases; serves /healthz, /readyz and /metrics. */
async function main(): Promise<void> {
  const config = loadConfig(undefined, { PORT: '3003' });
  const deps = await createDeps(config, 'worker', { customPlans: true });
  installProcessGuards(deps.logger);
  const running: { purchaseWorker?: PurchaseWorker } = {};

  const ops = express();
  ops.use(requestContext(deps.logger, deps.metrics));
  ops.use(opsRoutes(deps, [...defaultReadinessChecks(deps), ['worker', async () => running.purchaseWorker?.worker.isRunning() || Promise.reject(new Error('stopped'))]]));
  ops.use(notFoundHandler);
  ops.use(errorHandler);
  const server = await listen(ops, config.PORT, config.HOST, config);

  // In place before the first job is taken: a SIGTERM at any moment after is a graceful stop, never
  // a kill in the middle of a job (the worker starts in the same tick, with no await in between).
  onShutdownSignal(deps.logger, async () => {
    await running.purchaseWorker?.close();
    await server.close();
    await closeDeps(deps);
  }, config.SHUTDOWN_TIMEOUT_MS);
  running.purchaseWorker = startPurchaseWorker(deps);
  deps.logger.info({ port: server.port, concurrency: config.WORKER_CONCURRENCY }, 'worker running');
}

runMain(main);
