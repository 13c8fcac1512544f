import type { Request, RequestHandler } from 'express';
import { AppError } from '../platform/app-error';
import type { Authenticator } from '../auth/authenticator';
import type { Principal, Role } from '../auth/tokens';

const BEARER = /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/;

/**
 * Rejects the request unless it carries a valid token that was not logged out, of an account that
 * still exists; the roles, if given, must include the account's role now (not the token's).
 */
export function requireAuth(auth: Pick<Authenticator, 'authenticate'>, ...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const match = BEARER.exec(req.headers.authorization ?? '');
    if (!match) throw new AppError('UNAUTHENTICATED', 'missing or malformed Authorization header');
    req.principal = auth.authenticate(match[1]!);
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
