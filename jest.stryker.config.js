// The tests mutation testing runs: all but those that build or start something outside this process (the packed
// package, the real `cdk synth`, the benchmarks), which cannot see a mutant and only slow every run.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/package/',
    '<rootDir>/test/bin/',
    '<rootDir>/test/bench/',
    '<rootDir>/test/readme.test.ts',
  ],
};
