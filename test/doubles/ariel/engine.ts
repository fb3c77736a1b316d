// Ariel API test double: how the double answers a query. The default engine is the embedded AQL engine
// (harness/aql) over the normalised events the double has ingested; tests may plug another one.
import type { NormalizedEvent } from '../../../harness/model/event.js';

export interface DoubleEngine {
  /** Rows of the query over the events at time `now`; throws an Error whose message says why on invalid AQL. */
  run(aql: string, events: NormalizedEvent[], now: number): Record<string, unknown>[];
  /** The same rows with the indexes of the events each came from (for emulating RULENAME(creEventList)). */
  runWithSources?(aql: string, events: NormalizedEvent[], now: number): { row: Record<string, unknown>; sources: number[] }[];
  /** Messages for invalid AQL (empty when it parses). */
  validate(aql: string): string[];
}
