// The embedded AQL engine as a RuleEngine for verdicts, tuning and replay. A rule the engine rejects
// (unknown field such as LOGSOURCETIME, syntax) is reported as rejected with the engine's located
// message: a rule defect that makes its detections MISSED, never an exception.
import { relative, sep } from 'node:path';
import { packageRoot } from '../util/paths.js';
import { compileAql } from '../aql/query.js';
import { isHarnessError, formatLocation } from '../errors.js';
import type { RuleRun } from '../model/backend.js';
import type { PropertyProfile } from '../model/profile.js';
import type { RuleCheck, RuleEngine } from './types.js';

export interface EmbeddedEngineOptions {
  timeZone?: string;
  timeField?: 'starttime' | 'devicetime';
}

/** A RuleEngine over the embedded AQL engine with one property profile. */
export function embeddedEngine(profile: PropertyProfile, opts: EmbeddedEngineOptions = {}): RuleEngine & { check(rule: { id: string; text: string; path?: string }, now?: number): RuleCheck } {
  const env = (now?: number) => ({ profile, now, timeZone: opts.timeZone, timeField: opts.timeField });
  // Messages name a project rule relative to the package (expectations/rules/x.aql), others as given.
  const fileOf = (r: { id: string; path?: string }): string => (!r.path ? r.id : r.path.startsWith(packageRoot + sep) ? relative(packageRoot, r.path) : r.path);
  return {
    check(rule, now?: number): RuleCheck {
      try {
        const q = compileAql(rule.text, env(now), { file: fileOf(rule) });
        return { explain: (e) => q.explain(e) };
      } catch (e) {
        if (!isHarnessError(e)) throw e;
        return { rejected: `${e.location ? `${formatLocation(e.location)}: ` : ''}${e.message} [${e.code}]` };
      }
    },
    run(rules, events, now) {
      const out = new Map<string, RuleRun>();
      for (const r of rules) {
        try {
          out.set(r.id, { ok: true, rows: compileAql(r.text, env(now), { file: fileOf(r) }).runWithSources(events) });
        } catch (e) {
          if (!isHarnessError(e)) throw e;
          out.set(r.id, { ok: false, code: e.code, error: e.message });
        }
      }
      return out;
    },
  };
}
