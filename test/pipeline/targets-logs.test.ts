// The `logs` field of a target (targets.yaml): `logs: local` says the target's logs are read on the
// harness machine (it shares this machine's kernel audit log, as lab namespaces do). Validated like
// every other target field: a wrong value or a Windows target is an error with file:line and the fix.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTargetsFile, loadTargets } from '../../harness/config/index.js';
import { logExecutorsFor } from '../../harness/run/executors.js';

const LNX = "  - { name: lnx-01, os: linux, address: 10.0.0.9, user: purple, auth: { agent: true }, hostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'";

function file(text: string): string {
  const p = join(mkdtempSync(join(tmpdir(), 'ath-targets-')), 'targets.yaml');
  writeFileSync(p, text);
  return p;
}

describe('targets.yaml: logs (where a target\'s logs are read)', () => {
  it('logs: local on a Linux target is kept; omitted means the target\'s own connection', () => {
    const t = loadTargets(file(`targets:\n${LNX}, logs: local }\n  - { name: lnx-02, os: linux, address: 10.0.0.10, user: purple, auth: { agent: true }, knownHostsFile: /dev/null }\n`));
    expect(t.map((x) => [x.name, x.logs])).to.deep.equal([['lnx-01', 'local'], ['lnx-02', undefined]]);
    // One reader on this machine for the `logs: local` targets only.
    const logs = logExecutorsFor(t);
    expect(logs.executorFor!(t[0]!)).to.not.equal(undefined);
    expect(logs.executorFor!(t[1]!)).to.equal(undefined);
    expect(logExecutorsFor([t[1]!]).executorFor).to.equal(undefined);
  });

  it('a wrong value and logs: local on Windows are located errors with a fix', () => {
    const p = file(`targets:\n${LNX}, logs: shared }\n  - { name: win-01, os: windows, address: 10.0.0.5, user: purple, auth: { agent: true }, knownHostsFile: /dev/null, logs: local }\n`);
    const errors = checkTargetsFile(p).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.location?.line])).to.deep.equal([['HARNESS_CONFIG_BAD_VALUE', 2], ['HARNESS_CONFIG_BAD_VALUE', 3]]);
    expect(errors[0]!.message).to.match(/logs must be target or local, found/);
    expect(errors[0]!.fix).to.match(/kernel audit log/);
    expect(errors[1]!.message).to.match(/logs: local applies to Linux targets only/);
  });
});
