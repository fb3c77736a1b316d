// Loading expectation files (DESIGN section 5): per technique, per test GUID, the signals that must
// arrive and the rules that must (or must not) fire. Problems are collected as located diagnostics.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, SourceLocation } from '../errors.js';
import type { DetectionExpectation, ExpectationFile, Signal, SignalSource, TestExpectation } from '../model/catalog.js';
import { loadYamlFile } from '../util/yaml.js';
import type { YamlPath } from '../util/yaml.js';
import { GUID_RE, TECHNIQUE_RE } from './atomic-test.js';
import { tryParseDuration } from './duration.js';
import { parseMatchers } from './matchers.js';
import { checkKeys, closest, Collector, isPlainObject, typeName } from './schema.js';
import { fieldsText, SOURCE_NAMES, SOURCES, type SignalSourceName } from './sources.js';

export const DEFAULT_DEADLINE_MS = 600_000;

/** The optional `name:` an entry gives for readers, kept beside the shared model for the cross-check. */
export const expectationNames = new WeakMap<TestExpectation, { name: string; location: SourceLocation }>();
const SIGNAL_ID_RE = /^[a-z0-9][a-z0-9._-]*$/;

/** Loads and validates one expectation file; `file` is set only when it has no error. */
export function loadExpectationFile(path: string): { file?: ExpectationFile; diagnostics: Diagnostic[] } {
  const yaml = loadYamlFile(path);
  if (yaml.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: yaml.diagnostics };
  const c = new Collector(yaml);
  const doc = yaml.value;
  if (!isPlainObject(doc)) {
    c.error([], 'HARNESS_EXPECT_WRONG_TYPE', `an expectation file must be a mapping {technique, tests}, found ${typeName(doc)}`, 'see expectations/T1588.004.yaml for the layout');
    return { diagnostics: [...yaml.diagnostics, ...c.diagnostics] };
  }
  checkKeys(c, [], doc, ['technique', 'tests'], 'HARNESS_EXPECT_UNKNOWN_FIELD', 'the expectation file');
  if (typeof doc.technique !== 'string' || !TECHNIQUE_RE.test(doc.technique)) {
    c.error(doc.technique === undefined ? [] : ['technique'], 'HARNESS_EXPECT_BAD_TECHNIQUE_ID', `technique ${JSON.stringify(doc.technique ?? null)} is not an ATT&CK id like T1588.004`, 'write technique: T1588.004');
  }
  const tests: TestExpectation[] = [];
  if (!Array.isArray(doc.tests)) {
    c.error(doc.tests === undefined ? [] : ['tests'], 'HARNESS_EXPECT_WRONG_TYPE', `tests must be a list, found ${typeName(doc.tests)}`, 'write tests: [ {guid: ..., signals: [...], detections: [...]} ]');
  } else {
    const guids = new Set<string>();
    doc.tests.forEach((t, i) => {
      const te = parseTest(c, ['tests', i], t);
      if (!te) return;
      if (guids.has(te.guid)) c.error(['tests', i, 'guid'], 'HARNESS_EXPECT_DUPLICATE_GUID', `GUID ${te.guid} has two expectation entries`, 'merge them into one entry');
      guids.add(te.guid);
      tests.push(te);
    });
  }
  const diagnostics = [...yaml.diagnostics, ...c.diagnostics];
  if (c.errorCount > 0) return { diagnostics };
  return { file: { technique: doc.technique as string, tests, file: path }, diagnostics };
}

/** Loads every `*.yaml` directly in `dir` (rules/ and other subdirectories are not expectation files). */
export function loadExpectationsDir(dir: string): { files: ExpectationFile[]; diagnostics: Diagnostic[] } {
  const files: ExpectationFile[] = [];
  const diagnostics: Diagnostic[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return { files, diagnostics: [{ severity: 'error', code: 'HARNESS_FILE_NOT_FOUND', message: 'expectations directory not found', location: { file: dir }, fix: 'check the path' }] };
  }
  for (const n of names) {
    const p = join(dir, n);
    if (!/\.ya?ml$/.test(n) || statSync(p).isDirectory()) continue;
    const r = loadExpectationFile(p);
    diagnostics.push(...r.diagnostics);
    if (r.file) files.push(r.file);
  }
  return { files, diagnostics };
}

function parseTest(c: Collector, p: YamlPath, raw: unknown): TestExpectation | undefined {
  if (!isPlainObject(raw)) {
    c.error(p, 'HARNESS_EXPECT_WRONG_TYPE', `each test entry must be a mapping {guid, deadline, signals, detections}, found ${typeName(raw)}`);
    return undefined;
  }
  const before = c.errorCount;
  checkKeys(c, p, raw, ['guid', 'name', 'deadline', 'signals', 'detections'], 'HARNESS_EXPECT_UNKNOWN_FIELD', 'a test entry');
  const guid = raw.guid;
  if (typeof guid !== 'string' || !GUID_RE.test(guid)) c.error(guid === undefined ? p : [...p, 'guid'], 'HARNESS_EXPECT_BAD_GUID', `guid ${JSON.stringify(guid ?? null)} is not a UUID`, 'copy the auto_generated_guid of the atomic test');
  let deadlineMs = DEFAULT_DEADLINE_MS;
  if (raw.deadline !== undefined) {
    const ms = tryParseDuration(raw.deadline);
    if (ms === undefined || ms === 0) c.error([...p, 'deadline'], 'HARNESS_DURATION_INVALID', `deadline ${JSON.stringify(raw.deadline)} is not a duration`, 'write a number with a unit: 90s, 10m, 1h');
    else deadlineMs = ms;
  }
  const signals: Signal[] = [];
  const ids = new Set<string>();
  list(c, [...p, 'signals'], raw.signals, 'signals').forEach((s, i) => {
    const sig = parseSignal(c, [...p, 'signals', i], s);
    if (!sig) return;
    if (ids.has(sig.id)) c.error([...p, 'signals', i, 'id'], 'HARNESS_EXPECT_DUPLICATE_SIGNAL', `signal id ${JSON.stringify(sig.id)} is used twice in this test`, 'give each signal its own id');
    ids.add(sig.id);
    signals.push(sig);
  });
  const detections: DetectionExpectation[] = [];
  list(c, [...p, 'detections'], raw.detections, 'detections').forEach((d, i) => {
    const det = parseDetection(c, [...p, 'detections', i], d);
    if (det) detections.push(det);
  });
  if (raw.name !== undefined && typeof raw.name !== 'string') c.error([...p, 'name'], 'HARNESS_EXPECT_WRONG_TYPE', `name must be text, found ${typeName(raw.name)}`);
  if (c.errorCount > before) return undefined;
  const te: TestExpectation = { guid: (guid as string).toLowerCase(), deadlineMs, signals, detections, location: c.yaml.locate(p) };
  if (typeof raw.name === 'string') expectationNames.set(te, { name: raw.name, location: c.yaml.locate([...p, 'name']) });
  return te;
}

function list(c: Collector, p: YamlPath, v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  c.error(p, 'HARNESS_EXPECT_WRONG_TYPE', `${what} must be a list, found ${typeName(v)}`, `write ${what}: [ ... ] or a block list with -`);
  return [];
}

function parseSignal(c: Collector, p: YamlPath, raw: unknown): Signal | undefined {
  if (!isPlainObject(raw)) {
    c.error(p, 'HARNESS_EXPECT_WRONG_TYPE', `a signal must be a mapping {id, source, event_id, where}, found ${typeName(raw)}`);
    return undefined;
  }
  const before = c.errorCount;
  checkKeys(c, p, raw, ['id', 'source', 'event_id', 'where', 'required', 'description'], 'HARNESS_EXPECT_UNKNOWN_FIELD', 'a signal');
  if (typeof raw.id !== 'string' || !SIGNAL_ID_RE.test(raw.id)) c.error(raw.id === undefined ? p : [...p, 'id'], 'HARNESS_EXPECT_BAD_ID', `signal id ${JSON.stringify(raw.id ?? null)} must be lower-case letters, digits, '.', '_' or '-'`, 'write id: root-store-write');
  const source = raw.source as SignalSourceName;
  const spec = SOURCES[source];
  if (!spec) {
    const near = typeof raw.source === 'string' ? closest(raw.source, SOURCE_NAMES) : undefined;
    c.error(raw.source === undefined ? p : [...p, 'source'], 'HARNESS_EXPECT_UNKNOWN_SOURCE', `unknown signal source ${JSON.stringify(raw.source ?? null)}`, `${near ? `did you mean ${near}? ` : ''}sources: ${SOURCE_NAMES.join(', ')}`);
  }
  const eid = raw.event_id;
  if (spec?.eventId === 'required' && !(typeof eid === 'number' && Number.isInteger(eid) && eid >= 0)) {
    c.error(eid === undefined ? p : [...p, 'event_id'], 'HARNESS_EXPECT_BAD_EVENT_ID', `a ${source} signal needs an integer event_id, found ${typeName(eid)}`, 'write event_id: 1');
  }
  if (spec?.eventId === 'forbidden' && eid !== undefined) {
    c.error([...p, 'event_id'], 'HARNESS_EXPECT_BAD_EVENT_ID', `${source} records have no event id`, "match the record type instead: where: { type: { equals: EXECVE } }", true);
  }
  if (spec?.optionalOnly && raw.required !== false) c.error(raw.required === undefined ? p : [...p, 'required'], 'HARNESS_EXPECT_OPTIONAL_ONLY', `${source} signals must be required: false (the harness cannot collect ${source} telemetry)`, 'add required: false');
  if (raw.required !== undefined && typeof raw.required !== 'boolean') c.error([...p, 'required'], 'HARNESS_EXPECT_WRONG_TYPE', `required must be true or false, found ${typeName(raw.required)}`);
  if (raw.description !== undefined && typeof raw.description !== 'string') c.error([...p, 'description'], 'HARNESS_EXPECT_WRONG_TYPE', `description must be text, found ${typeName(raw.description)}`);
  const where: Signal['where'] = {};
  if (raw.where !== undefined) {
    if (!isPlainObject(raw.where)) c.error([...p, 'where'], 'HARNESS_EXPECT_WRONG_TYPE', `where must map field names to matchers, found ${typeName(raw.where)}`, "write where: { Image: { endswith: '\\certutil.exe' } }");
    else {
      for (const [field, m] of Object.entries(raw.where)) {
        if (spec?.fields && !spec.fields.test(field)) {
          c.error([...p, 'where', field], 'HARNESS_EXPECT_UNKNOWN_FIELD', `${source} has no field ${JSON.stringify(field)}`, `${source} fields: ${fieldsText(source)}`, true);
          continue;
        }
        const ms = parseMatchers(c, [...p, 'where', field], field, m);
        if (ms) where[field] = ms;
      }
    }
  }
  if (c.errorCount > before) return undefined;
  const sig: Signal = { id: raw.id as string, source: source as SignalSource, where, required: raw.required !== false, location: c.yaml.locate(p) };
  if (eid !== undefined) sig.event_id = eid as number;
  if (typeof raw.description === 'string') sig.description = raw.description;
  return sig;
}

function parseDetection(c: Collector, p: YamlPath, raw: unknown): DetectionExpectation | undefined {
  if (!isPlainObject(raw)) {
    c.error(p, 'HARNESS_EXPECT_WRONG_TYPE', `a detection must be a mapping {rule, fires, output, knownGap}, found ${typeName(raw)}`);
    return undefined;
  }
  const before = c.errorCount;
  checkKeys(c, p, raw, ['rule', 'kind', 'fires', 'output', 'knownGap'], 'HARNESS_EXPECT_UNKNOWN_FIELD', 'a detection');
  if (typeof raw.rule !== 'string' || raw.rule === '') c.error(raw.rule === undefined ? p : [...p, 'rule'], 'HARNESS_EXPECT_BAD_RULE', `rule must name a rule file (rules/x.aql) or a CRE rule, found ${typeName(raw.rule)}`, 'write rule: rules/t1588-004-root-ca-install.aql');
  const kind = raw.kind ?? 'aql';
  if (kind !== 'aql' && kind !== 'cre') c.error([...p, 'kind'], 'HARNESS_EXPECT_BAD_RULE', `kind must be aql or cre, found ${typeName(kind)}`, 'omit kind for an AQL rule file');
  if (typeof raw.fires !== 'boolean') c.error(raw.fires === undefined ? p : [...p, 'fires'], 'HARNESS_EXPECT_WRONG_TYPE', `fires must be true or false, found ${typeName(raw.fires)}`, 'say whether the rule should fire on this test: fires: true');
  let output: Record<string, string | number> | undefined;
  if (raw.output !== undefined) {
    if (!isPlainObject(raw.output) || !Object.values(raw.output).every((v) => typeof v === 'string' || typeof v === 'number')) {
      c.error([...p, 'output'], 'HARNESS_EXPECT_WRONG_TYPE', 'output must map column names to expected text or numbers', "write output: { store_type: 'Trusted Root CA' }");
    } else output = raw.output as Record<string, string | number>;
  }
  if (raw.knownGap !== undefined && (typeof raw.knownGap !== 'string' || raw.knownGap.trim() === '')) c.error([...p, 'knownGap'], 'HARNESS_EXPECT_WRONG_TYPE', 'knownGap must be a sentence saying why the rule cannot catch this behaviour');
  if (raw.fires === false && output) c.error([...p, 'output'], 'HARNESS_EXPECT_CONTRADICTION', 'output is asserted on a rule that must not fire', 'remove output, or set fires: true', true);
  if (raw.fires === true && raw.knownGap !== undefined) c.error([...p, 'knownGap'], 'HARNESS_EXPECT_CONTRADICTION', 'knownGap says the rule cannot catch this behaviour, but fires is true', 'set fires: false, or remove knownGap', true);
  if (c.errorCount > before) return undefined;
  const det: DetectionExpectation = { rule: raw.rule as string, kind: kind as 'aql' | 'cre', fires: raw.fires as boolean, location: c.yaml.locate(p) };
  if (output) det.output = output;
  if (typeof raw.knownGap === 'string') det.knownGap = raw.knownGap.trim();
  return det;
}
