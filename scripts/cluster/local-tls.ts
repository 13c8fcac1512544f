// The local certificate authority of `npm run cluster -- --tls` and the e2e tests: made (or kept,
// while valid) by scripts/make-local-tls.sh with Debian's openssl.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../lib/entry-points';
import type { LocalAuthority } from './cluster-types';

/**
 * Makes sure `dir` holds a local authority and a certificate for localhost/127.0.0.1/::1 signed by
 * it; returns their paths. openssl is installed first if the machine lacks it.
 */
export function ensureLocalAuthority(dir: string): LocalAuthority {
  execFileSync(path.join(ROOT, 'scripts/install-system-deps.sh'), ['openssl'], { stdio: ['ignore', 'inherit', 'inherit'] });
  execFileSync(path.join(ROOT, 'scripts/make-local-tls.sh'), [dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  return { caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, 'localhost.pem'), keyFile: path.join(dir, 'localhost.key') };
}

