// Bad YAML and bad content never produce a stack trace: every problem is a located diagnostic
// (file:line:column, code, fix), collected rather than thrown one at a time.
import { expect } from 'chai';
import { join } from 'node:path';
import { loadAtomicFile } from '../../harness/catalog/atomics.js';
import { checkPaths } from '../../harness/catalog/check.js';
import { loadExpectationFile } from '../../harness/catalog/expectations.js';
import { loadTargets } from '../../harness/config/index.js';
import type { Diagnostic } from '../../harness/errors.js';
import { isHarnessError } from '../../harness/errors.js';
import { packageRoot } from '../../harness/util/paths.js';
import { runCli } from '../helpers/cli.js';

const FIX = join(packageRoot, 'test/fixtures/catalog');
const bad = (f: string) => join(FIX, 'bad', f);

function only(ds: Diagnostic[], code: string): Diagnostic {
  const hit = ds.filter((d) => d.code === code);
  expect(hit, JSON.stringify(ds, null, 1)).to.have.length.greaterThan(0);
  return hit[0]!;
}

describe('catalog: bad input gives located errors, never a stack', function () {
  it('a YAML syntax error', function () {
    const d = only(loadAtomicFile(bad('syntax-error.yaml')).diagnostics, 'HARNESS_YAML_SYNTAX');
    expect(d.location).to.deep.equal({ file: bad('syntax-error.yaml'), line: 6, column: 3 });
  });

  it('an empty file', function () {
    const r = loadAtomicFile(bad('empty.yaml'));
    expect(r.file).to.equal(undefined);
    expect(only(r.diagnostics, 'HARNESS_YAML_EMPTY').location.line).to.equal(1);
  });

  it('a directory where a file is expected', function () {
    const dir = join(FIX, 'a-directory.yaml');
    expect(only(loadAtomicFile(dir).diagnostics, 'HARNESS_FILE_IS_DIRECTORY').location.file).to.equal(dir);
    expect(only(loadExpectationFile(dir).diagnostics, 'HARNESS_FILE_IS_DIRECTORY').severity).to.equal('error');
  });

  it('duplicate keys', function () {
    const d = only(loadAtomicFile(bad('duplicate-keys.yaml')).diagnostics, 'HARNESS_YAML_SYNTAX');
    expect(d.message).to.match(/unique/);
    expect(d.location.line).to.equal(8);
  });

  it('wrong types: all of them, each at its own line', function () {
    const ds = loadAtomicFile(bad('wrong-types.yaml')).diagnostics;
    expect(ds.map((d) => [d.code, d.location.line])).to.deep.equal([
      ['HARNESS_CATALOG_WRONG_TYPE', 4],
      ['HARNESS_CATALOG_BAD_GUID', 5],
      ['HARNESS_CATALOG_WRONG_TYPE', 7],
      ['HARNESS_CATALOG_BAD_EXECUTOR', 9],
    ]);
    for (const d of ds) expect(d.fix, d.message).to.be.a('string');
  });

  it('a misspelt cleanup key is an error, with a did-you-mean', function () {
    const d = only(loadAtomicFile(bad('typo-cleanup.yaml')).diagnostics, 'HARNESS_CATALOG_UNKNOWN_FIELD');
    expect(d.location.line).to.equal(10);
    expect(d.fix).to.include('did you mean "cleanup_command"');
  });

  it('an unknown matcher', function () {
    const d = only(loadExpectationFile(bad('expectation-unknown-matcher.yaml')).diagnostics, 'HARNESS_EXPECT_UNKNOWN_MATCHER');
    expect(d.location).to.deep.equal({ file: bad('expectation-unknown-matcher.yaml'), line: 9, column: 20 });
    expect(d.fix).to.include('did you mean endswith');
  });

  it('an unknown signal source', function () {
    const d = only(loadExpectationFile(bad('expectation-unknown-source.yaml')).diagnostics, 'HARNESS_EXPECT_UNKNOWN_SOURCE');
    expect(d.location.line).to.equal(6);
    expect(d.fix).to.include('did you mean sysmon');
  });

  it('wrong types in an expectation (deadline, event id on auditd, unknown auditd field, fires)', function () {
    const ds = loadExpectationFile(bad('expectation-wrong-types.yaml')).diagnostics;
    expect(ds.map((d) => [d.code, d.location.line])).to.deep.equal([
      ['HARNESS_DURATION_INVALID', 4],
      ['HARNESS_EXPECT_BAD_EVENT_ID', 8],
      ['HARNESS_EXPECT_UNKNOWN_FIELD', 10],
      ['HARNESS_EXPECT_WRONG_TYPE', 13],
    ]);
  });

  it('cross-checks a project: unknown GUID, missing rule, undefined #{arg}, wrong platform, changed rule bytes, name mismatch', function () {
    const ds = checkPaths([join(FIX, 'project')]).diagnostics;
    expect(ds.filter((d) => d.severity === 'error').map((d) => d.code).sort()).to.deep.equal(
      ['HARNESS_EXPECT_SOURCE_PLATFORM', 'HARNESS_EXPECT_UNKNOWN_ARGUMENT', 'HARNESS_EXPECT_UNKNOWN_GUID', 'HARNESS_EXPECT_UNKNOWN_RULE', 'HARNESS_RULE_CHANGED'].sort(),
    );
    expect(only(ds, 'HARNESS_EXPECT_UNKNOWN_ARGUMENT').message).to.include('#{not_declared}');
    expect(only(ds, 'HARNESS_EXPECT_MISSING').severity).to.equal('warning');
    // An entry whose name is another test's: a GUID pasted from the wrong test.
    expect(only(ds, 'HARNESS_EXPECT_NAME_MISMATCH').location.line).to.equal(4);
  });

  it('a targets file that is a directory is one located error (thrown as a whole)', function () {
    try {
      loadTargets(join(FIX, 'a-directory.yaml'));
      expect.fail('no error');
    } catch (e) {
      expect(isHarnessError(e)).to.equal(true);
      expect((e as Error).message).to.include('HARNESS_FILE_IS_DIRECTORY');
    }
  });

  it('harness check prints every problem as file:line:column: severity: message [CODE] + fix, exit 1, no stack', async function () {
    const files = ['syntax-error.yaml', 'empty.yaml', 'duplicate-keys.yaml', 'wrong-types.yaml', 'expectation-unknown-matcher.yaml', 'expectation-unknown-source.yaml'].map(bad);
    const r = await runCli(['check', ...files, join(FIX, 'a-directory.yaml')]);
    expect(r.exitCode).to.equal(1);
    expect(r.stdout + r.stderr).to.not.match(/\n\s+at .+\(.*:\d+:\d+\)/);
    const lines = r.stdout.split('\n').filter((l) => /: (error|warning): /.test(l));
    expect(lines).to.have.length(9);
    for (const l of lines) expect(l).to.match(/^test\/fixtures\/catalog\/bad\/[\w-]+\.yaml:\d+:\d+: (error|warning): .+ \[HARNESS_[A-Z_]+\]$/);
    expect(r.stdout).to.include('  fix: ');
    expect(r.stdout.trim().split('\n').pop()).to.equal('9 error(s), 0 warning(s) in 6 file(s)');
  });

  it('harness check on a path that does not exist is a usage error (exit 2)', async function () {
    const r = await runCli(['check', 'no/such/file.yaml']);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.match(/HARNESS_CHECK_PATH_NOT_FOUND/);
    expect(r.stderr).to.not.match(/\n\s+at /);
  });
});
