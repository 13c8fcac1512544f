import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  purchases: Counter<'version' | 'outcome'>;
  refusedInProcess: Counter<'version' | 'outcome'>;
  purchasesDeciding: Gauge;
  purchaseBatchSize: Histogram;
  purchaseBatchRecoveries: Counter<'recovery'>;
}

export function createMetrics(processName: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ process: processName });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    purchases: new Counter({
      name: 'flashfast_purchases_total',
      help: 'Purchase decisions by outcome (confirmed or an error code)',
      labelNames: ['version', 'outcome'],
      registers: [registry],
    }),
    refusedInProcess: new Counter({
      name: 'flashfast_purchases_refused_in_process_total',
      help: 'Purchases refused from the process memory of sold-out, ended or inactive sales (no database, no Redis)',
      labelNames: ['version', 'outcome'],
      registers: [registry],
    }),
    purchasesDeciding: new Gauge({
      name: 'flashfast_purchases_deciding',
      help: "v1: purchases waiting for their sale's batch or being decided in it",
      registers: [registry],
    }),
    purchaseBatchSize: new Histogram({
      name: 'flashfast_purchase_batch_size',
      help: 'v1: purchases of one sale decided in one transaction',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers: [registry],
    }),
    purchaseBatchRecoveries: new Counter({
      name: 'flashfast_purchase_batch_recoveries_total',
      help: 'v1: batches whose transaction failed, by how their purchases were then decided',
      labelNames: ['recovery'],
      registers: [registry],
    }),
  };
}
