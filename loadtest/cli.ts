// `npm run loadtest -- --target v1|v2|both ...`: a flash-sale spike against v1 and/or v2, then an
// audit of every sale; exits non-zero when an audit fails. Usage: --help, or docs/loadtest.md.
import fs from 'node:fs';
import { runMain } from '@flashfast/shared/platform/run-main';
import { parseOptions, UsageError } from './lib/args';
import { trustAuthority } from './lib/http';
import { runLoadtest } from './lib/run';
import { formatAudit } from './lib/audit';
import { renderConsole } from './lib/console';
import { writeReport, type ReportedRun } from './lib/report';

// The environment is read here once and handed to lib/args.ts, where every setting is checked.
const env = process.env;
const out = (text: string): boolean => process.stdout.write(`${text}\n`);
const note = (text: string): boolean => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}${text}\n`);

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    note(`${error.message}\n(npm run loadtest -- --help for the options)`);
    return 2;
  }
  if ('help' in options) {
    out(options.usage);
    return 0;
  }
  if (options.caFile) {
    try {
      trustAuthority(fs.readFileSync(options.caFile, 'utf8'));
    } catch (error) {
      note(`--ca ${options.caFile}: ${(error as Error).message}`);
      return 2;
    }
  }
  const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  // The settings taken from the environment belong to the command too; secrets are not written.
  const fromEnv = ['JWT_SECRET', 'DATABASE_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD']
    .filter((name) => !options.local && env[name])
    .map((name) => `${name}=${/SECRET|PASSWORD/.test(name) ? '<secret>' : quote(env[name]!)} `)
    .join('');
  const command = `${fromEnv}npm run loadtest -- ${process.argv.slice(2).map(quote).join(' ')}`;
  const results: ReportedRun & { ok: boolean } = { ...(await runLoadtest(options, { log: note, env, signal: interrupt.signal })), command };
  out('');
  out(renderConsole(results));
  for (const [version, run] of Object.entries(results.targets)) if (run) out(`\n${formatAudit(version, run.audit)}`);
  if (options.reportDir) {
    const files = await writeReport(results, { dir: options.reportDir, markdownFile: options.reportMarkdown });
    out(`\nreport: ${files.join(', ')}`);
  }
  if (interrupt.signal.aborted) return 130;
  return results.ok ? 0 : 1;
}

const UNTRUSTED_CERTIFICATE = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);

const interrupt = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // Stops sending and waiting; the run then stops its local stack. A second signal exits at once.
  process.on(signal, () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
    note(`${signal}: stopping (again to exit at once)`);
  });
}

runMain(main, {
  report: (error) => {
    note(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const failure = error as { code?: string; cause?: { code?: string } } | undefined;
    if (UNTRUSTED_CERTIFICATE.has(failure?.code ?? failure?.cause?.code ?? '')) {
      note("the server's certificate is not trusted here: give its authority with --ca FILE (npm run cluster -- --tls: .cluster/tls/ca.pem)");
    }
  },
});
