import { ConfigError } from './config';

/** What a program exits with when its configuration is bad (sysexits' EX_CONFIG): no restart cures it. */
export const EXIT_CONFIG = 78;

/**
 * Runs a program's start-up; a failure is printed as one plain message (every bad key at once for a
 * configuration) and the process exits non-zero: 78 for a bad configuration, which the supervisor
 * of `npm start` and `npm run cluster` does not restart, 1 for anything else.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(error instanceof ConfigError ? EXIT_CONFIG : 1);
  });
}
