import { ConfigError, loadConfig } from './config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

const SECRET_32 = 's'.repeat(32);

describe('loadConfig and JWT_SECRET', () => {
  it('refuses a secret under 32 bytes', () => {
    expect(problemsOf({ JWT_SECRET: 's'.repeat(31) })).toEqual([expect.stringMatching(/^JWT_SECRET: .*32 bytes/)]);
    expect(problemsOf({ JWT_SECRET: 'secret' })).toHaveLength(1);
  });

  it('counts bytes, not characters: 31 bytes of accented text are refused, 32 accepted', () => {
    // 'é' is two bytes in UTF-8.
    expect(problemsOf({ JWT_SECRET: `${'é'.repeat(15)}x` })).toEqual([expect.stringMatching(/^JWT_SECRET/)]);
    expect(loadConfig({ JWT_SECRET: 'é'.repeat(16) }).JWT_SECRET).toBe('é'.repeat(16));
  });

  it('accepts a 32-byte secret and uses it as given', () => {
    const config = loadConfig({ JWT_SECRET: SECRET_32, NODE_ENV: 'production' });
    expect(config.JWT_SECRET).toBe(SECRET_32);
    expect(config.jwtSecretGenerated).toBe(false);
  });

  it('refuses a missing or blank secret when NODE_ENV=production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['JWT_SECRET: required when NODE_ENV=production']);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: '' })).toEqual(['JWT_SECRET: required when NODE_ENV=production']);
  });

  it('refuses a short secret in production too, and reports it with every other bad key at once', () => {
    const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'short', ADMIN_EMAIL: 'admin@example.test' });
    expect(problems).toEqual([expect.stringMatching(/^JWT_SECRET/), expect.stringMatching(/^ADMIN_EMAIL and ADMIN_PASSWORD/)]);
  });

  it('outside production, a missing secret becomes a random one that is flagged and long enough', () => {
    const first = loadConfig({ NODE_ENV: 'development' });
    const second = loadConfig({ NODE_ENV: 'development' });
    expect(first.jwtSecretGenerated).toBe(true);
    expect(Buffer.byteLength(first.JWT_SECRET)).toBeGreaterThanOrEqual(32);
    expect(first.JWT_SECRET).not.toBe(second.JWT_SECRET);
  });

  it('returns a frozen object, so nothing can swap the secret later', () => {
    const config = loadConfig({ JWT_SECRET: SECRET_32 });
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { JWT_SECRET: string }).JWT_SECRET = 'x';
    }).toThrow(TypeError);
  });
});

describe('loadConfig and PUBLIC_V2_URL (where the shop page finds v2)', () => {
  it('defaults to empty, meaning the page reaches v2 on its own origin (behind nginx)', () => {
    expect(loadConfig({}).PUBLIC_V2_URL).toBe('');
    expect(loadConfig({ PUBLIC_V2_URL: '' }).PUBLIC_V2_URL).toBe('');
  });

  it('keeps an http(s) origin, normalised without a trailing slash', () => {
    expect(loadConfig({ PUBLIC_V2_URL: 'http://localhost:3002/' }).PUBLIC_V2_URL).toBe('http://localhost:3002');
    expect(loadConfig({ PUBLIC_V2_URL: 'https://Shop.Example.com' }).PUBLIC_V2_URL).toBe('https://shop.example.com');
  });

  it('refuses anything that is not an origin: a path, another scheme, credentials', () => {
    for (const value of ['http://localhost:3002/api', 'ftp://localhost', 'localhost:3002', 'http://u:p@localhost:3002', 'http://x?y=1']) {
      expect(problemsOf({ PUBLIC_V2_URL: value })).toEqual([expect.stringMatching(/^PUBLIC_V2_URL: /)]);
    }
  });
});

describe('loadConfig reports every bad key at once', () => {
  it('a bad LOG_LEVEL and BCRYPT_ROUNDS hide neither the JWT_SECRET nor the admin-pair problem', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      LOG_LEVEL: 'loud',
      BCRYPT_ROUNDS: '99',
      ADMIN_EMAIL: 'admin@example.test',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^LOG_LEVEL: /),
      expect.stringMatching(/^BCRYPT_ROUNDS: /),
      'JWT_SECRET: required when NODE_ENV=production',
      'ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither',
    ]);
  });

  it('a short secret is reported beside a bad port', () => {
    expect(problemsOf({ PORT: 'eighty', JWT_SECRET: 'short' })).toEqual([expect.stringMatching(/^PORT: /), expect.stringMatching(/^JWT_SECRET: .*32 bytes/)]);
  });
});

describe('loadConfig and SHOP_CURRENCY (the currency the shop page shows prices in)', () => {
  it('defaults to USD and takes any ISO 4217 code, in either case', () => {
    expect(loadConfig({}).SHOP_CURRENCY).toBe('USD');
    expect(loadConfig({ SHOP_CURRENCY: 'EUR' }).SHOP_CURRENCY).toBe('EUR');
    expect(loadConfig({ SHOP_CURRENCY: 'jpy' }).SHOP_CURRENCY).toBe('JPY');
  });

  it('refuses what is not a currency code', () => {
    for (const value of ['EURO', 'XYZ', '€', 'US']) {
      expect(problemsOf({ SHOP_CURRENCY: value })).toEqual([expect.stringMatching(/^SHOP_CURRENCY: an ISO 4217 currency code/)]);
    }
  });
});
