// Mutation testing (`npm run mutate`, scripts/mutate.mjs): which promises no test guards. Kept out of `npm test` (it
// takes tens of minutes). It runs in three groups (lambda/, lib/, the emulator), each with its own report and
// incremental file, so that a group's result is kept even if a later one is stopped, and a rerun tests only the
// mutants whose code or covering tests changed. The summary is committed in mutation/SUMMARY.md.
import { GROUPS } from './scripts/mutation-data.mjs';

const group = process.env.STRYKER_GROUP ?? 'lambda';
if (!GROUPS[group]) throw new Error(`STRYKER_GROUP must be one of ${Object.keys(GROUPS).join(', ')}`);
// The re-run that confirms timeouts (scripts/mutate.mjs): an incremental file without the timed-out mutants, so that
// only they run again, on fewer runners (one per core) with twice the time (twice the factor and twice the margin).
const confirm = process.env.STRYKER_CONFIRM_FILE;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // Each mutant runs only the tests that cover it, and jest loads only the test files that import the mutated file
  // (loading the others, each with aws-cdk-lib, would cost more than running the tests).
  jest: { configFile: 'jest.stryker.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  mutate: GROUPS[group].mutate,
  ignorePatterns: [
    'cdk.out',
    'dist',
    'reports',
    'coverage',
    'bench/results',
    'mutation',
    '.jsii',
    'tsconfig.jsii.json',
    '.stryker-test-files.jsonl',
  ],
  // Static mutants (module-level constants: the rule table, the retry policy, the limits) run every related test;
  // they carry promises too.
  ignoreStatic: false,
  // Stryker counts a timeout as a kill; scripts/mutation-summary.mjs counts only confirmed ones and fails below target.
  thresholds: { high: GROUPS[group].target, low: GROUPS[group].target, break: confirm ? null : GROUPS[group].target },
  incremental: true,
  incrementalFile: confirm ?? `mutation/incremental-${group}.json`,
  reporters: confirm ? ['progress', 'json'] : ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${group}${confirm ? '-confirm' : ''}.json` },
  // Most test time is spent waiting on timers and sockets, so more runners than cores help (per group, see GROUPS).
  concurrency: confirm ? 2 : GROUPS[group].concurrency,
  timeoutMS: confirm ? 10000 : 5000,
  timeoutFactor: confirm ? 3 : 1.5,
  // Jest keeps every run's modules in the runner's memory (over a gigabyte after a hundred runs, and slower with it):
  // a runner is replaced after 25 runs.
  maxTestRunnerReuse: 25,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
