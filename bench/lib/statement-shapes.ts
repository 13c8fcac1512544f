// BENCH_V1_SHAPES=1 (bench:v1): the earlier comparison of statement shapes, which chose v1's single
// statement for a purchase: pgbench and node-postgres, one statement against a multi-statement
// transaction, at v1's pool size and at the HTTP connection count.
import { randomInt } from 'node:crypto';
import * as db from './database';
import { runPgbench } from './pgbench';
import { singleStatementScript, multiStatementScript } from './statements';
import { nodeVariants, runNodeVariant, type LoopRun } from './node-pg';
import type { PgbenchRun } from './pgbench';
import type { CpuUse } from '../../scripts/lib/machine';
import type { Settings } from './settings';
import type { Tally } from './report';

type Metered = <T>(work: () => Promise<T>) => Promise<T & { cpu: CpuUse }>;

export interface Shapes {
  pgbench: Array<PgbenchRun & { shape: string; cpu: CpuUse; tally: Tally }>;
  node: Array<LoopRun & { variant: string; cpu: CpuUse; tally: Tally }>;
}

/** The phases (sales) the comparison needs seeded. */
export const shapePhases = (): string[] => ['pgbench-single-pool', 'pgbench-single-64', 'pgbench-multi-pool', 'pgbench-multi-64', ...Object.keys(nodeVariants()).map((_, i) => `node-${i}`)];

/** `metered(work)` adds CPU figures; `tally(eventId)` checks a sale afterwards. */
export async function measureShapes({ settings, events, metered, tally }: { settings: Settings; events: Record<string, string>; metered: Metered; tally: (eventId: string) => Promise<Tally> }): Promise<Shapes> {
  const s = settings;
  const randomUser = () => db.userId(randomInt(1, s.users + 1));
  const pgbench: Shapes['pgbench'] = [];
  const scripts: Record<string, string> = { 'single statement': singleStatementScript(s.users), 'multi-statement': multiStatementScript(s.users) };
  for (const [shape, clients, phase] of <Array<[string, number, string]>>[
    ['single statement', s.poolSize, 'pgbench-single-pool'],
    ['single statement', s.connections, 'pgbench-single-64'],
    ['multi-statement', s.poolSize, 'pgbench-multi-pool'],
    ['multi-statement', s.connections, 'pgbench-multi-64'],
  ]) {
    const variables = { event_id: events[phase]!, quantity: 1 };
    const run = await metered(() => runPgbench({ pgbench: s.pgbench, databaseUrl: s.databaseUrl, script: scripts[shape]!, clients, seconds: s.pgbenchSeconds, variables }));
    pgbench.push({ shape, ...run, tally: await tally(events[phase]!) });
  }
  const node: Shapes['node'] = [];
  for (const [i, [name, variant]] of Object.entries(nodeVariants()).entries()) {
    const eventId = events[`node-${i}`]!;
    const options = { databaseUrl: s.databaseUrl, poolSize: s.poolSize, concurrency: s.connections, seconds: s.nodeSeconds };
    const run = await metered(() => runNodeVariant({ ...options, variant, eventId, randomUser }));
    node.push({ variant: `${name}, ${s.connections} callers, pool ${s.poolSize}`, ...run, tally: await tally(eventId) });
  }
  return { pgbench, node };
}

