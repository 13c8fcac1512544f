// `npm start`: every service that exists, for local use, each as its own process.
// Ctrl-C (or SIGTERM) stops them all gracefully.
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const services = [{ name: 'v1', script: 'v1/dist/main.js', env: { PORT: process.env.V1_PORT ?? '3001' } }];

const children = services.map((service) => {
  const child = spawn(process.execPath, [path.join(root, service.script)], {
    env: { ...process.env, ...service.env },
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
