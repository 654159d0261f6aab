/** Jest runs the TypeScript sources as ESM through ts-jest (see TOOLCHAIN.md). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', isolatedModules: true }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 20000,
};
