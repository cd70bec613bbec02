// @ts-check
// Mocha's spec reporter, plus a results file the top-level runner sums across layers.
// Pending (skipped) tests are written as such and counted as failures by the runner:
// a skipped test never passes.
const fs = require('fs');
const Mocha = require('mocha');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failures = [];
    runner.on('fail', (test, err) => failures.push({ title: test.fullTitle(), message: String(err && err.message) }));
    runner.once('end', () => {
      const file = process.env.STRATA_RESULTS;
      if (!file) return;
      const s = this.stats;
      fs.writeFileSync(
        file,
        JSON.stringify({ passed: s.passes, failed: s.failures, pending: s.pending, failures }),
      );
    });
  }
}
module.exports = CountingReporter;
