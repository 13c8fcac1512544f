import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../platform/app-error';
import type { Deps } from '../platform/deps';
import { principalOf, requireAuth } from '../http/authenticate';
import { decodeCursor, pageQuery } from '../http/pagination';
import { parseInput } from '../http/validate';
import { idParams } from '../products/product.schema';
import { findOrder, listOrders } from './orders.repository';

export function ordersRoutes(deps: Deps): Router {
  const router = Router();
  router.use(requireAuth(deps.auth));
  const listQuery = z.strictObject({
    ...pageQuery(deps.config.PAGE_SIZE_MAX),
    userId: z.uuid().optional(),
    eventId: z.uuid().optional(),
  });

  router.get('/', async (req, res) => {
    const principal = principalOf(req);
    const query = parseInput(listQuery, req.query, 'query');
    res.json(
      await listOrders(deps.db, {
        limit: query.limit,
        after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
        // A customer only ever sees their own orders, whatever userId they ask for.
        userId: principal.role === 'admin' ? query.userId : principal.userId,
        eventId: query.eventId,
      }),
    );
  });

  router.get('/:id', async (req, res) => {
    const principal = principalOf(req);
    const { id } = parseInput(idParams, req.params, 'params');
    const order = await findOrder(deps.db, id, principal.role === 'admin' ? undefined : principal.userId);
    if (!order) throw notFound('order');
    res.json({ order });
  });

  return router;
}
