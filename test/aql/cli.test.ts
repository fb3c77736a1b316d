import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { datasetsPresent, requireOrSkip, DATASETS } from '../helpers/env.js';
import { ev, SEED1, SEED2, sigmaEvent } from './helpers.js';

describe('harness aql (CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  before(function () {
    requireOrSkip(this, datasetsPresent(), 'the shared datasets are not present');
    dir = mkdtempSync(join(tmpdir(), 'aql-cli-'));
    writeFileSync(join(dir, 'seed1.aql'), SEED1() + '\n');
    writeFileSync(join(dir, 'seed2.aql'), SEED2() + '\n');
    writeFileSync(join(dir, 'seed1-fixed.aql'), SEED1().replace(/\\\\/g, '\\').replace(`LOGSOURCETYPENAME(devicetype) ILIKE '%Sysmon%'`, 'devicetype = 12') + '\n');
    const reg = sigmaEvent('registry_set_install_root_or_ca_certificat');
    // Normalised JSONL as `harness events convert` writes it: one event per line.
    writeFileSync(join(dir, 'events.jsonl'), [reg, ev({ EventID: 13, TargetObject: 'HKLM\\SOFTWARE\\x', Image: 'C:\\x.exe' })].map((e) => JSON.stringify({ ...e, origin: { format: 'jsonl' } })).join('\n') + '\n');
    writeFileSync(join(dir, 'count.aql'), `SELECT COUNT(*) AS n, LOGSOURCETYPENAME(devicetype) FROM events GROUP BY devicetype LAST 1 DAYS\n`);
  });

  it('aql run --json prints exactly an Ariel results body', async () => {
    const r = await runCli(['aql', 'run', '--query', join(dir, 'seed1-fixed.aql'), '--events', join(dir, 'events.jsonl'), '--now', '2026-08-11T12:00:00Z', '--profile', 'stock', '--json']);
    expect(r.stderr).to.equal('');
    expect(r.exitCode).to.equal(0);
    const body = JSON.parse(r.stdout);
    expect(Object.keys(body)).to.deep.equal(['events']);
    expect(body.events).to.have.length(1);
    expect(body.events[0]).to.include({ store_type: 'Intermediate CA', event_time: '2026-08-11 08:16:08', host: 'SigmaCatchVm' });
    expect(r.stdout).to.equal(JSON.stringify(body)); // one compact line (execa strips the final newline)
  });

  it('aql run reads the query from stdin and real EVTX through the telemetry parsers', async () => {
    const evtx = join(DATASETS, 'SigmaHQ-sigma-regression_data', 'registry_set_install_root_or_ca_certificat', 'd223b46b-5621-4037-88fe-fda32eead684.evtx');
    const r = await runCli(['aql', 'run', '--query', '-', '--events', evtx, '--now', '2026-08-11T12:00:00Z', '--json'], { input: `SELECT "TargetObject" AS t, LOGSOURCETYPENAME(devicetype) FROM events WHERE "EventID" IN ('12','13') LAST 1 DAYS` });
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ events: [{ t: 'HKU\\S-1-5-21-4246997345-1000708036-2014123355-1001\\Software\\Microsoft\\SystemCertificates\\CA\\Certificates\\67CB47F0FE1CE30BE53C368173B985747E9762D0\\Blob', logsourcetypename_devicetype: 'Microsoft Windows Security Event Log' }] });
  });

  it('aql run of the published seed 2 fails with the located LOGSOURCETIME error and exit 2, no stack', async () => {
    const r = await runCli(['aql', 'run', '--query', join(dir, 'seed2.aql'), '--events', join(dir, 'events.jsonl'), '--json']);
    expect(r.exitCode).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.contain(`harness: ${join(dir, 'seed2.aql')}:47:7: Unknown field LOGSOURCETIME. Did you mean devicetime (the Log Source Time)?`);
    expect(r.stderr).to.contain('[HARNESS_AQL_UNKNOWN_FIELD]');
    expect(r.stderr).to.not.match(/\n\s+at /);
  });

  it('aql lint on both seed rules lists the findings with line:column and exits 1', async () => {
    const r = await runCli(['aql', 'lint', join(dir, 'seed1.aql'), join(dir, 'seed2.aql')]);
    expect(r.exitCode).to.equal(1);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith(dir));
    expect(lines.map((l) => l.slice(dir.length + 1).replace(/: .*\[/, ' [').replace(/\]$/, ']'))).to.deep.equal([
      'seed1.aql:6:3 [HARNESS_AQL_LINT_UNDOCUMENTED]', 'seed1.aql:7:37 [HARNESS_AQL_LINT_DOUBLE_BACKSLASH]', 'seed1.aql:8:35 [HARNESS_AQL_LINT_DOUBLE_BACKSLASH]',
      'seed1.aql:16:7 [HARNESS_AQL_LINT_NO_DSM]', 'seed1.aql:19:28 [HARNESS_AQL_LINT_DOUBLE_BACKSLASH]', 'seed1.aql:20:31 [HARNESS_AQL_LINT_DOUBLE_BACKSLASH]',
      'seed1.aql:21:31 [HARNESS_AQL_LINT_DOUBLE_BACKSLASH]', 'seed1.aql:22:31 [HARNESS_AQL_LINT_DOUBLE_BACKSLASH]',
      'seed2.aql:2:24 [HARNESS_AQL_LINT_WEEK_YEAR]', 'seed2.aql:8:1 [HARNESS_AQL_LINT_UNDOCUMENTED]', 'seed2.aql:39:1 [HARNESS_AQL_LINT_UNDOCUMENTED]',
      'seed2.aql:47:7 [HARNESS_AQL_UNKNOWN_FIELD]', 'seed2.aql:47:7 [HARNESS_AQL_LINT_TIME_PREDICATE]', 'seed2.aql:47:31 [HARNESS_AQL_LINT_UNDOCUMENTED]',
      'seed2.aql:52:4 [HARNESS_AQL_LINT_ONLY_ELSE]',
    ]);
    expect(r.stderr).to.equal('1 error(s), 14 warning(s)');
  });

  it('aql lint exits 0 on a clean rule', async () => {
    const r = await runCli(['aql', 'lint', join(dir, 'count.aql')]);
    expect(r.stdout).to.equal('');
    expect(r.exitCode).to.equal(0);
  });

  it('aql explain says which predicate of the published seed 1 rejected each event', async () => {
    const r = await runCli(['aql', 'explain', '--query', join(dir, 'seed1.aql'), '--events', join(dir, 'events.jsonl'), '--now', '2026-08-11T12:00:00Z']);
    expect(r.exitCode, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/: not returned: LOGSOURCETYPENAME\(devicetype\) ILIKE '%Sysmon%' was false: left side was 'Microsoft Windows Security Event Log' \(.*seed1\.aql:16:7\)$/);
  });

  it('aql explain --relaxed evaluates the published seed 2 with LOGSOURCETIME as NULL', async () => {
    const r = await runCli(['aql', 'explain', '--query', join(dir, 'seed2.aql'), '--events', join(dir, 'events.jsonl'), '--relaxed', '--json']);
    expect(r.exitCode, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out[0]).to.include({ matched: false, predicate: 'LOGSOURCETIME > NOW() - 1 DAYS', result: null });
  });

  it('a syntax error prints the caret excerpt and exits 2', async () => {
    const r = await runCli(['aql', 'run', '--query', '-', '--events', join(dir, 'events.jsonl')], { input: 'SELECT a FROM events WHERE a LIKE' });
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.equal('harness: <stdin>:1:34: Syntax Error: Unexpected <EOF>.\n1 | SELECT a FROM events WHERE a LIKE\n  |                                  ^ [HARNESS_AQL_SYNTAX]\n  fix: correct the query at the marked position');
  });

  it('a missing query file is a located usage error', async () => {
    const r = await runCli(['aql', 'run', '--query', join(dir, 'nope.aql'), '--events', join(dir, 'events.jsonl')]);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.contain('HARNESS_AQL_QUERY_NOT_FOUND');
  });
});
