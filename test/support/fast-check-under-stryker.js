// Under Stryker a failing property only has to fail: no shrinking to the smallest counterexample, which can take
// longer than the mutant's timeout and turn a kill into a timeout.
require('fast-check').configureGlobal({ endOnFailure: true });
