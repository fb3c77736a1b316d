// Cross-checks between atomics, expectations and rules: every expectation GUID exists, every rule file
// exists, every `#{arg}` an expectation uses is defined, every signal source fits the test's platforms.
import type { Diagnostic } from '../errors.js';
import type { AtomicTest, Catalog, FieldMatcher } from '../model/catalog.js';
import { BUILTIN_ARGS, placeholdersIn } from './args.js';
import { expectationNames } from './expectations.js';
import { SOURCES } from './sources.js';

/** Finds the atomic test with this GUID (lower-case compare). */
export function findTest(catalog: Catalog, guid: string): AtomicTest | undefined {
  const g = guid.toLowerCase();
  for (const f of catalog.atomics) for (const t of f.atomic_tests) if (t.auto_generated_guid === g) return t;
  return undefined;
}

/** All cross-file problems of a loaded catalog (the per-file checks ran while loading). */
export function crossCheck(catalog: Catalog): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ruleIds = new Set(catalog.rules.map((r) => r.id));
  const covered = new Set<string>();
  for (const ef of catalog.expectations) {
    for (const te of ef.tests) {
      const test = findTest(catalog, te.guid);
      if (!test) {
        out.push({ severity: 'error', code: 'HARNESS_EXPECT_UNKNOWN_GUID', message: `no atomic test has GUID ${te.guid}`, location: te.location, fix: 'copy the auto_generated_guid from the atomic file (atomics/T*/T*.yaml)' });
        continue;
      }
      covered.add(te.guid);
      const named = expectationNames.get(te);
      if (named && named.name !== test.name) {
        // A name that disagrees with the GUID's test usually means a GUID pasted from the wrong test.
        out.push({ severity: 'warning', code: 'HARNESS_EXPECT_NAME_MISMATCH', message: `this entry is named ${JSON.stringify(named.name)}, but GUID ${te.guid} is the test ${JSON.stringify(test.name)}`, location: named.location, fix: 'check the GUID, or correct the name' });
      }
      if (test.technique !== ef.technique) {
        out.push({ severity: 'warning', code: 'HARNESS_EXPECT_TECHNIQUE_MISMATCH', message: `test ${te.guid} belongs to ${test.technique}, but this file is for ${ef.technique}`, location: te.location, fix: `move the entry to expectations/${test.technique}.yaml` });
      }
      const declared = new Set([...Object.keys(test.input_arguments ?? {}), ...Object.keys(BUILTIN_ARGS)]);
      for (const s of te.signals) {
        const spec = SOURCES[s.source as keyof typeof SOURCES];
        const os = test.supported_platforms;
        if (spec && !os.includes(spec.platform)) {
          out.push({ severity: 'error', code: 'HARNESS_EXPECT_SOURCE_PLATFORM', message: `signal ${s.id}: source ${s.source} exists only on ${spec.platform}, but the test runs on ${os.join(', ')}`, location: s.location, fix: `use a source of the test's platform (${os.includes('windows') ? 'sysmon, security, powershell' : 'auditd, sysmon-linux'})` });
        }
        for (const [field, ms] of Object.entries(s.where)) {
          for (const name of ms.flatMap(valuesOf).flatMap((v) => placeholdersIn(v))) {
            if (!declared.has(name)) {
              out.push({ severity: 'error', code: 'HARNESS_EXPECT_UNKNOWN_ARGUMENT', message: `signal ${s.id}, field ${field}: #{${name}} is neither an input argument of the test nor a built-in`, location: s.location, fix: `declare ${name} in the test's input_arguments, or use a built-in (${Object.keys(BUILTIN_ARGS).join(', ')})` });
            }
          }
        }
      }
      for (const d of te.detections) {
        if (d.kind === 'aql' && !ruleIds.has(d.rule)) {
          out.push({ severity: 'error', code: 'HARNESS_EXPECT_UNKNOWN_RULE', message: `rule file ${d.rule} does not exist in expectations/rules/`, location: d.location, fix: `name one of: ${[...ruleIds].join(', ') || '(no rules found)'}` });
        }
      }
    }
  }
  for (const f of catalog.atomics) {
    for (const t of f.atomic_tests) {
      const art = (t['x-harness']?.artefact as { certificate?: string } | undefined)?.certificate;
      const declared = new Set([...Object.keys(t.input_arguments ?? {}), ...Object.keys(BUILTIN_ARGS)]);
      for (const name of placeholdersIn(art).filter((n) => !declared.has(n))) {
        out.push({ severity: 'error', code: 'HARNESS_CATALOG_MISSING_ARGUMENT', message: `x-harness.artefact.certificate uses #{${name}}, which the test does not define`, location: t.location, fix: `declare ${name} in input_arguments or use a built-in` });
      }
      if (!covered.has(t.auto_generated_guid)) {
        out.push({ severity: 'warning', code: 'HARNESS_EXPECT_MISSING', message: `atomic test ${t.technique}-${t.number} ${JSON.stringify(t.name)} has no expectation entry`, location: t.location, fix: `add an entry with guid: ${t.auto_generated_guid} to expectations/${t.technique}.yaml` });
      }
    }
  }
  return out;
}

function valuesOf(m: FieldMatcher): string[] {
  return Array.isArray(m.value) ? m.value : typeof m.value === 'string' ? [m.value] : [];
}
