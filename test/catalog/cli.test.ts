// `harness list` and `harness check` as a user runs them (the real CLI from source, through runCli).
import { expect } from 'chai';
import { join } from 'node:path';
import { DATASETS, datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { runCli } from '../helpers/cli.js';

describe('catalog: harness list / harness check (CLI)', function () {
  it('harness list --json prints exactly the DESIGN section 11 rows for the eight tests', async function () {
    const r = await runCli(['list', '--json']);
    expect(r.exitCode, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).to.have.length(8);
    for (const row of rows) {
      expect(Object.keys(row)).to.deep.equal(['technique', 'techniques', 'guid', 'name', 'platforms', 'executor', 'signals', 'detections']);
      expect(row.techniques).to.be.an('array').that.includes(row.technique);
      expect(row.signals).to.be.a('number').and.be.greaterThan(0);
      for (const d of row.detections as Record<string, unknown>[]) {
        expect(Object.keys(d).filter((k) => k !== 'knownGap')).to.deep.equal(['rule', 'fires']);
        if ('knownGap' in d) expect(d.knownGap).to.be.a('string');
      }
    }
    const linux = rows.find((x) => x.guid === '93edc00f-f511-4f08-8b6d-08297b1a3184')!;
    expect(linux).to.deep.include({ technique: 'T1587.003', platforms: ['linux'], executor: 'sh', signals: 5 });
    expect(linux.detections).to.deep.equal([
      { rule: 'rules/t1588-004-root-ca-install.aql', fires: false },
      {
        rule: 'rules/t1587-003-cert-generation.aql',
        fires: false,
        knownGap: 'the rule reads "Process Path"/"Process CommandLine", which the IBM Linux OS DSM does not populate (its command-line property is "Command" since 1.1.3): on a stock deployment it cannot see the Linux openssl run the seed says it validates',
      },
    ]);
  });

  it('harness list prints a table with one line per test', async function () {
    const r = await runCli(['list']);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout).to.match(/^TECHNIQUES\s+GUID\s+PLATFORMS\s+EXECUTOR\s+SIGNALS\s+NAME\s+DETECTIONS$/m);
    expect(r.stdout).to.include('T1588.004,T1105,T1553.004');
    expect(r.stdout.trim().split('\n').pop()).to.equal('8 test(s)');
  });

  it('harness list --atomics lists the upstream corpus (recorded corpus)', async function () {
    requireOrSkip(this, datasetsPresent(), 'datasets not found');
    const r = await runCli(['list', '--json', '--atomics', join(DATASETS, 'atomic-red-team', 'atomics')]);
    expect(r.exitCode, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as { signals: number }[];
    expect(rows.length).to.be.greaterThan(1500);
  });

  it('harness check with no path checks the project (atomics, expectations, rules, config, targets): no error, exit 0', async function () {
    const r = await runCli(['check']);
    expect(r.exitCode, r.stdout).to.equal(0);
    expect(r.stdout).to.match(/^0 error\(s\), \d+ warning\(s\) in \d+ file\(s\)$/m);
  });

  it('harness check lists every upstream validator fixture error and exits 1 (recorded corpus)', async function () {
    requireOrSkip(this, datasetsPresent(), 'datasets not found');
    const r = await runCli(['check', join(DATASETS, 'atomic-red-team', 'validator-test-data')]);
    expect(r.exitCode).to.equal(1);
    for (const stem of ['elevation_required_but_not_provided', 'empty_dependency_executor_name', 'empty_input_arguments', 'extra_forbidden', 'float_type', 'int_parsing', 'invalid_dependency_executor_name', 'invalid_filename', 'missing_input_argument', 'reused_guid', 'string_pattern_mismatch', 'string_too_short', 'unused_input_argument', 'url_parsing']) {
      expect(r.stdout).to.match(new RegExp(`${stem}\\.ya?ml:\\d+:\\d+: error: .*upstream: ${stem}`));
    }
  });

  it('harness --version prints the package version', async function () {
    const r = await runCli(['--version']);
    expect(r.exitCode).to.equal(0);
    expect(r.stdout.trim()).to.match(/^\d+\.\d+\.\d+$/);
  });

  it('an unknown option is a usage error (exit 2)', async function () {
    const r = await runCli(['list', '--bogus']);
    expect(r.exitCode).to.equal(2);
  });
});
