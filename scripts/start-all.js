// `npm start`: v1, v2 and a worker for local use, each its own process, sharing one database.
// Without JWT_SECRET a random one is generated here, so that all three accept the same tokens.
// Ctrl-C (or SIGTERM) stops them all gracefully.
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const sharedEnv = { JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(48).toString('base64url') };
if (!process.env.JWT_SECRET) console.warn('JWT_SECRET is not set: generated one for this run; tokens end with it.');
const v2Port = process.env.V2_PORT ?? '3002';
// The shop page (v1, http://localhost:3001/) reaches v2 on its own port here; behind nginx it is one origin.
const v2Url = process.env.PUBLIC_V2_URL ?? `http://localhost:${v2Port}`;
const services = [
  { name: 'v1', script: 'v1/dist/main.js', env: { PORT: process.env.V1_PORT ?? '3001', PUBLIC_V2_URL: v2Url } },
  { name: 'v2', script: 'v2/dist/main-api.js', env: { PORT: v2Port } },
  { name: 'worker', script: 'v2/dist/main-worker.js', env: { PORT: process.env.WORKER_PORT ?? '3003' } },
];

const children = services.map((service) => {
  const child = spawn(process.execPath, [path.join(root, service.script)], {
    env: { ...process.env, ...sharedEnv, ...service.env },
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => {
    console.log(`${service.name} exited (${signal ?? code})`);
    if (!stopping) stop(code ?? 1);
  });
  return child;
});

let stopping = false;
function stop(exitCode = 0) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(exitCode), 12_000).unref();
  Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve))))).then(
    () => process.exit(exitCode),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
