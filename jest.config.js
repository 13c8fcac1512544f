/** Tests run from TypeScript source through SWC; `npm test` type-checks separately with tsc. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // e2e/: the cluster behind a real nginx (scripts/cluster), *.e2e.test.ts.
  roots: ['<rootDir>/shared', '<rootDir>/v1', '<rootDir>/v2', '<rootDir>/loadtest', '<rootDir>/e2e', '<rootDir>/scripts'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: {
    '^@flashfast/shared$': '<rootDir>/shared/src/index.ts',
    '^@flashfast/shared/(.*)$': '<rootDir>/shared/src/$1',
    '^@flashfast/v1/(.*)$': '<rootDir>/v1/src/$1',
    '^@flashfast/v2/(.*)$': '<rootDir>/v2/src/$1',
  },
  // Per-run database names, dropped at the end (shared/test/support/test-databases.ts).
  globalSetup: '<rootDir>/shared/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/shared/test/support/global-teardown.ts',
  // Generous: the machine's 2 cores are shared with other runs, and a test or hook cut short
  // leaves its servers and connections open (Jest then reports a worker that failed to exit).
  testTimeout: 180_000,
  maxWorkers: 2,
};
