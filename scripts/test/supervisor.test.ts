import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { supervise, restartDelay, EX_CONFIG, type SupervisedProcess as Handle } from '../lib/supervisor';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashfast-supervisor-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const running: Handle[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((handle) => handle.stop([['SIGKILL', 1_000]])));
});

/** A node program from source, which calls count() once started: the starts, across restarts. */
function program(source: string): { args: string[]; starts: () => number } {
  const counter = path.join(dir, `starts-${Math.random().toString(36).slice(2)}`);
  const file = `${counter}.js`;
  fs.writeFileSync(file, `const count = () => require('fs').appendFileSync(${JSON.stringify(counter)}, 'x');\n${source}`);
  return { args: [file], starts: () => (fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8').length : 0) };
}

const STAY_UP = "process.on('SIGTERM', () => process.exit(0)); count(); setInterval(() => {}, 1000);";

function start(name: string, source: string, restart: object | false = { initialMs: 50, maxMs: 400, stableMs: 60_000 }) {
  const { args, starts } = program(source);
  const events: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const handle = supervise({ name, command: process.execPath, args, env: { PATH: process.env.PATH }, restart, log: (level: string, message: string, fields: Record<string, unknown>) => events.push({ level, message, fields }) });
  running.push(handle);
  return { handle, starts, events };
}

const nextSpawn = (handle: Handle): Promise<ChildProcess> => once(handle, 'spawn').then(([child]) => child as ChildProcess);

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('restartDelay', () => {
  it('doubles from initialMs and stops at maxMs', () => {
    const policy = { initialMs: 500, maxMs: 30_000, stableMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((crashes) => restartDelay(policy, crashes))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});

describe('supervise', () => {
  it('restarts a program killed with SIGKILL, and logs the crash', async () => {
    const { handle, starts, events } = start('victim', STAY_UP);
    await until(() => starts() === 1, 'the first start');
    const first = handle.child;
    const respawned = nextSpawn(handle);

    first.kill('SIGKILL');
    const second = await respawned;

    expect(second.pid).not.toBe(first.pid);
    await until(() => starts() === 2, 'the restart');
    expect(handle.running()).toBe(true);
    expect(handle.restarts).toBe(1);
    expect(events).toEqual([{ level: 'warn', message: expect.stringMatching(/^victim crashed \(SIGKILL\) after [\d.]+ s: restart 1 in 50 ms$/), fields: expect.objectContaining({ process: 'victim', result: 'SIGKILL', restart: 1, delayMs: 50 }) }]);
  });

  it('backs off while a program keeps crashing: 50, 100, 200, 400, 400 ms', async () => {
    const { handle, starts, events } = start('crasher', 'count(); process.exit(3);');
    await until(() => starts() >= 6, 'five restarts');
    await handle.stop();

    const delays = events.filter((event) => event.level === 'warn').map((event) => event.fields.delayMs);
    expect(delays.slice(0, 5)).toEqual([50, 100, 200, 400, 400]);
    expect(events[0]!.message).toMatch(/^crasher crashed \(exit 3\)/);
  });

  it('does not restart a clean exit (0) nor a configuration error (78)', async () => {
    const clean = start('clean', 'count(); process.exit(0);');
    const misconfigured = start('misconfigured', `count(); process.exit(${EX_CONFIG});`);

    expect(await clean.handle.ended).toBe(0);
    expect(await misconfigured.handle.ended).toBe(78);
    expect([clean.starts(), misconfigured.starts(), clean.handle.restarts, misconfigured.handle.restarts]).toEqual([1, 1, 0, 0]);
    expect(clean.events.map((event) => event.message)).toEqual(['clean exited (exit 0): not restarted, a clean stop']);
    expect(misconfigured.events.map((event) => event.message)).toEqual(['misconfigured exited (exit 78): not restarted, a configuration error']);
  });

  it('with restarts off, a crash ends supervision', async () => {
    const { handle, starts } = start('once', 'count(); process.exit(1);', false);
    expect(await handle.ended).toBe(1);
    expect(starts()).toBe(1);
  });

  it('stop() ends a program gracefully with SIGTERM and never restarts it', async () => {
    const { handle, starts, events } = start('graceful', STAY_UP);
    await until(() => starts() === 1, 'the start');

    expect(await handle.stop()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(starts()).toBe(1);
    expect(handle.running()).toBe(false);
    expect(events.map((event) => event.message)).toEqual(['graceful stopped (exit 0)']);
  });

  it('stop() SIGKILLs a program that ignores SIGTERM once its grace period is over', async () => {
    const { handle, starts } = start('stubborn', "process.on('SIGTERM', () => {}); count(); setInterval(() => {}, 1000);");
    await until(() => starts() === 1, 'the start');

    expect(await handle.stop([['SIGTERM', 300]])).toBe('SIGKILL');
  });

  it('stop() while a restart is pending cancels it', async () => {
    const { handle, starts } = start('pending', 'count(); process.exit(1);', { initialMs: 60_000, maxMs: 60_000, stableMs: 60_000 });
    await until(() => handle.restarts === 1, 'the first crash');

    expect(await handle.stop()).toBeUndefined();
    expect(starts()).toBe(1);
  });

  it("appends every run's output to the log file, so a crash's last words stay", async () => {
    const logFile = path.join(dir, 'twice.log');
    const { args } = program(
      "console.log('run'); const runs = require('fs').readFileSync(process.env.LOG_PATH, 'utf8').split('\\n').filter(Boolean).length; if (runs < 2) process.exit(1); setInterval(() => {}, 1000);",
    );
    const handle = supervise({ name: 'logged', command: process.execPath, args, env: { PATH: process.env.PATH, LOG_PATH: logFile }, logFile, restart: { initialMs: 20 } });
    running.push(handle);

    await until(() => fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8') === 'run\nrun\n', 'two runs in the log');
    expect(handle.restarts).toBe(1);
  });
});
