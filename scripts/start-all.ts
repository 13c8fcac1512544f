// `npm start`: v1, v2 and a worker for local use, each its own supervised process (a crash is
// restarted with backoff: scripts/lib/supervisor.ts), sharing one database. Their logs and ours
// are JSON lines on stdout. Outside production, a missing JWT_SECRET is generated here so that all
// three accept the same tokens; in production it must be given. One Ctrl-C (or SIGTERM) stops
// all gracefully; each exits 0, and so does this process.
import pino from 'pino';
import { loadConfig } from '@flashfast/shared/platform/config';
import { runMain } from '@flashfast/shared/platform/run-main';
import { programPath, type Program } from './lib/entry-points';
import { GENERATED_SECRET_WARNING, generatesSecret, launchSecret } from './lib/launch-secret';
import { supervise, stopOnSignals, describeExit, type LogEvent } from './lib/supervisor';
import { waitUntilReady } from './lib/wait-ready';

const logger = pino({ name: 'supervisor' });
const log: LogEvent = (level, message, fields) => logger[level](fields, message);

const generateSecret = generatesSecret(process.env);
const sharedEnv: NodeJS.ProcessEnv = generateSecret ? { JWT_SECRET: launchSecret(process.env) } : {};
const v2Port = process.env.V2_PORT ?? '3002';
// The shop page (v1, http://localhost:3001/) reaches v2 on its own port here; behind nginx it is one origin.
const v2Url = process.env.PUBLIC_V2_URL ?? `http://localhost:${v2Port}`;
const services: Array<{ name: string; program: Program; env: { PORT: string } & NodeJS.ProcessEnv }> = [
  { name: 'v1', program: 'v1', env: { PORT: process.env.V1_PORT ?? '3001', PUBLIC_V2_URL: v2Url } },
  { name: 'v2', program: 'v2', env: { PORT: v2Port } },
  { name: 'worker', program: 'worker', env: { PORT: process.env.WORKER_PORT ?? '3003' } },
];
const envOf = (service: (typeof services)[number]): NodeJS.ProcessEnv => ({ ...process.env, ...sharedEnv, ...service.env });

async function main(): Promise<void> {
  // The configuration is checked once here, so a bad one is reported once, not by each of the
  // three: runMain prints every bad key and exits 78 (EX_CONFIG).
  for (const service of services) loadConfig(envOf(service));
  if (generateSecret) log('warn', GENERATED_SECRET_WARNING, {});

  const children = services.map((service) =>
    Object.assign(supervise({ name: service.name, command: process.execPath, args: [programPath(service.program)], env: envOf(service), log }), {
      url: `http://localhost:${service.env.PORT}`,
    }),
  );

  let stopping = false;
  stopOnSignals(async (signal) => {
    stopping = true;
    log('info', `${signal}: stopping v1, v2 and the worker`, { signal });
    const results = await Promise.all(children.map((child) => child.stop()));
    const unclean = children.filter((_, i) => results[i] !== 0 && results[i] !== undefined);
    for (const child of unclean) log('error', `${child.name} did not stop cleanly`, { process: child.name });
    log('info', unclean.length === 0 ? 'stopped: every process exited 0' : 'stopped', {});
    return unclean.length === 0 ? 0 : 1;
  }, log);

  // Every process gone on its own (none left to restart): nothing is running, so neither are we.
  Promise.all(children.map((child) => child.ended)).then((results) => {
    if (stopping) return;
    log('error', `every process has ended (${results.map(describeExit).join(', ')})`, {});
    process.exit(results.every((result) => result === 0) ? 0 : 1);
  });

  Promise.all(children.map((child) => waitUntilReady(child, `${child.url}/readyz`, 120_000))).then(
    () =>
      log('info', `FlashFast is up: ${children.map((child) => `${child.name} ${child.url}`).join(', ')}; Ctrl-C stops all`, {
        urls: Object.fromEntries(children.map((child) => [child.name, child.url])),
      }),
    (error) => log('warn', `not ready yet: ${error.message}`, {}),
  );
}

runMain(main);
