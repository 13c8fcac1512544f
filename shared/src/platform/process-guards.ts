import type { Logger } from './logger';
import { isDependencyFailure } from './dependency-failures';

const WARN_EVERY_MS = 5_000;

/**
 * Last-resort handlers. A dependency failure that nobody awaited (a fire-and-forget publish,
 * an 'error' event of a broken connection) leaves the process in a known state: it is logged,
 * at most every few seconds with a count, and the process carries on. Anything else means the
 * state is unknown: logged with its stack, then the process exits non-zero for its supervisor.
 */
export function installProcessGuards(logger: Logger): void {
  let suppressed = 0;
  let lastWarn = 0;
  const handle = (kind: string) => (error: unknown) => {
    if (isDependencyFailure(error)) {
      const now = Date.now();
      if (now - lastWarn < WARN_EVERY_MS) {
        suppressed += 1;
        return;
      }
      logger.warn({ err: error, kind, similarSinceLast: suppressed }, 'a dependency failed outside any request; carrying on');
      lastWarn = now;
      suppressed = 0;
      return;
    }
    logger.fatal({ err: error, kind }, 'unexpected failure, process state unknown: exiting');
    // pino writes synchronously to stdout by default, so the line is out before the exit.
    process.exit(1);
  };
  process.on('unhandledRejection', handle('unhandledRejection'));
  process.on('uncaughtException', handle('uncaughtException'));
}
