// Mutation testing: during Stryker's initial run (no mutant active), writes which file each test is in, so that
// test/support/mutation-sequencer.js can give a mutant's run only the files of the tests that cover it.
/* global afterEach, expect -- jest globals: this file runs as a jest setupFilesAfterEnv module */
const fs = require('node:fs');
const path = require('node:path');

const MAP = process.env.FINSPACE_MUTATION_TEST_FILES ?? path.join(__dirname, '..', '..', '.stryker-test-files.jsonl');

if (process.env.__STRYKER_ACTIVE_MUTANT__ === undefined) {
  afterEach(() => {
    const { currentTestName, testPath } = expect.getState();
    fs.appendFileSync(MAP, `${JSON.stringify({ name: currentTestName, path: testPath })}\n`);
  });
}
