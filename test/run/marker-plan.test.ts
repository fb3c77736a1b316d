import { expect } from 'chai';
import { newRunId, markerFor, run8Of, isRunId } from '../../harness/run/marker.js';
import { planRun } from '../../harness/run/plan.js';
import { isHarnessError } from '../../harness/errors.js';
import type { Target } from '../../harness/model/config.js';
import { fixtureAtomics, localTarget } from './helpers.js';

describe('run: markers', () => {
  it('makes run ids from the UTC time plus 8 random hex digits, and markers ath-<run8>-<seq>', () => {
    const id = newRunId(new Date('2026-11-22T05:15:00.123Z'));
    expect(id).to.match(/^20261122T051500Z-[0-9a-f]{8}$/);
    expect(isRunId(id)).to.equal(true);
    expect(markerFor(id, 3)).to.equal(`ath-${id.slice(-8)}-3`);
    expect(run8Of(id)).to.equal(id.slice(-8));
    expect(newRunId()).to.not.equal(newRunId());
  });

  it('refuses a malformed run id or sequence with a coded error', () => {
    for (const bad of [() => markerFor('reports/x', 1), () => markerFor(newRunId(), 0), () => markerFor(newRunId(), 1.5)]) {
      try {
        bad();
        expect.fail('should throw');
      } catch (e) {
        expect(isHarnessError(e)).to.equal(true);
        expect((e as { code: string }).code).to.match(/^HARNESS_RUN_BAD_/);
      }
    }
  });
});

describe('run: plan', () => {
  const win: Target = { name: 'win', os: 'windows', transport: 'ssh', port: 22, sudo: false, address: '10.0.0.5', user: 'u' };
  const fault = fixtureAtomics('T9999.001');
  const openssl = fixtureAtomics('T1587.003');

  it('plans every test x target with stable sequence numbers and skip reasons', () => {
    const plan = planRun({ atomics: [openssl, fault], targets: [localTarget, win] });
    expect(plan.map((p) => p.seq)).to.deep.equal(Array.from({ length: 12 }, (_, i) => i + 1));
    const opensslOnWin = plan.find((p) => p.test.technique === 'T1587.003' && p.target.name === 'win')!;
    expect(opensslOnWin.skip).to.match(/^platform mismatch: test supports linux, target win is windows/);
    const winOnly = plan.filter((p) => p.test.name === 'Windows only');
    expect(winOnly.find((p) => p.target.name === 'local')!.skip).to.match(/platform mismatch/);
    expect(winOnly.find((p) => p.target.name === 'win')!.skip).to.equal(undefined);
    expect(plan.filter((p) => !p.skip)).to.have.length(6);
  });

  it('filters by --only: GUID, technique, parent technique, technique-number; the rest is skipped as filtered', () => {
    const targets = [localTarget];
    const runnable = (only: string[]) => planRun({ atomics: [openssl, fault], targets, only }).filter((p) => !p.skip).map((p) => p.test.auto_generated_guid);
    expect(runnable(['7C1F8F52-3B0E-4D8A-9A43-2F6C4E5B0D04'])).to.deep.equal(['7c1f8f52-3b0e-4d8a-9a43-2f6c4e5b0d04']);
    expect(runnable(['T1587.003'])).to.deep.equal(['7c1f8f52-3b0e-4d8a-9a43-2f6c4e5b0d04']);
    expect(runnable(['T1587'])).to.deep.equal(['7c1f8f52-3b0e-4d8a-9a43-2f6c4e5b0d04']);
    expect(runnable(['T9999.001-2'])).to.deep.equal(['00000000-0000-4000-8000-000000000002']);
    const filtered = planRun({ atomics: [openssl, fault], targets, only: ['T1587.003'] }).filter((p) => p.skip);
    expect(filtered.every((p) => p.skip!.startsWith('filtered'))).to.equal(true);
  });

  it('skips manual executors with the reason', () => {
    const manual = structuredClone(fault);
    manual.atomic_tests[0]!.executor = { name: 'manual', steps: 'do it by hand' };
    const plan = planRun({ atomics: [manual], targets: [localTarget] });
    expect(plan[0]!.skip).to.match(/^manual executor/);
  });
});
