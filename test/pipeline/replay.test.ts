// `harness replay --map replay/datasets.yaml`: the shipped map over the real recordings in the shared
// datasets (Windows doubles: recorded real events), through the real CLI, parsers and AQL engine.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { packageRoot } from '../../harness/util/paths.js';

const MAP = join(packageRoot, 'replay', 'datasets.yaml');
type Result = { guid: string; target: string; verdict: string; reason?: string; signals: { id: string; found: boolean; tie?: string; reason?: string; eventRefs: number[] }[]; detections: { rule: string; fired: boolean; rows: Record<string, unknown>[]; explanation?: string }[] };

describe('harness replay over the recorded Windows events (recorded real events, no Windows host)', function () {
  this.timeout(120_000);
  let reportDir: string;
  let report: { backend: string; results: Result[] };
  let stdout: string;
  let exitCode: number;

  before(async function () {
    requireOrSkip(this, datasetsPresent(), 'the shared datasets are not beside the checkout');
    reportDir = mkdtempSync(join(tmpdir(), 'ath-replay-'));
    const r = await runCli(['replay', '--map', MAP, '--report-dir', reportDir, '--fail-on', 'never']);
    expect(r.exitCode, r.stderr).to.equal(0);
    stdout = r.stdout;
    exitCode = r.exitCode;
    const [dir] = readdirSync(reportDir).filter((d) => d.endsWith('-replay'));
    report = JSON.parse(readFileSync(join(reportDir, dir, 'report.json'), 'utf8'));
    for (const f of ['junit.xml', 'report.html', 'summary.md', 'navigator-layer.json', 'evidence.jsonl']) expect(existsSync(join(reportDir, dir, f)), f).to.equal(true);
    expect(existsSync(join(reportDir, 'latest'))).to.equal(false);
  });

  it('writes a normal report with backend "replay", one result per map entry, every found signal tied as "recording"', () => {
    expect(exitCode).to.equal(0);
    expect(report.backend).to.equal('replay');
    expect(report.results).to.have.length(6);
    for (const r of report.results) for (const s of r.signals.filter((x) => x.found)) expect(s.tie).to.equal('recording');
    expect(stdout).to.contain('report set:');
  });

  it('signals no recording holds are reported as "not in the recording", never as found', () => {
    const notRecorded = report.results.flatMap((r) => r.signals.filter((s) => s.reason?.startsWith('not in the recording')));
    expect(notRecorded.length).to.be.greaterThan(0);
    for (const s of notRecorded) expect(s.found).to.equal(false);
  });

  it('every verdict is explained: a MISSED names the rule and why, a NO_TELEMETRY names the signal', () => {
    for (const r of report.results) {
      if (r.verdict === 'MISSED') expect(r.reason, r.guid).to.match(/rules\/.*: (rule rejected|on sysmon|on security|rule fired)/);
      if (r.verdict === 'NO_TELEMETRY') expect(r.reason, r.guid).to.match(/signal \S+: no /);
    }
  });

  it('the published T1587.003 rule is rejected (LOGSOURCETIME): certutil -addstore replays are MISSED "rule rejected", never INCONCLUSIVE', () => {
    const addstore = report.results.filter((r) => r.guid === '6afa691a-7156-4c74-b22e-7c8cd063bdf7' || r.guid === '99345a51-bd04-478b-af00-893c45fa5c87');
    expect(addstore).to.have.length(2);
    for (const r of addstore) {
      expect(r.verdict).to.equal('MISSED');
      expect(r.reason).to.match(/rules\/t1587-003-cert-generation\.aql: rule rejected: expectations\/rules\/t1587-003-cert-generation\.aql:47:7: Unknown field LOGSOURCETIME/);
      expect(r.signals.find((s) => s.id === 'certutil-addstore-root')).to.include({ found: true, tie: 'recording' });
      expect(r.detections.find((d) => d.rule === 'rules/t1588-004-root-ca-install.aql')!.explanation).to.match(/^not evaluated: /);
    }
  });

  it('urlcache recordings (Sysmon 1 twice, Security 4688 once): telemetry found, no rule evaluable -> INCONCLUSIVE, not DETECTED', () => {
    const urlcache = report.results.filter((r) => r.guid === 'dff670db-8378-4631-9d37-f6ffb24688e3');
    expect(urlcache.map((r) => r.target).sort()).to.deep.equal(['ar-win-dc', 'desktop-vqbonav', 'fs03vuln']);
    for (const r of urlcache) {
      expect(r.verdict).to.equal('INCONCLUSIVE');
      expect(r.signals.find((s) => s.id === 'certutil-urlcache')!.found, r.target).to.equal(true);
    }
  });

  it('with --rules expectations/rules/tuned the certutil -addstore replays are DETECTED (CertUtilStoreImport, root store)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-replay-tuned-'));
    const r = await runCli(['replay', '--map', MAP, '--rules', join(packageRoot, 'expectations', 'rules', 'tuned'), '--report-dir', dir]);
    expect(r.exitCode, r.stderr).to.equal(0);
    const [d] = readdirSync(dir);
    const rep = JSON.parse(readFileSync(join(dir, d, 'report.json'), 'utf8')) as { results: Result[] };
    const addstore = rep.results.filter((x) => x.guid === '6afa691a-7156-4c74-b22e-7c8cd063bdf7' || x.guid === '99345a51-bd04-478b-af00-893c45fa5c87');
    for (const x of addstore) {
      expect(x.verdict, x.reason).to.equal('DETECTED');
      expect(x.detections.find((y) => y.rule === 'rules/t1587-003-cert-generation.aql')!.rows[0]).to.include({ detection_branch: 'CertUtilStoreImport', targets_root_store: 'true' });
    }
  });

  it('a map error is located and has a fix (exit 2, no stack)', async () => {
    const bad = join(reportDir, 'bad.yaml');
    writeFileSync(bad, 'replays:\n  - guid: not-a-guid\n    target: x\n    os: windows\n    files: [a.evtx]\n');
    const r = await runCli(['replay', '--map', bad]);
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.match(/bad\.yaml:2:\d+: guid must be an atomic test GUID.*\[HARNESS_REPLAY_MAP_INVALID\]\n  fix: /);
  });
});
