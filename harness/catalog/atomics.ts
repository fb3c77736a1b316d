// Loading Atomic Red Team files (upstream schema, DESIGN section 5): one file, or a directory laid out as
// upstream's `atomics/T*/T*.yaml`. Problems are collected as located diagnostics, never thrown.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { AtomicFile, AtomicTest } from '../model/catalog.js';
import { loadYamlFile, type LoadedYaml } from '../util/yaml.js';
import { TECHNIQUE_RE, validateAtomicTest } from './atomic-test.js';
import { checkKeys, Collector, isPlainObject, typeName } from './schema.js';

export interface AtomicsLoad {
  files: AtomicFile[];
  diagnostics: Diagnostic[];
}

/** Loads and validates one ART file; `file` is set only when it has no error. */
export function loadAtomicFile(path: string): { file?: AtomicFile; diagnostics: Diagnostic[] } {
  const yaml = loadYamlFile(path);
  const diagnostics: Diagnostic[] = [...yaml.diagnostics];
  if (path.endsWith('.yml')) {
    diagnostics.push({ severity: 'error', code: 'HARNESS_CATALOG_BAD_FILE_NAME', message: 'atomic files must end in .yaml, not .yml (upstream: invalid_filename)', location: { file: path, line: 1, column: 1 }, fix: `rename it to ${basename(path).replace(/\.yml$/, '.yaml')}` });
  }
  if (diagnostics.some((d) => d.severity === 'error') && yaml.value === null) return { diagnostics };
  const c = new Collector(yaml);
  const file = validateAtomicDocument(c, yaml);
  diagnostics.push(...c.diagnostics);
  checkGuidsUnique(file?.atomic_tests ?? [], new Map(), yaml, diagnostics);
  return diagnostics.some((d) => d.severity === 'error') || !file ? { diagnostics } : { file, diagnostics };
}

/** Loads every `T*\/T*.yaml` under `dir` (sorted); a GUID used twice anywhere in the directory is an error. */
export function loadAtomicsDir(dir: string): AtomicsLoad {
  const diagnostics: Diagnostic[] = [];
  const files: AtomicFile[] = [];
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) {
      return { files, diagnostics: [{ severity: 'error', code: 'HARNESS_CATALOG_NOT_A_DIRECTORY', message: 'expected a directory of atomics (T*/T*.yaml), found a file', location: { file: dir }, fix: 'name the atomics directory' }] };
    }
    entries = readdirSync(dir).sort();
  } catch {
    return { files, diagnostics: [{ severity: 'error', code: 'HARNESS_FILE_NOT_FOUND', message: 'atomics directory not found', location: { file: dir }, fix: 'check the path' }] };
  }
  const seen = new Map<string, string>();
  for (const name of entries) {
    const sub = join(dir, name);
    if (!/^T\d{4}/.test(name) || !statSync(sub).isDirectory()) continue;
    for (const f of readdirSync(sub).sort()) {
      if (!/^T.*\.ya?ml$/.test(f)) continue;
      const path = join(sub, f);
      const r = loadAtomicFile(path);
      diagnostics.push(...r.diagnostics);
      if (!r.file) continue;
      if (basename(f).replace(/\.ya?ml$/, '') !== r.file.attack_technique) {
        diagnostics.push({ severity: 'warning', code: 'HARNESS_CATALOG_FILE_NAME_MISMATCH', message: `file name does not match attack_technique ${r.file.attack_technique}`, location: { file: path }, fix: `name it ${r.file.attack_technique}/${r.file.attack_technique}.yaml` });
      }
      const dups: Diagnostic[] = [];
      checkGuidsUnique(r.file.atomic_tests, seen, undefined, dups, path);
      diagnostics.push(...dups);
      if (!dups.some((d) => d.severity === 'error')) files.push(r.file);
    }
  }
  return { files, diagnostics };
}

function validateAtomicDocument(c: Collector, yaml: LoadedYaml): AtomicFile | undefined {
  const doc = yaml.value;
  if (!isPlainObject(doc)) {
    c.error([], 'HARNESS_CATALOG_WRONG_TYPE', `an atomic file must be a mapping with attack_technique, display_name and atomic_tests, found ${typeName(doc)}`, 'see atomics/T1588.004/T1588.004.yaml for the layout');
    return undefined;
  }
  checkKeys(c, [], doc, ['attack_technique', 'display_name', 'atomic_tests'], 'HARNESS_CATALOG_UNKNOWN_FIELD', 'the file');
  const tech = doc.attack_technique;
  let technique = '';
  if (typeof tech !== 'string' || !TECHNIQUE_RE.test(tech)) {
    c.error(tech === undefined ? [] : ['attack_technique'], tech === undefined ? 'HARNESS_CATALOG_MISSING_FIELD' : 'HARNESS_CATALOG_BAD_TECHNIQUE_ID', `attack_technique ${JSON.stringify(tech ?? null)} is not an ATT&CK technique id like T1588 or T1588.004 (upstream: string_pattern_mismatch)`, 'write the technique id as T followed by 4 digits, optionally .NNN');
  } else technique = tech;
  const dn = doc.display_name;
  if (typeof dn !== 'string') {
    c.error(dn === undefined ? [] : ['display_name'], dn === undefined ? 'HARNESS_CATALOG_MISSING_FIELD' : 'HARNESS_CATALOG_WRONG_TYPE', `display_name must be text, found ${typeName(dn)}`, 'write the technique name, e.g. display_name: "Obtain Capabilities: Digital Certificates"');
  } else if (dn.length < 5) {
    c.error(['display_name'], 'HARNESS_CATALOG_TOO_SHORT', `display_name ${JSON.stringify(dn)} is shorter than 5 characters (upstream: string_too_short)`, 'write the full technique name');
  }
  const tests = doc.atomic_tests;
  if (!Array.isArray(tests) || tests.length === 0) {
    c.error(tests === undefined ? [] : ['atomic_tests'], tests === undefined ? 'HARNESS_CATALOG_MISSING_FIELD' : 'HARNESS_CATALOG_WRONG_TYPE', `atomic_tests must be a non-empty list, found ${typeName(tests)}`, 'add at least one test under atomic_tests');
    return undefined;
  }
  const out: AtomicTest[] = [];
  tests.forEach((t, i) => {
    const v = validateAtomicTest(c, i, t, technique);
    if (v) out.push(v);
  });
  return { attack_technique: technique, display_name: dn as string, atomic_tests: out, file: yaml.file };
}

// Upstream's validator remembers every GUID it has seen in one run; a second use is `reused_guid`.
function checkGuidsUnique(tests: AtomicTest[], seen: Map<string, string>, yaml: LoadedYaml | undefined, out: Diagnostic[], file?: string): void {
  for (const t of tests) {
    if (!t.auto_generated_guid) continue;
    const here = yaml ? yaml.locate(['atomic_tests', t.number - 1, 'auto_generated_guid']) : { ...t.location, file: file ?? t.location.file };
    const first = seen.get(t.auto_generated_guid);
    if (first) {
      out.push({ severity: 'error', code: 'HARNESS_CATALOG_REUSED_GUID', message: `GUID ${t.auto_generated_guid} reused for test ${JSON.stringify(t.name)} (first used at ${first}) (upstream: reused_guid)`, location: here, fix: `remove atomic_tests[${t.number - 1}].auto_generated_guid (GUIDs are generated) or give a new UUID` });
    } else {
      seen.set(t.auto_generated_guid, `${here.file}:${here.line ?? 1}`);
    }
  }
}
