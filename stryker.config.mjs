// Mutation testing (`npm run mutate`, scripts/mutate.mjs): which promises no test guards. Kept out of `npm test` (it
// takes tens of minutes). It runs in three groups (lambda/, lib/, the emulator), each with its own report and
// incremental file, so that a group's result is kept even if a later one is stopped, and a rerun tests only the
// mutants whose code or covering tests changed. The summary is committed in mutation/SUMMARY.md.
const GROUPS = {
  lambda: ['lambda/**/*.ts'],
  lib: ['lib/**/*.ts'],
  // The oracles too: the claim "the emulator verifies every request's SigV4 signature" rests on sigv4.ts, and every
  // answer the handler sends is read by response-receiver.ts.
  emulator: ['testing/finspace-emulator.ts', 'testing/sigv4.ts', 'testing/response-receiver.ts'],
};
/** Each group's target: `npm run mutate` fails when a group scores below it. */
const BREAK = { lambda: 90, lib: 90, emulator: 80 };
const group = process.env.STRYKER_GROUP ?? 'lambda';
if (!GROUPS[group]) throw new Error(`STRYKER_GROUP must be one of ${Object.keys(GROUPS).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { configFile: 'jest.stryker.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  mutate: GROUPS[group],
  ignorePatterns: ['cdk.out', 'dist', 'reports', 'coverage', 'bench/results', 'mutation', '.jsii', 'tsconfig.jsii.json'],
  // Static mutants (module-level constants) can only be tested by running every test, which makes a run hours
  // long on two cores; they are left out, and the constants they would change are pinned by direct tests.
  ignoreStatic: true,
  thresholds: { high: BREAK[group], low: BREAK[group], break: BREAK[group] },
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
