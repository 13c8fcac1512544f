import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../scripts/cluster/index';

/**
 * A HOME of its own for a browser that trusts `ca` as a user would make it: the authority added to
 * the NSS database chromium reads on Linux (~/.pki/nssdb), with Debian's certutil. Nothing of the
 * machine's own trust changes. Returns the directory; remove it afterwards.
 */
export function homeTrusting(ca: string): string {
  execFileSync(path.join(ROOT, 'scripts/install-system-deps.sh'), ['certutil'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'flashfast-browser-home-'));
  const nssdb = path.join(home, '.pki/nssdb');
  fs.mkdirSync(nssdb, { recursive: true });
  const caFile = path.join(home, 'local-ca.pem');
  fs.writeFileSync(caFile, ca);
  execFileSync('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password']);
  // C,,: a certificate authority trusted to issue server certificates (not mail, not code).
  execFileSync('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'FlashFast local CA', '-i', caFile]);
  return home;
}
