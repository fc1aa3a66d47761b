// Mutation testing: Stryker runs each mutant with a test name pattern of the tests that cover it, but jest would still
// load every test file related to the mutated file (for lambda/log.ts, all of them) only to skip their tests. This
// sequencer keeps the files that hold a covering test, from the map mutation-test-files.js wrote in the initial run.
// Anything it cannot tell (no map, no mutant, a name it does not know) runs the files jest chose.
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const MAP = process.env.FINSPACE_MUTATION_TEST_FILES ?? path.join(__dirname, '..', '..', '.stryker-test-files.jsonl');
let cache = { size: -1, entries: [] };

function entries() {
  if (!fs.existsSync(MAP)) return [];
  const { size } = fs.statSync(MAP);
  if (size !== cache.size) {
    const lines = fs.readFileSync(MAP, 'utf8').split('\n').filter(Boolean);
    cache = { size, entries: lines.map((line) => JSON.parse(line)) };
  }
  return cache.entries;
}

class MutationSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options && options.globalConfig ? options.globalConfig.testNamePattern : undefined;
  }

  sort(tests) {
    if (!this.pattern || process.env.__STRYKER_ACTIVE_MUTANT__ === undefined) return super.sort(tests);
    const names = new RegExp(this.pattern, 'i');
    const files = new Set(
      entries()
        .filter((e) => names.test(e.name))
        .map((e) => e.path),
    );
    const chosen = tests.filter((test) => files.has(test.path));
    return super.sort(chosen.length > 0 ? chosen : tests);
  }
}

module.exports = MutationSequencer;
