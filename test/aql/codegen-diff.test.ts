import { expect } from 'chai';
import { execa } from 'execa';
import { join } from 'node:path';
import { packageRoot } from '../../harness/util/paths.js';

// The generated WHERE function (harness/aql/codegen.ts) is a speed path: it must give exactly the values of
// the closures it mirrors (compile.ts), NULLs and Unicode case folding included. bench/aql/codegen-diff.ts
// compares both on random WHERE clauses from a fixed seed and exits 1 on any difference.
describe('AQL generated WHERE function', () => {
  it('agrees with the closure evaluator on random WHERE clauses (fixed seeds)', async function () {
    this.timeout(180_000);
    for (const seed of ['7', '20261122']) {
      const r = await execa(process.execPath, ['--import', 'tsx', join(packageRoot, 'bench/aql/codegen-diff.ts'), seed, '1500'], { cwd: packageRoot, reject: false });
      expect(r.exitCode, `seed ${seed}: ${r.stdout}\n${r.stderr}`).to.equal(0);
    }
  });
});
