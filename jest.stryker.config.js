// The tests mutation testing runs: all but those that run the handler as a bundle in other processes or build
// something outside this one (the end-to-end runs, the packed package, the real `cdk synth`, the benchmarks). They
// cannot see a mutant in lambda/ (the bundle is built from unmutated source) and cost seconds per mutant elsewhere;
// the in-process tests are the ones that must kill mutants.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: [
    '<rootDir>/test/hardening/fault-matrix.test.ts',
    '<rootDir>/test/hardening/secrets.test.ts',
    '<rootDir>/test/testing/local-deployment.test.ts',
    '/node_modules/',
    '<rootDir>/test/package/',
    '<rootDir>/test/bin/',
    '<rootDir>/test/bench/',
    '<rootDir>/test/readme.test.ts',
  ],
};
