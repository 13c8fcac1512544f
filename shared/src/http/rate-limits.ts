import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { RedisOrMemoryStore } from './redis-or-memory-store';
import { AppError } from '../platform/app-error';
import type { Deps } from '../platform/deps';

interface LimiterOptions {
  name: string;
  max: number;
  key: (req: Request) => string;
}

/**
 * A fixed-window limiter whose counters live in Redis, so the limit holds across all instances;
 * while Redis is unreachable, each instance counts in its own memory (RedisOrMemoryStore).
 */
function redisLimiter(deps: Pick<Deps, 'redis' | 'config'>, options: LimiterOptions): RequestHandler {
  return rateLimit({
    windowMs: deps.config.RATE_LIMIT_WINDOW_MS,
    limit: options.max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: options.key,
    store: new RedisOrMemoryStore(
      deps.redis,
      new RedisStore({
        prefix: `${deps.config.REDIS_KEY_PREFIX}rl:${options.name}:`,
        sendCommand: (command: string, ...args: string[]) => deps.redis.call(command, ...args) as Promise<RedisReply>,
      }),
    ),
    handler: (req, _res, next) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : 60;
      next(new AppError('RATE_LIMITED', 'too many requests, slow down', { retryAfterSeconds: seconds }));
    },
  });
}

/** Login and registration per client address: slows down password guessing. */
export const authRateLimit = (deps: Pick<Deps, 'redis' | 'config'>): RequestHandler =>
  redisLimiter(deps, {
    name: 'auth',
    max: deps.config.RATE_LIMIT_AUTH_MAX,
    key: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
  });

/** Purchases per authenticated user: one account cannot flood the sale. Mount after requireAuth. */
export const purchaseRateLimit = (deps: Pick<Deps, 'redis' | 'config'>): RequestHandler =>
  redisLimiter(deps, {
    name: 'purchase',
    max: deps.config.RATE_LIMIT_PURCHASE_MAX,
    key: (req) => req.principal?.userId ?? ipKeyGenerator(req.ip ?? 'unknown'),
  });
