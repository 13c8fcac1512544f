import { Router } from 'express';
import { z } from 'zod';
import { parseInput, requireAuth, type Deps } from '@flashfast/shared';
import type { ApiServices, Broadcaster } from '../services';
import { readPipelineHealth } from '../queues/pipeline-health';
import { discardDeadLetter, replayDeadLetter } from './dead-letters';

const requestParams = z.strictObject({ requestId: z.uuid() });
const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** Queue health and the dead-letter queue, for admins. */
export function adminQueuesRoutes(deps: Deps, services: ApiServices, broadcaster: Broadcaster): Router {
  const router = Router();
  router.use(requireAuth(deps.auth, 'admin'));
  const { purchases, deadLetters } = services.queues;

  router.get('/', async (_req, res) => {
    const counts = await purchases.getJobCounts('waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed');
    const dead = await deadLetters.getJobCounts('waiting');
    const health = await readPipelineHealth(deps);
    res.json({
      queue: purchases.name,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      delayed: counts.delayed ?? 0,
      deadLettered: dead.waiting ?? 0,
      // From the heartbeats and PostgreSQL: is anything deciding, how long has the oldest waited.
      workersAlive: health.workersAlive,
      workers: health.workers,
      oldestUndecidedSeconds: health.oldestUndecidedSeconds,
      deadLettersByCause: health.deadLetters,
    });
  });

  router.get('/dead-letters', async (req, res) => {
    const { limit } = parseInput(listQuery, req.query, 'query');
    const jobs = await deadLetters.getJobs(['waiting'], 0, limit - 1, true);
    res.json({ items: jobs.map((job) => job.data), nextCursor: null });
  });

  router.post('/dead-letters/:requestId/replay', async (req, res) => {
    const { requestId } = parseInput(requestParams, req.params, 'params');
    res.json(await replayDeadLetter(deps, services, requestId));
  });

  router.post('/dead-letters/:requestId/discard', async (req, res) => {
    const { requestId } = parseInput(requestParams, req.params, 'params');
    res.json(await discardDeadLetter(deps, services, broadcaster, requestId));
  });

  return router;
}
