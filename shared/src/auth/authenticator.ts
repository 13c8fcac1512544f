import { AppError } from '../platform/app-error';
import type { Config } from '../platform/config';
import { createDb } from '../platform/db';
import type { Logger } from '../platform/logger';
import { createRedis, type Redis } from '../platform/redis';
import type { Queryable } from '../platform/db';
import { insertTokenRevocation } from './auth-changes.repository';
import { RevocationFeed } from './revocation-feed';
import { RevocationList } from './revocation-list';
import { tokenLifetimeSeconds, verifyToken, type Principal } from './tokens';

/** Room for clocks that disagree between the API hosts and PostgreSQL. */
const CLOCK_SKEW_SECONDS = 300;

/**
 * Turns a bearer token into the principal it may act as now, on every route and every instance:
 * its signature and age (tokens.ts), then this process's RevocationList, which a RevocationFeed
 * keeps at most AUTH_MAX_STALENESS_MS behind PostgreSQL. No I/O per request.
 */
export interface Authenticator {
  /** Synchronous: a 401 for a bad, removed or logged-out token, a 503 if the revocations are too stale to tell. */
  authenticate(token: string): Principal;
  /** Logs this token out for the rest of its life, on every instance; refused here once this resolves. */
  revoke(principal: Principal): Promise<void>;
  /** After this process changed an account's role: applied here once this resolves, announced to the others. */
  accountsChanged(): Promise<void>;
  close(): Promise<void>;
}

type AuthConfig = Pick<
  Config,
  | 'JWT_SECRET'
  | 'JWT_EXPIRES_IN'
  | 'DATABASE_URL'
  | 'DATABASE_STATEMENT_TIMEOUT_MS'
  | 'REDIS_URL'
  | 'REDIS_KEY_PREFIX'
  | 'AUTH_REFRESH_MS'
  | 'AUTH_MAX_STALENESS_MS'
>;

export async function startAuthenticator(
  deps: { config: AuthConfig; logger: Logger; db: Queryable; redis: Redis },
  processName: string,
): Promise<Authenticator> {
  const { config } = deps;
  const keepSeconds = tokenLifetimeSeconds(config) + CLOCK_SKEW_SECONDS;
  const list = new RevocationList(keepSeconds * 1000);
  const feed = new RevocationFeed({
    list,
    db: createDb({ DATABASE_URL: config.DATABASE_URL, DATABASE_POOL_SIZE: 1, DATABASE_STATEMENT_TIMEOUT_MS: config.DATABASE_STATEMENT_TIMEOUT_MS }, `${processName}-auth`),
    subscriber: createRedis(config, `${processName}-auth-sub`, { subscriber: true }),
    publisher: deps.redis,
    channel: `${config.REDIS_KEY_PREFIX}auth-changes`,
    refreshMs: config.AUTH_REFRESH_MS,
    keepSeconds,
    logger: deps.logger,
  });
  try {
    await feed.start();
  } catch (error) {
    await feed.close();
    throw error;
  }

  // The change is committed: if this read fails, the next poll applies it (or the process goes stale and refuses).
  const changed = async () => {
    await feed.refresh().catch(() => undefined);
    feed.announce();
  };
  return {
    authenticate: (token) => {
      const principal = verifyToken(config, token);
      if (feed.ageMs > config.AUTH_MAX_STALENESS_MS) {
        throw new AppError('UNAVAILABLE', 'cannot confirm that this token is still valid, try again shortly', { retryAfterSeconds: 2 });
      }
      return list.check(principal);
    },
    revoke: async (principal) => {
      await insertTokenRevocation(deps.db, { userId: principal.userId, tokenId: principal.tokenId, expiresAtSeconds: principal.expiresAt });
      // A revocation is never undone, so applying it here at once cannot race a later change.
      list.apply([{ userId: principal.userId, role: null, tokenId: principal.tokenId, tokenExpiresAtMs: principal.expiresAt * 1000, changedAtMs: Date.now() }]);
      await changed();
    },
    accountsChanged: changed,
    close: () => feed.close(),
  };
}
