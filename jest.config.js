/** Jest runs the TypeScript sources as ESM through ts-jest (see TOOLCHAIN.md). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 20000,
  // A PostgreSQL server for the Postgres suites: TEST_DATABASE_URL, the local one, or a throwaway (see the file).
  globalSetup: '<rootDir>/test/postgres-setup.mjs',
  globalTeardown: '<rootDir>/test/postgres-teardown.mjs',
  // Two cores here: suites that spawn the Action or start servers overlap well.
  maxWorkers: 2,
};
