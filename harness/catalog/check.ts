// `harness check` as a library: validate the project's own content (atomics, expectations, rules, config,
// targets, with cross-checks) or the files and directories given, collecting every problem.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HarnessError, type Diagnostic } from '../errors.js';
import { checkConfigFile, checkTargetsFile } from '../config/index.js';
import type { Catalog } from '../model/catalog.js';
import { atomicsDir, expectationsDir, packageRoot } from '../util/paths.js';
import { loadYamlFile } from '../util/yaml.js';
import { loadAtomicFile, loadAtomicsDir } from './atomics.js';
import { crossCheck } from './crosscheck.js';
import { loadExpectationFile } from './expectations.js';
import { checkCatalog, loadCatalog, runRuleChecker } from './index.js';
import { loadRuleFile, loadRulesDir } from './rules.js';
import { isPlainObject } from './schema.js';

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** Files looked at. */
  files: string[];
}

/** Checks a project root: atomics/, expectations/ (+ rules/), harness.config.yaml and targets.yaml if present. */
export function checkProject(root: string = packageRoot): CheckResult {
  const aDir = root === packageRoot ? atomicsDir : join(root, 'atomics');
  const eDir = root === packageRoot ? expectationsDir : join(root, 'expectations');
  const { catalog, diagnostics } = loadCatalog({ atomicsDir: aDir, expectationsDir: eDir });
  const files = [...catalog.atomics.map((f) => f.file), ...catalog.expectations.map((f) => f.file), ...catalog.rules.map((r) => r.path)];
  diagnostics.push(...checkCatalog(catalog));
  for (const [name, check] of [['harness.config.yaml', checkConfigFile], ['targets.yaml', (p: string) => checkTargetsFile(p).diagnostics]] as const) {
    const p = join(root, name);
    if (existsSync(p)) {
      files.push(p);
      diagnostics.push(...check(p));
    }
  }
  return { diagnostics, files };
}

/** Checks each path: a file by its kind, a directory file by file (a project root with cross-checks). */
export function checkPaths(paths: string[]): CheckResult {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new HarnessError('HARNESS_CHECK_PATH_NOT_FOUND', `no such file or directory: ${missing.join(', ')}`, { fix: 'give existing files or directories, or no path to check the project itself' });
  }
  const out: CheckResult = { diagnostics: [], files: [] };
  for (const p of paths) {
    const r = statSync(p).isDirectory() ? checkDirectory(p) : checkFile(p);
    out.diagnostics.push(...r.diagnostics);
    out.files.push(...r.files);
  }
  return out;
}

function checkDirectory(dir: string): CheckResult {
  if (existsSync(join(dir, 'atomics')) && existsSync(join(dir, 'expectations'))) return checkProject(dir);
  const entries = readdirSync(dir).sort();
  // An atomics tree (T*/T*.yaml) is checked as one, so a GUID reused across files is caught.
  if (entries.some((e) => /^T\d{4}/.test(e) && statSync(join(dir, e)).isDirectory())) {
    const r = loadAtomicsDir(dir);
    return { diagnostics: r.diagnostics, files: r.files.map((f) => f.file) };
  }
  const out: CheckResult = { diagnostics: [], files: [] };
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      const r = checkDirectory(p);
      out.diagnostics.push(...r.diagnostics);
      out.files.push(...r.files);
    } else if (/\.(ya?ml|aql)$/.test(e) && !isRuleMeta(p)) {
      out.files.push(p);
      out.diagnostics.push(...checkFile(p).diagnostics);
    }
  }
  return out;
}

/** Checks one file, telling its kind from its extension and top-level keys. */
export function checkFile(path: string): CheckResult {
  const files = [path];
  if (path.endsWith('.aql')) {
    const r = loadRuleFile(path);
    return { diagnostics: [...r.diagnostics, ...(r.rule ? runRuleChecker(r.rule) : [])], files };
  }
  if (isRuleMeta(path)) return { diagnostics: loadRuleFile(path.replace(/\.ya?ml$/, '.aql')).diagnostics, files };
  const y = loadYamlFile(path);
  if (y.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: y.diagnostics, files };
  const v = isPlainObject(y.value) ? y.value : {};
  if ('atomic_tests' in v || 'attack_technique' in v || path.endsWith('.yml')) return { diagnostics: loadAtomicFile(path).diagnostics, files };
  if ('tests' in v && 'technique' in v) return { diagnostics: checkExpectationFile(path), files };
  if ('targets' in v && Array.isArray(v.targets)) return { diagnostics: checkTargetsFile(path).diagnostics, files };
  if (basename(path).startsWith('harness.config') || ['backend', 'qradar', 'timeouts', 'failOn', 'reportDir'].some((k) => k in v)) return { diagnostics: checkConfigFile(path), files };
  return {
    diagnostics: [{ severity: 'error', code: 'HARNESS_CHECK_UNKNOWN_KIND', message: 'cannot tell what kind of file this is (not an atomic, expectation, rule, config or targets file)', location: { file: path, line: 1, column: 1 }, fix: 'atomics have attack_technique + atomic_tests, expectations have technique + tests, targets files have targets' }],
    files,
  };
}

// An expectation file on its own is still cross-checked against the project's atomics and the rules beside it.
function checkExpectationFile(path: string): Diagnostic[] {
  const r = loadExpectationFile(path);
  if (!r.file) return r.diagnostics;
  const atomics = loadAtomicsDir(atomicsDir).files;
  const catalog: Catalog = { atomics, expectations: [r.file], rules: loadRulesDir(join(dirname(path), 'rules')).rules };
  return [...r.diagnostics, ...crossCheck(catalog).filter((d) => d.code !== 'HARNESS_EXPECT_MISSING')];
}

function isRuleMeta(p: string): boolean {
  return /\.ya?ml$/.test(p) && existsSync(p.replace(/\.ya?ml$/, '.aql'));
}
