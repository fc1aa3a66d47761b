// The tests mutation testing runs: all but those that run the handler as a bundle in other processes or build
// something outside this one (the end-to-end runs, the packed package, the real `cdk synth`, the benchmarks). They
// cannot see a mutant in lambda/ (the bundle is built from unmutated source) and cost seconds per mutant elsewhere;
// the in-process tests are the ones that must kill mutants.
const path = require('node:path');
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // Properties stop at their first failure: a mutant is killed as soon as one run fails, without shrinking.
  setupFiles: ['<rootDir>/test/support/fast-check-under-stryker.js'],
  // A mutant's run stops at its first failing test (an absolute path: Stryker wraps this environment with its own).
  testEnvironment: path.join(__dirname, 'test', 'support', 'fail-fast-environment.js'),
  globalSetup: '<rootDir>/test/global-setup-mutation.js',
  // Each mutant's run loads only the test files that hold the tests covering it (see the sequencer).
  setupFilesAfterEnv: ['<rootDir>/test/support/mutation-test-files.js'],
  testSequencer: '<rootDir>/test/support/mutation-sequencer.js',
  testPathIgnorePatterns: [
    '<rootDir>/test/hardening/fault-matrix.test.ts',
    '<rootDir>/test/hardening/secrets.test.ts',
    '<rootDir>/test/testing/local-deployment.test.ts',
    '/node_modules/',
    '<rootDir>/test/package/',
    '<rootDir>/test/bin/',
    '<rootDir>/test/bench/',
    '<rootDir>/test/readme.test.ts',
    '<rootDir>/test/scripts/',
  ],
};
