import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../platform/deps';
import { emailSchema } from '../auth/auth.schema';
import { principalOf, requireAuth } from '../http/authenticate';
import { decodeCursor, pageQuery } from '../http/pagination';
import { parseInput } from '../http/validate';
import { idParams } from '../products/product.schema';
import { changeRole } from './change-role';
import { listUsers } from './users.repository';

const roleSchema = z.enum(['customer', 'admin']);
const changeRoleBody = z.strictObject({ role: roleSchema });

/** Admins list accounts and set their role; nobody else may (403). */
export function usersRoutes(deps: Deps): Router {
  const router = Router();
  router.use(requireAuth(deps.auth, 'admin'));
  const listQuery = z.strictObject({
    ...pageQuery(deps.config.PAGE_SIZE_MAX),
    role: roleSchema.optional(),
    email: emailSchema.optional(),
  });

  router.get('/', async (req, res) => {
    const query = parseInput(listQuery, req.query, 'query');
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    res.json(await listUsers(deps.db, { limit: query.limit, after, role: query.role, email: query.email }));
  });

  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const { role } = parseInput(changeRoleBody, req.body, 'body');
    const user = await changeRole(deps, id, role);
    req.log.info({ userId: user.id, role, by: principalOf(req).userId }, 'role changed');
    res.json({ user });
  });

  return router;
}
