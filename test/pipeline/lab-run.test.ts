// `harness run` over SSH on the network-namespace lab (root): two real Linux targets with their own sshd,
// sharing this kernel's real audit log. Each host's openssl run must be tied to its own execution (its
// marker, its login uid), and the report must carry both hosts' verdicts.
import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { useLab } from '../helpers/lab.js';

const LINUX_GUID = '93edc00f-f511-4f08-8b6d-08297b1a3184';

describe('harness run over SSH on the lab (2 real sshd targets, the real audit log)', function () {
  this.timeout(300_000);
  const lab = useLab(2);

  it('each host gets its own verdict: tied by its own marker when its audit log is readable, else NO_TELEMETRY naming the sensor and the fix', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ath-lab-run-'));
    const r = await runCli(['run', '--targets', lab.state.targetsFile, '--only', LINUX_GUID, '--report-dir', out, '--fail-on', 'never', '--setup-sensors'], { timeoutMs: 280_000 });
    expect(r.exitCode, r.stderr + r.stdout).to.equal(0);
    expect(r.stderr).to.not.match(/internal error/);
    const report = JSON.parse(readFileSync(join(out, 'latest', 'report.json'), 'utf8'));
    const text = readFileSync(join(out, 'latest', 'evidence.jsonl'), 'utf8').trim();
    const evidence = text ? text.split('\n').map((l) => JSON.parse(l)) : [];
    const mine = report.results.filter((x: { guid: string }) => x.guid === LINUX_GUID);
    expect(mine.map((x: { target: string }) => x.target).sort()).to.deep.equal(lab.targets.map((t) => t.name).sort());
    expect(new Set(mine.map((x: { marker: string }) => x.marker)).size).to.equal(2);
    for (const x of mine) {
      // The lab's users have no sudo: when they cannot read the audit log, the verdict must say so.
      expect(['DETECTED', 'MISSED', 'NO_TELEMETRY'], `${x.target}: ${x.verdict} ${x.reason}`).to.include(x.verdict);
      if (x.verdict === 'NO_TELEMETRY') {
        expect(x.reason).to.match(new RegExp(`sensor auditd on ${x.target}: NOT OK: .*\\(fix: `));
        continue;
      }
      const req = x.signals.find((s: { id: string }) => s.id === 'openssl-req-execve');
      expect(req).to.include({ found: true, tie: 'marker' });
      for (const i of req.eventRefs) {
        expect(evidence[i].payload).to.contain(x.marker);
        expect(evidence[i].hostname).to.equal(x.target);
      }
    }
  });
});
