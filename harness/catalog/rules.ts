// Detection rules as the user keeps them: `expectations/rules/*.aql`, byte for byte, each with a metadata
// YAML beside it (`<name>.yaml`: name, technique, severity, source, sha256 of the .aql bytes).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { RuleFile, RuleMeta } from '../model/catalog.js';
import { loadYamlFile } from '../util/yaml.js';
import { TECHNIQUE_RE } from './atomic-test.js';
import { checkKeys, Collector, isPlainObject, typeName } from './schema.js';

const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const META_KEYS = ['name', 'technique', 'severity', 'confidence', 'source', 'sha256', 'description', 'notes', 'accepted', 'tunes'];

/** sha256 hex of exact bytes. */
export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads one rule file exactly as stored; `id` is how expectations name it (rules/<file>, or rules/<sub>/<file> given `rulesDir`). */
export function loadRuleFile(path: string, rulesDir?: string): { rule?: RuleFile; diagnostics: Diagnostic[] } {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) return { diagnostics: [{ severity: 'error', code: 'HARNESS_FILE_IS_DIRECTORY', message: 'expected an .aql rule file, found a directory', location: { file: path }, fix: 'name the .aql file' }] };
    bytes = readFileSync(path);
  } catch {
    return { diagnostics: [{ severity: 'error', code: 'HARNESS_RULE_NOT_FOUND', message: 'rule file not found', location: { file: path }, fix: 'check the path (rules live in expectations/rules/)' }] };
  }
  const diagnostics: Diagnostic[] = [];
  const text = bytes.toString('utf8');
  if (text.trim() === '') diagnostics.push({ severity: 'error', code: 'HARNESS_RULE_EMPTY', message: 'the rule file is empty', location: { file: path, line: 1, column: 1 }, fix: 'paste the AQL query into it' });
  const rel = rulesDir ? relative(rulesDir, path).split(sep).join('/') : basename(path);
  const rule: RuleFile = { id: `rules/${rel}`, path, text, sha256: sha256Hex(bytes) };
  const metaPath = path.replace(/\.aql$/, '.yaml');
  if (existsSync(metaPath)) {
    const m = loadRuleMeta(metaPath, rule.sha256);
    diagnostics.push(...m.diagnostics);
    if (m.meta) rule.meta = m.meta;
  } else {
    diagnostics.push({ severity: 'warning', code: 'HARNESS_RULE_NO_META', message: `no metadata file ${basename(metaPath)} beside the rule`, location: { file: path }, fix: `create ${basename(metaPath)} with name, technique, severity, source, sha256` });
  }
  return { rule, diagnostics };
}

/** Every `*.aql` in `dir`, sorted by name (a missing directory gives an empty list). */
export function loadRules(dir: string): RuleFile[] {
  return loadRulesDir(dir).rules;
}

/** Like loadRules, with the problems found (empty files, bad or mismatching metadata); subdirectories included. */
export function loadRulesDir(dir: string): { rules: RuleFile[]; diagnostics: Diagnostic[] } {
  const rules: RuleFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.aql')) {
        const r = loadRuleFile(p, dir);
        diagnostics.push(...r.diagnostics);
        if (r.rule) rules.push(r.rule);
      }
    }
  };
  walk(dir);
  return { rules, diagnostics };
}

function loadRuleMeta(path: string, sha256: string): { meta?: RuleMeta; diagnostics: Diagnostic[] } {
  const yaml = loadYamlFile(path);
  if (yaml.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: yaml.diagnostics };
  const c = new Collector(yaml);
  const v = yaml.value;
  if (!isPlainObject(v)) {
    c.error([], 'HARNESS_RULE_BAD_META', `rule metadata must be a mapping, found ${typeName(v)}`, 'write name, technique, severity, source, sha256');
    return { diagnostics: c.diagnostics };
  }
  checkKeys(c, [], v, META_KEYS, 'HARNESS_RULE_BAD_META', 'rule metadata');
  for (const k of ['name', 'technique', 'severity', 'source']) {
    if (typeof v[k] !== 'string' || v[k] === '') c.error(v[k] === undefined ? [] : [k], 'HARNESS_RULE_BAD_META', `rule metadata needs a text '${k}', found ${typeName(v[k])}`, `add ${k}: ...`);
  }
  if (typeof v.technique === 'string' && !TECHNIQUE_RE.test(v.technique)) c.error(['technique'], 'HARNESS_RULE_BAD_META', `technique ${JSON.stringify(v.technique)} is not an ATT&CK id`, 'write technique: T1588.004');
  if (typeof v.severity === 'string' && !SEVERITIES.includes(v.severity)) c.error(['severity'], 'HARNESS_RULE_BAD_META', `severity ${JSON.stringify(v.severity)} is not one of ${SEVERITIES.join(', ')}`, 'write severity: high');
  if (v.sha256 !== undefined && !(typeof v.sha256 === 'string' && /^[0-9a-f]{64}$/.test(v.sha256))) {
    c.error(['sha256'], 'HARNESS_RULE_BAD_META', 'sha256 must be 64 lower-case hex digits in quotes', `write sha256: '${sha256}' (the current file's)`);
  } else if (v.sha256 !== undefined && v.sha256 !== sha256) {
    // The rule must reach QRadar exactly as stored: a changed byte (an editor "fixing" a backslash or a
    // line ending) is caught here.
    c.error(['sha256'], 'HARNESS_RULE_CHANGED', `the .aql file's sha256 is ${sha256}, not the recorded ${String(v.sha256)}: the rule's bytes changed`, 'restore the rule exactly as published, or (if the change is intended) record the new sha256');
  }
  // `accepted`: checker findings (by code) that are known and kept on purpose, e.g. a rule stored exactly
  // as published although QRadar rejects it. `harness check` still lists them, as warnings.
  if (v.accepted !== undefined && !(isPlainObject(v.accepted) && Object.entries(v.accepted).every(([k, r]) => /^HARNESS_[A-Z0-9_]+$/.test(k) && typeof r === 'string' && r.trim() !== ''))) {
    c.error(['accepted'], 'HARNESS_RULE_BAD_META', 'accepted must map finding codes (HARNESS_...) to the reason they are kept', 'write accepted: { HARNESS_AQL_UNKNOWN_FIELD: stored exactly as published }');
  }
  if (c.errorCount > 0) return { diagnostics: c.diagnostics };
  return { meta: v as RuleMeta, diagnostics: c.diagnostics };
}
