// pgbench runs of a generated script against the bench database: the ceiling without Node.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const number = (output: string, pattern: RegExp): number | null => {
  const match = pattern.exec(output);
  return match ? Number(match[1]) : null;
};

/** On a shared server other clients may hold every connection for a moment: wait and try again (3 times). */
async function runWithRoom<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= 3 || !/too many clients/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
    }
  }
}

/** Runs `script` with -M prepared (parse and plan once per connection) and returns its figures. */
export interface PgbenchRun {
  clients: number;
  threads: number;
  seconds: number;
  tps: number | null;
  latencyAvgMs: number | null;
  transactions: number | null;
  failed: number | null;
}

export interface PgbenchSpec {
  pgbench: string;
  databaseUrl: string;
  script: string;
  clients: number;
  seconds: number;
  /** -D name=value for the script. */
  variables: Record<string, string | number>;
}

export async function runPgbench({ pgbench, databaseUrl, script, clients, seconds, variables }: PgbenchSpec): Promise<PgbenchRun> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flashfast-pgbench-'));
  const file = path.join(dir, 'purchase.pgbench');
  try {
    await fs.writeFile(file, script);
    const threads = Math.min(clients, os.availableParallelism());
    const args: Array<string | number> = ['-n', '-M', 'prepared', '-c', clients, '-j', threads, '-T', seconds, '-f', file];
    for (const [name, value] of Object.entries(variables)) args.push('-D', `${name}=${value}`);
    args.push(databaseUrl);
    const output = await runWithRoom(() =>
      new Promise<string>((resolve, reject) => {
        execFile(pgbench, args.map(String), { timeout: (seconds + 30) * 1000 }, (error, stdout, stderr) => {
          if (error) reject(new Error(`pgbench failed (${error.code ?? error.signal}): ${stderr || stdout}`));
          else resolve(`${stdout}\n${stderr}`);
        });
      }),
    );
    return {
      clients,
      threads,
      seconds,
      tps: number(output, /^tps = ([\d.]+) \(without initial connection time\)/m),
      latencyAvgMs: number(output, /^latency average = ([\d.]+) ms/m),
      transactions: number(output, /^number of transactions actually processed: (\d+)/m),
      failed: number(output, /^number of failed transactions: (\d+)/m),
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

