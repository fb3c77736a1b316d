// Field matchers of expectation signals (DESIGN section 5): `{ contains: '...', case: sensitive }` etc.
import type { FieldMatcher, MatcherOp } from '../model/catalog.js';
import type { YamlPath } from '../util/yaml.js';
import { closest, isPlainObject, typeName, type Collector } from './schema.js';

export const MATCHER_OPS: readonly MatcherOp[] = ['equals', 'contains', 'contains_all', 'startswith', 'endswith', 'regex', 'in', 'exists'];

/** Parses one field's matcher mapping (several ops in one mapping must all hold); errors go to `c`. */
export function parseMatchers(c: Collector, p: YamlPath, field: string, raw: unknown): FieldMatcher[] | undefined {
  if (!isPlainObject(raw)) {
    c.error(p, 'HARNESS_EXPECT_BAD_MATCHER', `field ${JSON.stringify(field)} needs a matcher mapping, found ${typeName(raw)}`, `write ${field}: { equals: '...' } (matchers: ${MATCHER_OPS.join(', ')})`);
    return undefined;
  }
  const before = c.errorCount;
  let caseSensitive = false;
  if ('case' in raw) {
    if (raw.case === 'sensitive') caseSensitive = true;
    else if (raw.case !== 'insensitive') c.error([...p, 'case'], 'HARNESS_EXPECT_BAD_MATCHER', `case must be 'sensitive' or 'insensitive', found ${typeName(raw.case)}`, 'write case: sensitive (matching folds case by default)');
  }
  const out: FieldMatcher[] = [];
  for (const [op, value] of Object.entries(raw)) {
    if (op === 'case') continue;
    const mp = [...p, op];
    if (!(MATCHER_OPS as readonly string[]).includes(op)) {
      const near = closest(op, MATCHER_OPS);
      c.error(mp, 'HARNESS_EXPECT_UNKNOWN_MATCHER', `unknown matcher ${JSON.stringify(op)} on field ${JSON.stringify(field)}`, `${near ? `did you mean ${near}? ` : ''}matchers: ${MATCHER_OPS.join(', ')}`, true);
      continue;
    }
    const m = matcherValue(c, mp, op as MatcherOp, value);
    if (m !== undefined) out.push({ op: op as MatcherOp, value: m, caseSensitive });
  }
  if (out.length === 0 && c.errorCount === before) c.error(p, 'HARNESS_EXPECT_BAD_MATCHER', `field ${JSON.stringify(field)} has no matcher`, `add one of: ${MATCHER_OPS.join(', ')}`);
  return out;
}

function matcherValue(c: Collector, p: YamlPath, op: MatcherOp, v: unknown): FieldMatcher['value'] | undefined {
  if (op === 'exists') {
    if (typeof v === 'boolean') return v;
    c.error(p, 'HARNESS_EXPECT_BAD_MATCHER', `exists takes true or false, found ${typeName(v)}`, 'write exists: true');
    return undefined;
  }
  if (op === 'contains_all' || op === 'in') {
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.map(String);
    c.error(p, 'HARNESS_EXPECT_BAD_MATCHER', `${op} takes a non-empty list of values, found ${typeName(v)}`, `write ${op}: ['a', 'b']`);
    return undefined;
  }
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v === '') {
    c.error(p, 'HARNESS_EXPECT_BAD_MATCHER', `${op} takes a non-empty text value, found ${typeName(v)}`, `write ${op}: '...'`);
    return undefined;
  }
  if (op === 'regex') {
    try {
      new RegExp(v);
    } catch (e) {
      c.error(p, 'HARNESS_EXPECT_BAD_REGEX', `invalid regular expression: ${(e as Error).message}`, 'fix the pattern (JavaScript syntax)');
      return undefined;
    }
  }
  return v;
}
