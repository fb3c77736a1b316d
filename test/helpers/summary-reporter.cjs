// mocha's spec reporter plus the closing line CI reads: `N passed, N failed[, N skipped]`.
'use strict';
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const skipped = s.pending ? `, ${s.pending} skipped` : '';
      // Printed after spec's own epilogue so it is the last line.
      process.nextTick(() => process.stdout.write(`\n${s.passes || 0} passed, ${s.failures || 0} failed${skipped}\n`));
    });
  }
}
module.exports = SummaryReporter;
