// The catalog as the rest of the harness sees it: atomics + expectations + rules loaded together,
// cross-checked, and summarised as the rows of `harness list --json` (DESIGN section 11).
import { join } from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { Catalog, RuleFile } from '../model/catalog.js';
import { atomicsDir as defaultAtomicsDir, expectationsDir as defaultExpectationsDir } from '../util/paths.js';
import { loadAtomicsDir } from './atomics.js';
import { crossCheck } from './crosscheck.js';
import { loadExpectationsDir } from './expectations.js';
import { loadRulesDir } from './rules.js';

export { loadAtomicFile, loadAtomicsDir } from './atomics.js';
export { loadExpectationFile, loadExpectationsDir } from './expectations.js';
export { loadRules, loadRulesDir, loadRuleFile } from './rules.js';
export { BUILTIN_ARGS, substituteArgs, argumentsOf, placeholdersIn } from './args.js';
export { parseDuration, tryParseDuration } from './duration.js';
export { findTest } from './crosscheck.js';

/** A rule checker (the AQL engine's compile + lint) that `checkCatalog` and `harness check` run on every rule. */
export type RuleChecker = (rule: RuleFile) => Diagnostic[];

let ruleChecker: RuleChecker | undefined;

/** Installs the rule checker (the AQL area calls this); `undefined` removes it. */
export function registerRuleChecker(fn: RuleChecker | undefined): void {
  ruleChecker = fn;
}

/** Runs the registered rule checker on one rule, turning a crash into a located diagnostic. */
export function runRuleChecker(rule: RuleFile): Diagnostic[] {
  if (!ruleChecker) return [];
  try {
    const accepted = (rule.meta?.accepted ?? {}) as Record<string, string>;
    // Findings the rule's metadata accepts (kept on purpose, e.g. stored as published) stay visible as warnings.
    return ruleChecker(rule).map((d) =>
      d.severity === 'error' && Object.prototype.hasOwnProperty.call(accepted, d.code)
        ? { ...d, severity: 'warning' as const, message: `${d.message} (accepted in the rule's metadata: ${accepted[d.code]})` }
        : d,
    );
  } catch (e) {
    return [{ severity: 'error', code: 'HARNESS_RULE_CHECK_FAILED', message: `the rule checker failed: ${(e as Error).message}`, location: { file: rule.path } }];
  }
}

export interface CatalogOptions {
  atomicsDir?: string;
  expectationsDir?: string;
}

/** Loads atomics, expectations and `expectations/rules/`; invalid files are left out and reported. */
export function loadCatalog(opts: CatalogOptions = {}): { catalog: Catalog; diagnostics: Diagnostic[] } {
  const aDir = opts.atomicsDir ?? defaultAtomicsDir;
  const eDir = opts.expectationsDir ?? defaultExpectationsDir;
  const a = loadAtomicsDir(aDir);
  const e = loadExpectationsDir(eDir);
  const r = loadRulesDir(join(eDir, 'rules'));
  return { catalog: { atomics: a.files, expectations: e.files, rules: r.rules }, diagnostics: [...a.diagnostics, ...e.diagnostics, ...r.diagnostics] };
}

/** Cross-checks of a loaded catalog, plus the registered rule checker on every rule. */
export function checkCatalog(catalog: Catalog): Diagnostic[] {
  return [...crossCheck(catalog), ...catalog.rules.flatMap(runRuleChecker)];
}

/** One row of `harness list --json` (DESIGN section 11). */
export interface CatalogEntry {
  technique: string;
  techniques: string[];
  guid: string;
  name: string;
  platforms: string[];
  executor: string;
  signals: number;
  detections: { rule: string; fires: boolean; knownGap?: string }[];
}

/** The `harness list --json` rows: one per atomic test, in file then test order, with its expectations. */
export function catalogEntries(catalog: Catalog): CatalogEntry[] {
  const byGuid = new Map(catalog.expectations.flatMap((f) => f.tests.map((t) => [t.guid, t] as const)));
  const rows: CatalogEntry[] = [];
  for (const f of catalog.atomics) {
    for (const t of f.atomic_tests) {
      const exp = byGuid.get(t.auto_generated_guid);
      const extra = Array.isArray(t['x-harness']?.techniques) ? t['x-harness']!.techniques! : [];
      rows.push({
        technique: t.technique,
        techniques: [t.technique, ...extra.filter((x) => x !== t.technique)],
        guid: t.auto_generated_guid,
        name: t.name,
        platforms: [...t.supported_platforms],
        executor: t.executor.name,
        signals: exp?.signals.length ?? 0,
        detections: (exp?.detections ?? []).map((d) => ({ rule: d.rule, fires: d.fires, ...(d.knownGap ? { knownGap: d.knownGap } : {}) })),
      });
    }
  }
  return rows;
}
