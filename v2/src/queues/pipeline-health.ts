import { Gauge, type Registry } from 'prom-client';
import type { Deps } from '@flashfast/shared';
import { countDeadLetters, oldestUndecidedSeconds, type DeadLetterCounts } from './dead-letters.repository';
import { liveWorkers } from './worker-heartbeats';

/** Is anything deciding the accepted purchases? What queue health and the metrics show. */
export interface PipelineHealth {
  workersAlive: number;
  workers: string[];
  oldestUndecidedSeconds: number;
  deadLetters: DeadLetterCounts;
}

export async function readPipelineHealth(deps: Pick<Deps, 'db' | 'redis' | 'config'>): Promise<PipelineHealth> {
  const [workers, oldest, deadLetters] = await Promise.all([
    liveWorkers(deps.redis, deps.config.REDIS_KEY_PREFIX, deps.config.WORKER_HEARTBEAT_MS),
    oldestUndecidedSeconds(deps.db),
    countDeadLetters(deps.db),
  ]);
  return { workersAlive: workers.length, workers, oldestUndecidedSeconds: oldest, deadLetters };
}

const NO_WORKER_WARN_EVERY_MS = 30_000;

/** One gauge per registry, whoever asks first (several apps may share one process's metrics in tests). */
function gauge(registry: Registry, name: string, help: string, labelNames: string[] = []): Gauge {
  return (registry.getSingleMetric(name) as Gauge | undefined) ?? new Gauge({ name, help, labelNames, registers: [registry] });
}

export interface PipelineWatch {
  stop(): void;
}

/**
 * The v2 API's watch over the pipeline: it reads the health every two heartbeats, feeds the
 * gauges (flashfast_workers_alive, flashfast_oldest_undecided_request_seconds,
 * flashfast_dead_letters{cause}) and logs a warning, every 30 s, while no worker is alive:
 * purchases are still accepted (202) but nobody decides them.
 */
export function watchPipeline(deps: Pick<Deps, 'db' | 'redis' | 'config' | 'logger' | 'metrics'>): PipelineWatch {
  const { registry } = deps.metrics;
  const workers = gauge(registry, 'flashfast_workers_alive', 'Workers whose heartbeat is recent');
  const oldest = gauge(registry, 'flashfast_oldest_undecided_request_seconds', 'Age of the oldest accepted, undecided purchase request');
  const dead = gauge(registry, 'flashfast_dead_letters', 'Dead-lettered purchase requests by cause', ['cause']);
  let lastWarn = 0;

  const check = async () => {
    const health = await readPipelineHealth(deps);
    workers.set(health.workersAlive);
    oldest.set(health.oldestUndecidedSeconds);
    for (const [cause, count] of Object.entries(health.deadLetters)) dead.set({ cause }, count);
    if (health.workersAlive > 0) {
      if (lastWarn > 0) deps.logger.info({ workers: health.workers }, 'a worker is alive again: purchases are being decided');
      lastWarn = 0;
    } else if (Date.now() - lastWarn >= NO_WORKER_WARN_EVERY_MS) {
      lastWarn = Date.now();
      deps.logger.warn({ oldestUndecidedSeconds: health.oldestUndecidedSeconds }, 'no worker is alive: accepted purchases are not being decided');
    }
  };
  const timer = setInterval(() => {
    // A dependency down is reported elsewhere; the gauges keep their last values meanwhile.
    check().catch(() => undefined);
  }, deps.config.WORKER_HEARTBEAT_MS * 2);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
