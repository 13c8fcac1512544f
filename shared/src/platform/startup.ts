import type { Logger } from './logger';
import { isDependencyFailure, redactUrl } from './dependency-failures';

/** A dependency as an operator knows it: which config key, which address. */
export interface DependencyAddress {
  name: string;
  key: string;
  url: string;
}

/** Start-up gave up on a dependency; its message is the one line a process prints before it exits. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const reason = (error: unknown) => (error instanceof Error ? error.message || error.name : String(error));

/**
 * Runs `attempt` until it succeeds, retrying with capped exponential backoff for `retryForMs`
 * (a dependency that starts after us, or restarts, is waited for), logging the key and the
 * address each time; then throws a StartupError naming both. Other failures (a bad password,
 * a broken migration) are not waited out: they are thrown at once.
 */
export async function untilReachable<T>(
  logger: Logger,
  dependency: DependencyAddress,
  retryForMs: number,
  attempt: () => Promise<T>,
): Promise<T> {
  const address = redactUrl(dependency.url);
  const deadline = Date.now() + retryForMs;
  for (let tries = 1, delay = 250; ; tries += 1, delay = Math.min(delay * 2, 5_000)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isDependencyFailure(error)) throw error;
      if (Date.now() + delay > deadline) {
        throw new StartupError(
          `cannot reach ${dependency.name} at ${address} (${dependency.key}) after ${tries} attempts over ${Math.round(retryForMs / 1000)} s: ${reason(error)}`,
        );
      }
      logger.warn({ key: dependency.key, address, attempt: tries, retryInMs: delay, reason: reason(error) }, `${dependency.name} is not reachable yet`);
      await sleep(delay);
    }
  }
}
