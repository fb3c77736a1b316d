// The embedded default (`npm start` = `harness run` with no flags): this machine as a Linux target through
// the local executor, its real auditd log, the embedded AQL engine. Real parts only: the real CLI, real
// openssl, the kernel audit log. The Windows behaviours are SKIPPED on Linux with the reason.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { hasCommand, isRoot, requireOrSkip } from '../helpers/env.js';
import { auditUnavailable, mayStopAuditd, stopAuditd } from '../helpers/auditd.js';
import { packageRoot } from '../../harness/util/paths.js';

// The CLI from source with the working directory outside the package (no targets.yaml there): tsx is
// imported by absolute path, since a bare `--import tsx` resolves from the working directory.
function cliIn(cwd: string, args: string[], uid?: number): { exitCode: number; stdout: string; stderr: string } {
  const node = [process.execPath, '--import', join(packageRoot, 'node_modules/tsx/dist/loader.mjs'), join(packageRoot, 'harness/cli/main.ts'), ...args];
  const cmd = uid === undefined ? node : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', ...node];
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: cwd, FORCE_COLOR: '0', TMPDIR: cwd }, timeout: 280_000 });
  return { exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const LINUX_GUID = '93edc00f-f511-4f08-8b6d-08297b1a3184';

describe('harness run on the embedded default (this machine, its auditd log, the embedded AQL engine)', function () {
  this.timeout(300_000);

  it('as root with auditd: real verdicts for the Linux behaviour, Windows ones SKIPPED, the full report set and reports/latest', async function () {
    const why = auditUnavailable();
    requireOrSkip(this, why === null, why ?? '');
    // As on a fresh machine, where nothing has started auditd yet: `--setup-sensors` starts it. Where this
    // test may not stop the machine's auditd, it runs with whatever state the machine is in.
    if (mayStopAuditd) await stopAuditd('clean');
    const cwd = mkdtempSync(join(tmpdir(), 'ath-embedded-'));
    const r = cliIn(cwd, ['run', '--report-dir', join(cwd, 'reports'), '--fail-on', 'never', '--setup-sensors']);
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.stderr).to.contain('embedded default');
    const latest = join(cwd, 'reports', 'latest');
    const runDir = join(cwd, 'reports', readlinkSync(latest));
    for (const f of ['report.json', 'junit.xml', 'report.html', 'summary.md', 'navigator-layer.json', 'evidence.jsonl', 'journal.jsonl']) expect(existsSync(join(runDir, f)), f).to.equal(true);
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8'));
    expect(report.results).to.have.length(8);
    const auditd = report.targets[0].preflight.sensors.find((x: { name: string }) => x.name === 'auditd');
    expect(auditd.ok, auditd.detail).to.equal(true);
    if (mayStopAuditd) expect(auditd.detail).to.equal('auditd is running (started by --setup-sensors, left running)');
    expect(report.rules.map((x: { file: string }) => x.file)).to.include('rules/t1587-003-cert-generation.aql');
    for (const x of report.results.filter((x: { platform: string; guid: string }) => x.guid !== LINUX_GUID)) {
      expect(x.verdict).to.equal('SKIPPED');
      expect(x.reason).to.match(/windows/i);
    }
    const lin = report.results.find((x: { guid: string }) => x.guid === LINUX_GUID);
    // A real verdict: the openssl runs were seen in the audit log, tied by the marker in their file names.
    expect(['DETECTED', 'MISSED'], JSON.stringify(lin, null, 1).slice(0, 3000)).to.include(lin.verdict);
    const tied = lin.signals.filter((s: { found: boolean }) => s.found);
    expect(tied.length).to.be.greaterThan(0);
    expect(tied[0].tie).to.equal('marker');
    const ev = readFileSync(join(runDir, 'evidence.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(ev[tied[0].eventRefs[0]].payload).to.contain(lin.marker);
    if (lin.verdict === 'MISSED') expect(lin.reason).to.match(/rule rejected|line \d+/);
    expect(r.stdout).to.contain('report set:');
    expect(JSON.stringify(report)).to.not.match(/AtomicHarness-Test1/); // the .pfx password argument stays out of the report
  });

  it('--rules expectations/rules/tuned: the same run judged with the tuned rules (their bytes in the report); a directory that replaces no catalog rule is refused', async function () {
    const why = auditUnavailable();
    requireOrSkip(this, why === null, why ?? '');
    const cwd = mkdtempSync(join(tmpdir(), 'ath-tuned-'));
    const tuned = join(packageRoot, 'expectations', 'rules', 'tuned');
    const r = cliIn(cwd, ['run', '--report-dir', join(cwd, 'reports'), '--fail-on', 'never', '--setup-sensors', '--only', LINUX_GUID, '--rules', tuned]);
    expect(r.exitCode, r.stderr).to.equal(0);
    const report = JSON.parse(readFileSync(join(cwd, 'reports', 'latest', 'report.json'), 'utf8'));
    const rule = report.rules.find((x: { file: string }) => x.file === 'rules/t1587-003-cert-generation.aql');
    const bytes = readFileSync(join(tuned, 't1587-003-cert-generation.aql'));
    expect(rule.sha256).to.equal(createHash('sha256').update(bytes).digest('hex'));
    expect(rule.sha256).to.not.equal(createHash('sha256').update(readFileSync(join(packageRoot, 'expectations', 'rules', 't1587-003-cert-generation.aql'))).digest('hex'));
    const lin = report.results.find((x: { guid: string }) => x.guid === LINUX_GUID);
    expect(['DETECTED', 'MISSED'], JSON.stringify(lin, null, 1).slice(0, 2000)).to.include(lin.verdict);
    const bad = cliIn(cwd, ['run', '--report-dir', join(cwd, 'reports2'), '--only', LINUX_GUID, '--rules', cwd]);
    expect(bad.exitCode).to.equal(2);
    expect(bad.stderr).to.match(/\[HARNESS_CONFIG_RULES_DIR\]\n  fix: /);
    expect(existsSync(join(cwd, 'reports2'))).to.equal(false);
  });

  it('--backend qradar without a token stops before any behaviour runs (exit 2, nothing written)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ath-qradar-cfg-'));
    const r = spawnSync(process.execPath, ['--import', join(packageRoot, 'node_modules/tsx/dist/loader.mjs'), join(packageRoot, 'harness/cli/main.ts'), 'run', '--backend', 'qradar', '--report-dir', join(cwd, 'reports')], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: cwd, HARNESS_QRADAR_URL: 'https://127.0.0.1:9', FORCE_COLOR: '0' }, timeout: 120_000 });
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/no QRadar token.*\[HARNESS_QRADAR_AUTH_MISSING\]\n  fix: /);
    expect(existsSync(join(cwd, 'reports'))).to.equal(false);
  });

  it('without root: NO_TELEMETRY naming auditd and the fix, never a crash', async function () {
    requireOrSkip(this, isRoot && hasCommand('setpriv'), 'needs root (to drop to an unprivileged user) and setpriv');
    const cwd = mkdtempSync(join(tmpdir(), 'ath-noroot-'));
    chmodSync(cwd, 0o777);
    const r = cliIn(cwd, ['run', '--report-dir', join(cwd, 'reports'), '--fail-on', 'gap', '--only', LINUX_GUID], 65534);
    expect(r.exitCode, r.stderr + r.stdout).to.equal(1);
    expect(r.stderr).to.not.match(/internal error|\n\s+at /);
    const report = JSON.parse(readFileSync(join(cwd, 'reports', 'latest', 'report.json'), 'utf8'));
    const lin = report.results.find((x: { guid: string }) => x.guid === LINUX_GUID);
    expect(lin.verdict, JSON.stringify(lin, null, 1)).to.equal('NO_TELEMETRY');
    expect(lin.reason).to.match(/sensor auditd on local: NOT OK: .*\(fix: /);
    expect(r.stdout).to.match(/NO_TELEMETRY\s+T1587\.003/);
  });
});
