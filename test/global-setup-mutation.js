// Mutation testing runs jest once per mutant, and none of its tests runs the handler bundle: build it only once. The
// initial run (no mutant active) starts the map of which file each test is in afresh (test/support/mutation-*.js).
const fs = require('node:fs');
const path = require('node:path');
const setup = require('./global-setup').setup('if-missing');

module.exports = async () => {
  if (process.env.__STRYKER_ACTIVE_MUTANT__ === undefined)
    fs.rmSync(process.env.FINSPACE_MUTATION_TEST_FILES ?? path.join(__dirname, '..', '.stryker-test-files.jsonl'), { force: true });
  await setup();
};
