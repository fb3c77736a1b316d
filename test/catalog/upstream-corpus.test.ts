// Upstream compatibility: every Atomic Red Team file of the recorded corpus loads clean, and every
// invalid file of upstream's validator test data is rejected, one file at a time, with the error that
// names its problem (the file's stem is upstream's error type) and a file:line:column location.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadAtomicFile, loadAtomicsDir } from '../../harness/catalog/atomics.js';
import { formatDiagnostic } from '../../harness/errors.js';
import { DATASETS, datasetsPresent, requireOrSkip } from '../helpers/env.js';

const CORPUS = join(DATASETS, 'atomic-red-team', 'atomics');
const INVALID = join(DATASETS, 'atomic-red-team', 'validator-test-data');

// upstream error type (the fixture's file name) -> our code, and the line the error must point at.
const EXPECTED: Record<string, { code: string; line: number }> = {
  elevation_required_but_not_provided: { code: 'HARNESS_CATALOG_ELEVATION_REQUIRED', line: 11 },
  empty_dependency_executor_name: { code: 'HARNESS_CATALOG_EMPTY_DEPENDENCY_EXECUTOR', line: 20 },
  empty_input_arguments: { code: 'HARNESS_CATALOG_EMPTY_INPUT_ARGUMENTS', line: 10 },
  extra_forbidden: { code: 'HARNESS_CATALOG_UNKNOWN_FIELD', line: 5 },
  float_type: { code: 'HARNESS_CATALOG_BAD_ARGUMENT_DEFAULT', line: 14 },
  int_parsing: { code: 'HARNESS_CATALOG_BAD_ARGUMENT_DEFAULT', line: 14 },
  invalid_dependency_executor_name: { code: 'HARNESS_CATALOG_INVALID_DEPENDENCY_EXECUTOR', line: 20 },
  invalid_filename: { code: 'HARNESS_CATALOG_BAD_FILE_NAME', line: 1 },
  missing_input_argument: { code: 'HARNESS_CATALOG_MISSING_ARGUMENT', line: 11 },
  reused_guid: { code: 'HARNESS_CATALOG_REUSED_GUID', line: 21 },
  string_pattern_mismatch: { code: 'HARNESS_CATALOG_BAD_TECHNIQUE_ID', line: 1 },
  string_too_short: { code: 'HARNESS_CATALOG_TOO_SHORT', line: 2 },
  unused_input_argument: { code: 'HARNESS_CATALOG_UNUSED_ARGUMENT', line: 15 },
  url_parsing: { code: 'HARNESS_CATALOG_BAD_ARGUMENT_DEFAULT', line: 14 },
};

describe('catalog: upstream Atomic Red Team compatibility (recorded corpus)', function () {
  before(function () {
    requireOrSkip(this, datasetsPresent(), `datasets not found at ${DATASETS}`);
  });

  it('loads all 341 upstream atomic files with no error and no warning', function () {
    const r = loadAtomicsDir(CORPUS);
    expect(r.diagnostics.map(formatDiagnostic)).to.deep.equal([]);
    expect(r.files).to.have.length(341);
    // Every test of every file made it through (none silently dropped).
    let expectedTests = 0;
    for (const d of readdirSync(CORPUS)) expectedTests += (parse(readFileSync(join(CORPUS, d, `${d}.yaml`), 'utf8')) as { atomic_tests: unknown[] }).atomic_tests.length;
    expect(r.files.reduce((n, f) => n + f.atomic_tests.length, 0)).to.equal(expectedTests);
  });

  it('keeps upstream values as written (numbering, GUIDs, argument defaults, executors)', function () {
    const r = loadAtomicsDir(CORPUS);
    const t1003 = r.files.find((f) => f.attack_technique === 'T1003')!;
    expect(t1003.display_name).to.equal('OS Credential Dumping');
    t1003.atomic_tests.forEach((t, i) => expect(t.number).to.equal(i + 1));
    const withPort = t1003.atomic_tests.find((t) => t.input_arguments?.custom_port);
    // An integer argument whose default upstream writes as a quoted string stays as written.
    expect(withPort?.input_arguments?.custom_port).to.deep.equal({ description: withPort!.input_arguments!.custom_port!.description, type: 'integer', default: '1234' });
  });

  const fixtures = datasetsPresent() ? readdirSync(INVALID).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  it('has an expectation for every upstream invalid fixture', function () {
    requireOrSkip(this, fixtures.length > 0, 'validator-test-data not found');
    expect(fixtures.map((f) => f.replace(/\.ya?ml$/, '')).sort()).to.deep.equal(Object.keys(EXPECTED).sort());
  });

  for (const f of fixtures) {
    const stem = f.replace(/\.ya?ml$/, '');
    it(`rejects ${f} naming the problem (${stem}) with file:line:column`, function () {
      const r = loadAtomicFile(join(INVALID, f));
      expect(r.file, 'an invalid file must not load').to.equal(undefined);
      const want = EXPECTED[stem]!;
      const hit = r.diagnostics.find((d) => d.code === want.code && d.message.includes(`upstream: ${stem}`));
      expect(hit, r.diagnostics.map(formatDiagnostic).join('\n')).to.not.equal(undefined);
      expect(hit!.severity).to.equal('error');
      expect(hit!.location.file).to.equal(join(INVALID, f));
      expect(hit!.location.line).to.equal(want.line);
      expect(hit!.location.column).to.be.a('number').and.be.greaterThan(0);
    });
  }
});
