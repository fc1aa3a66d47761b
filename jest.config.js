/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking is `tsc --noEmit` (npm test runs it first); ts-jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // Caches stay in the project, not in the OS temp directory.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  // Builds the handler bundle; points TMPDIR at a folder of this run that the teardown removes.
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  testTimeout: 30000,
  // Jest's default is one worker per core but one; most of this suite waits on timers, sockets and child processes, so
  // on two cores a third worker cut the run from 140 s to 114 s.
  maxWorkers: 3,
};
