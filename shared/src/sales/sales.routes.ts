import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../platform/app-error';
import type { Deps } from '../platform/deps';
import { requireAuth } from '../http/authenticate';
import { decodeCursor, pageQuery } from '../http/pagination';
import { parseInput } from '../http/validate';
import { idParams } from '../products/product.schema';
import { createSale } from './create-sale';
import { createSaleBody, saleListFilters, updateSaleBody } from './sale.schema';
import { findSale, listSales, type FlashSaleEvent } from './sales.repository';
import { updateSale } from './update-sale';

export interface SaleHooks {
  /** Runs after a sale is created or changed; v2 loads its Redis stock counter here. */
  afterChange?: (sale: FlashSaleEvent) => Promise<void>;
}

export function salesRoutes(deps: Deps, hooks: SaleHooks = {}): Router {
  const router = Router();
  const admin = requireAuth(deps.auth, 'admin');
  const listQuery = z.strictObject({ ...pageQuery(deps.config.PAGE_SIZE_MAX), ...saleListFilters });

  router.get('/', async (req, res) => {
    const query = parseInput(listQuery, req.query, 'query');
    res.json(
      await listSales(deps.db, {
        limit: query.limit,
        after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
        openNow: query.active === undefined ? undefined : query.active === 'true',
        productId: query.productId,
      }),
    );
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const event = await findSale(deps.db, id);
    if (!event) throw notFound('flash-sale event');
    res.json({ event });
  });

  router.post('/', admin, async (req, res) => {
    const event = await createSale(deps, parseInput(createSaleBody, req.body, 'body'));
    await hooks.afterChange?.(event);
    req.log.info({ eventId: event.id, units: event.allocatedStock }, 'flash sale created');
    res.status(201).json({ event });
  });

  router.patch('/:id', admin, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const event = await updateSale(deps, id, parseInput(updateSaleBody, req.body, 'body'));
    await hooks.afterChange?.(event);
    // Switched on again, or its window moved: no process may go on refusing it from memory.
    await deps.soldOut.announce(id);
    res.json({ event });
  });

  return router;
}
