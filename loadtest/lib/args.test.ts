import { describe, it, expect } from '@jest/globals';
import { localStackSettings, parseOptions, UsageError, type Options } from './args';

/** The options of a command line that is not --help. */
const optionsOf = (argv: string[], env?: NodeJS.ProcessEnv): Options => parseOptions(argv, env) as Options;

const admin = ['--admin-email', 'admin@example.test', '--admin-password', 'secret-password'];

describe('load-test options', () => {
  it('defaults to both targets against the cluster: 10,000 buyers, 1,000 units, 256 connections', () => {
    const options = parseOptions(admin);
    expect(options).toMatchObject({ target: 'both', targets: ['v1', 'v2'], buyers: 10_000, stock: 1_000, connections: 256, maxPerUser: 1, local: false, baseUrl: 'http://127.0.0.1:8080' });
  });

  it('--local needs no admin, secret or database: the stack it starts provides them', () => {
    const options = parseOptions(['--local', '--target', 'v2', '--buyers', '500']);
    expect(options).toMatchObject({ local: true, targets: ['v2'], buyers: 500, baseUrl: null });
  });

  it('takes the admin, JWT secret and database from the environment when not given as flags', () => {
    const env = { ADMIN_EMAIL: 'a@example.test', ADMIN_PASSWORD: 'pw-from-env', JWT_SECRET: 's'.repeat(40), DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/flashfast' };
    expect(parseOptions([], env)).toMatchObject({ adminEmail: 'a@example.test', adminPassword: 'pw-from-env', jwtSecret: env.JWT_SECRET, databaseUrl: env.DATABASE_URL });
    expect(optionsOf(['--admin-email', 'b@example.test'], env).adminEmail).toBe('b@example.test');
  });

  it('refuses a base URL or database that is not on this machine', () => {
    expect(() => parseOptions([...admin, '--base-url', 'http://10.0.0.5:8080'])).toThrow(/127\.0\.0\.1/);
    expect(() => parseOptions([...admin, '--database-url', 'postgres://db.example.com/flashfast'])).toThrow(UsageError);
    expect(optionsOf([...admin, '--base-url', 'http://localhost:9000/']).baseUrl).toBe('http://localhost:9000');
  });

  it('targets the cluster over HTTPS, trusting the authority given with --ca', () => {
    const options = parseOptions([...admin, '--base-url', 'https://127.0.0.1:8443', '--ca', '.cluster/tls/ca.pem']);
    expect(options).toMatchObject({ baseUrl: 'https://127.0.0.1:8443', caFile: '.cluster/tls/ca.pem' });
  });

  it.each([
    [['--local', '--ca', 'ca.pem'], /--local/],
    [['--target', 'v3'], /--target/],
    [['--buyers', '0'], /--buyers/],
    [['--buyers', '1e4'], /--buyers/],
    [['--connections', '-5'], /connections/],
    [['--stock', 'many'], /--stock/],
    [['--unknown'], /unknown/i],
    [['--local', '--base-url', 'http://127.0.0.1:8080'], /--local/],
    [['--report-md', 'x.md'], /--report/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseOptions([...admin, ...argv])).toThrow(message);
  });

  it('a remote stack without an admin is refused with the way to give one', () => {
    expect(() => parseOptions([])).toThrow(/ADMIN_EMAIL/);
  });

  it('--help returns the usage text instead of options', () => {
    const parsed = parseOptions(['--help']);
    if (!('usage' in parsed)) throw new Error('--help gave options');
    expect(parsed.help).toBe(true);
    expect(parsed.usage).toMatch(/--connections/);
  });
});

describe('local stack settings', () => {
  it("pass on the caller's tuning and search path, never its addresses or secrets", () => {
    const env = { PATH: '/usr/bin', WORKER_CONCURRENCY: '4', RATE_LIMIT_PURCHASE_MAX: '9', DATABASE_URL: 'postgres://elsewhere/db', JWT_SECRET: 'x'.repeat(40) };
    expect(localStackSettings(env).passedOn).toEqual({ PATH: '/usr/bin', WORKER_CONCURRENCY: '4', RATE_LIMIT_PURCHASE_MAX: '9' });
  });

  it('default to the PostgreSQL and Redis of the machine, quiet servers; LOADTEST_* change them', () => {
    expect(localStackSettings({})).toEqual({ pgAdminUrl: 'postgres://postgres@127.0.0.1:5432/postgres', redisUrl: 'redis://127.0.0.1:6379', logLevel: 'warn', passedOn: {} });
    expect(localStackSettings({ LOADTEST_PG_URL: 'postgres://postgres@127.0.0.1:5433/postgres', LOADTEST_REDIS_URL: 'redis://127.0.0.1:6380', LOADTEST_LOG_LEVEL: 'info' })).toMatchObject({
      pgAdminUrl: 'postgres://postgres@127.0.0.1:5433/postgres',
      redisUrl: 'redis://127.0.0.1:6380',
      logLevel: 'info',
    });
  });
});
