import type { Request, RequestHandler } from 'express';
import { AppError } from '../platform/app-error';
import type { Config } from '../platform/config';
import { verifyToken, type Principal, type Role } from '../auth/tokens';

const BEARER = /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/;

/** Rejects the request unless it carries a valid token; the roles, if given, must include the caller's. */
export function requireAuth(config: Pick<Config, 'JWT_SECRET'>, ...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const match = BEARER.exec(req.headers.authorization ?? '');
    if (!match) throw new AppError('UNAUTHENTICATED', 'missing or malformed Authorization header');
    req.principal = verifyToken(config, match[1]!);
    if (roles.length > 0 && !roles.includes(req.principal.role)) {
      throw new AppError('FORBIDDEN', 'your role may not do this');
    }
    next();
  };
}

/** The authenticated caller; only valid behind requireAuth. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new AppError('UNAUTHENTICATED', 'authentication required');
  return req.principal;
}
