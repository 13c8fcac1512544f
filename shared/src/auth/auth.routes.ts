import { Router } from 'express';
import { AppError } from '../platform/app-error';
import type { Deps } from '../platform/deps';
import { principalOf, requireAuth } from '../http/authenticate';
import { authRateLimit } from '../http/rate-limits';
import { parseInput } from '../http/validate';
import { loginBody, registerBody } from './auth.schema';
import { logIn } from './log-in';
import { registerUser } from './register-user';
import { findUserById } from './users.repository';

export function authRoutes(deps: Deps): Router {
  const router = Router();
  const limitByAddress = authRateLimit(deps);

  router.post('/register', limitByAddress, async (req, res) => {
    const session = await registerUser(deps, parseInput(registerBody, req.body, 'body'));
    req.log.info({ userId: session.user.id }, 'user registered');
    res.status(201).json(session);
  });

  router.post('/login', limitByAddress, async (req, res) => {
    res.json(await logIn(deps, parseInput(loginBody, req.body, 'body')));
  });

  router.get('/me', requireAuth(deps.auth), async (req, res) => {
    const user = await findUserById(deps.db, principalOf(req).userId);
    // A valid token for a deleted user: the token no longer names anyone, so it is not valid.
    if (!user) throw new AppError('UNAUTHENTICATED', 'this account no longer exists');
    res.json({ user });
  });

  // Revokes the token that came with the request, and only that one (the account's other sessions stay).
  router.post('/logout', requireAuth(deps.auth), async (req, res) => {
    const principal = principalOf(req);
    await deps.auth.revoke(principal);
    req.log.info({ userId: principal.userId }, 'logged out');
    res.status(204).end();
  });

  return router;
}
