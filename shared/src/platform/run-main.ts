import { ConfigError } from './config';

/** What a program exits with when its configuration is bad (sysexits' EX_CONFIG): no restart cures it. */
export const EXIT_CONFIG = 78;

const printMessage = (error: unknown): void => console.error(error instanceof Error ? error.message : error);

/**
 * Runs a program's main, the one frame of every entry point (servers, CLIs, tools). A failure is
 * reported (by default as one plain message: every bad key at once for a configuration; a tool
 * may print more) and the process exits non-zero: 78 for a bad configuration, which the
 * supervisor of `npm start` and `npm run cluster` does not restart, 1 for anything else. A main
 * that resolves to a number (a tool's verdict) exits with it once nothing is left to run.
 */
export function runMain(main: () => Promise<void | number>, { report = printMessage }: { report?: (error: unknown) => void } = {}): void {
  main().then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: unknown) => {
      report(error);
      process.exit(error instanceof ConfigError ? EXIT_CONFIG : 1);
    },
  );
}
