// Evidence: the events the verdicts used, de-duplicated into one list (report.evidence / evidence.jsonl),
// with every signal's eventRefs rewritten to index into it.
import type { NormalizedEvent } from '../model/event.js';
import type { TestResult } from '../model/report.js';

export interface EvidenceGroup {
  results: TestResult[];
  /** The events the group's eventRefs index into. */
  events: NormalizedEvent[];
}

/** Merges groups of results into one result list and one evidence list. */
export function buildEvidence(groups: EvidenceGroup[]): { results: TestResult[]; evidence: NormalizedEvent[] } {
  const evidence: NormalizedEvent[] = [];
  const results: TestResult[] = [];
  for (const g of groups) {
    const index = new Map<number, number>();
    const at = (i: number): number => {
      let j = index.get(i);
      if (j === undefined) {
        j = evidence.length;
        evidence.push(g.events[i]);
        index.set(i, j);
      }
      return j;
    };
    for (const r of g.results) {
      results.push({ ...r, signals: r.signals.map((s) => ({ ...s, eventRefs: s.eventRefs.filter((i) => g.events[i] !== undefined).map(at) })) });
    }
  }
  return { results, evidence };
}
