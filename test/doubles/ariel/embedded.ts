// Ariel API test double: the default engine, the embedded AQL engine (harness/aql) evaluating the query
// over the ingested normalised events with the double's clock as NOW.
import { compileAql } from '../../../harness/aql/query.js';
import type { PropertyProfile } from '../../../harness/model/profile.js';
import type { DoubleEngine } from './engine.js';

// An engine over the given property profile (the deployment the double pretends to be).
export function embeddedEngine(profile: PropertyProfile, timeZone = 'UTC'): DoubleEngine {
  return {
    run(aql, events, now) {
      return compileAql(aql, { profile, now, timeZone }).run(events);
    },
    runWithSources(aql, events, now) {
      return compileAql(aql, { profile, now, timeZone }).runWithSources(events);
    },
    validate(aql) {
      try {
        compileAql(aql, { profile, timeZone });
        return [];
      } catch (e) {
        return [String((e as Error).message).split('\n')[0]!];
      }
    },
  };
}
