import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { dropTestDatabase, testDatabaseUrl } from '../../../shared/test/support/test-databases';

const INSTALL_SYSTEM_DEPS = path.resolve(__dirname, '../../../scripts/install-system-deps.sh');

/** Long enough for apt-get to fetch chromium on a fresh machine; instant when it is there. */
export const BROWSER_SETUP_TIMEOUT_MS = 15 * 60_000;

/**
 * Debian's chromium driven by playwright-core (which cannot download its own browsers here);
 * installed first if the machine lacks it. `env` replaces the browser's environment (a HOME
 * whose ~/.pki/nssdb trusts a local authority, say).
 */
export async function launchChromium({ env }: { env?: NodeJS.ProcessEnv } = {}): Promise<Browser> {
  execFileSync(INSTALL_SYSTEM_DEPS, ['chromium'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: BROWSER_SETUP_TIMEOUT_MS });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    env,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A database of its own for one test file run (created by the first createDeps), dropped afterwards. */
export function scratchDatabase(label: string): { url: string; drop(): Promise<void> } {
  const url = testDatabaseUrl(label);
  return { url, drop: () => dropTestDatabase(url) };
}
