import { Router } from 'express';
import { z } from 'zod';
import { AppError, notFound } from '../platform/app-error';
import type { Deps } from '../platform/deps';
import { requireAuth } from '../http/authenticate';
import { decodeCursor, pageQuery } from '../http/pagination';
import { parseInput } from '../http/validate';
import { createProductBody, idParams, updateProductBody } from './product.schema';
import { deleteProduct, findProduct, insertProduct, listProducts, updateProduct } from './products.repository';

export function productsRoutes(deps: Deps): Router {
  const router = Router();
  const admin = requireAuth(deps.auth, 'admin');
  const listQuery = z.strictObject(pageQuery(deps.config.PAGE_SIZE_MAX));

  router.get('/', async (req, res) => {
    const query = parseInput(listQuery, req.query, 'query');
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    res.json(await listProducts(deps.db, { limit: query.limit, after }));
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const product = await findProduct(deps.db, id);
    if (!product) throw notFound('product');
    res.json({ product });
  });

  router.post('/', admin, async (req, res) => {
    const body = parseInput(createProductBody, req.body, 'body');
    res.status(201).json({ product: await insertProduct(deps.db, body) });
  });

  router.patch('/:id', admin, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const body = parseInput(updateProductBody, req.body, 'body');
    const product = await updateProduct(deps.db, id, body);
    if (!product) throw notFound('product');
    res.json({ product });
  });

  router.delete('/:id', admin, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const deleted = await deleteProduct(deps.db, id).catch((error: { code?: string }) => {
      // Sales and orders keep a reference to the product: its history must survive.
      if (error.code === '23503') throw new AppError('PRODUCT_IN_USE', 'the product has flash sales or orders');
      throw error;
    });
    if (!deleted) throw notFound('product');
    res.status(204).end();
  });

  return router;
}
