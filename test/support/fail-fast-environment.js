// Mutation testing: once a test fails, the mutant is killed, so the rest of its run (the other covering tests, in
// this file and the next) is skipped rather than run for nothing. Handler tests wait real deadlines of a second or
// two each; without this, a killed handler mutant costs every covering test. Stryker sets jest's bail off, and jest's
// bail counts whole files anyway. The failure is remembered per mutant: a runner process runs many mutants in turn.
const { TestEnvironment } = require('jest-environment-node');

let failedMutant;

class FailFastEnvironment extends TestEnvironment {
  async handleTestEvent(event, state) {
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    if (mutant !== undefined) {
      if (event.name === 'test_fn_failure' || event.name === 'hook_failure') failedMutant = mutant;
      else if (event.name === 'test_start' && failedMutant === mutant) event.test.mode = 'skip';
    }
    if (super.handleTestEvent) await super.handleTestEvent(event, state);
  }
}

module.exports = FailFastEnvironment;
