// Mutation testing (`npm run mutate`): which promises no test guards. Kept out of `npm test` (it takes tens of
// minutes); its summary is committed in mutation/SUMMARY.md. Incremental: a rerun tests only the mutants whose code
// or covering tests changed since the committed mutation/incremental.json.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: { configFile: 'jest.stryker.config.js', enableFindRelatedTests: false },
  coverageAnalysis: 'perTest',
  mutate: ['lib/**/*.ts', 'lambda/**/*.ts', 'testing/finspace-emulator.ts'],
  ignorePatterns: ['cdk.out', 'dist', 'reports', 'coverage', 'bench/results', 'mutation'],
  // Static mutants (module-level constants) can only be tested by running every test, which makes a run hours
  // long on two cores; they are left out, and the constants they would change are pinned by direct tests.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'mutation/incremental.json',
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  concurrency: 2,
  timeoutMS: 5000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
