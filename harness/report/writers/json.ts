// report.json: the model itself, versioned. The evidence events live in evidence.jsonl beside it.
import type { RunReport } from '../../model/report.js';

export function renderJson(report: RunReport): string {
  const { evidence: _evidence, ...rest } = report;
  return JSON.stringify(rest, null, 2) + '\n';
}
