// Mutation testing (`npm run mutate`, scripts/mutate.mjs): which promises no test guards. Kept out of `npm test` (it
// takes tens of minutes). It runs in three groups (lambda/, lib/, the emulator), each with its own report and
// incremental file, so that a group's result is kept even if a later one is stopped, and a rerun tests only the
// mutants whose code or covering tests changed. The summary is committed in mutation/SUMMARY.md.
const GROUPS = {
  lambda: ['lambda/**/*.ts'],
  lib: ['lib/**/*.ts'],
  emulator: ['testing/finspace-emulator.ts'],
};
const group = process.env.STRYKER_GROUP ?? 'lambda';
if (!GROUPS[group]) throw new Error(`STRYKER_GROUP must be one of ${Object.keys(GROUPS).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { configFile: 'jest.stryker.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  mutate: GROUPS[group],
  ignorePatterns: ['cdk.out', 'dist', 'dist-packages', 'reports', 'coverage', 'bench/results', 'mutation', '.jsii', 'tsconfig.jsii.json'],
  // Static mutants (module-level constants) can only be tested by running every test, which makes a run hours
  // long on two cores; they are left out, and the constants they would change are pinned by direct tests.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `mutation/incremental-${group}.json`,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${group}.json` },
  // Most test time is spent waiting on timers and sockets, so a third runner helps even on two cores.
  concurrency: 3,
  timeoutMS: 5000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
