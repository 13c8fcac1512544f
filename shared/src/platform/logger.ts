import pino, { type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/** The one root logger; requests and jobs log through children of it. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, name: string): Logger {
  return pino({
    name,
    level: config.LOG_LEVEL,
    redact: {
      paths: ['password', 'passwordHash', '*.password', '*.passwordHash', 'req.headers.authorization', 'token'],
      censor: '[redacted]',
    },
  });
}
