// Baseline false positives and the evidence list the report stores.
import { expect } from 'chai';
import { baselineResults } from '../../harness/verdict/baseline.js';
import { buildEvidence } from '../../harness/verdict/evidence.js';
import { sysmon } from './fixtures.js';

describe('baselines and evidence', () => {
  const ev = [sysmon(13, { Image: 'a' }), sysmon(13, { Image: 'b' }), sysmon(13, { Image: 'c' })];

  it('a rule row on a benign baseline is an UNEXPECTED_FIRE result with its events; no row, no result', () => {
    const runs = new Map([
      ['rules/a.aql', { ok: true as const, rows: [{ row: { x: 1 }, sources: [2] }] }],
      ['rules/b.aql', { ok: true as const, rows: [] }],
      ['rules/c.aql', { ok: false as const, code: 'HARNESS_AQL_UNKNOWN_FIELD', error: 'LOGSOURCETIME' }],
      ['rules/d.aql', { ok: false as const, code: 'HARNESS_QRADAR_UNAVAILABLE', error: '503' }],
    ]);
    const r = baselineResults({ file: '/x/benign.jsonl', events: ev, runs }, new Map([['rules/a.aql', 'T1588.004']]));
    expect(r.map((x) => [x.detections[0].rule, x.verdict])).to.deep.equal([['rules/a.aql', 'UNEXPECTED_FIRE'], ['rules/d.aql', 'INCONCLUSIVE']]);
    expect(r[0]).to.include({ technique: 'T1588.004', target: 'baseline', guid: 'baseline:benign.jsonl' });
    expect(r[0].signals[0].eventRefs).to.deep.equal([2]);
  });

  it('buildEvidence de-duplicates events across results and groups and rewrites refs', () => {
    const base = { technique: 't', guid: 'g', test: 't', target: 'x', platform: 'p', verdict: 'DETECTED' as const, marker: '', execution: null, detections: [] };
    const g1 = { events: ev, results: [{ ...base, signals: [{ id: 's', found: true, required: true, eventRefs: [2, 0], latencyMs: 1 }] }, { ...base, signals: [{ id: 's', found: true, required: true, eventRefs: [2], latencyMs: 1 }] }] };
    const g2 = { events: [ev[1]], results: [{ ...base, signals: [{ id: 'b', found: true, required: false, eventRefs: [0], latencyMs: null }] }] };
    const { results, evidence } = buildEvidence([g1, g2]);
    expect(evidence).to.deep.equal([ev[2], ev[0], ev[1]]);
    expect(results.map((r) => r.signals[0].eventRefs)).to.deep.equal([[0, 1], [0], [2]]);
  });
});
