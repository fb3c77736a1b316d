// `npm start`'s prestart step (scripts/install-sensors.sh), run for real with a PATH that hides openssl so
// that it counts as missing. The branches that do not install are exercised here; the apt-get branch is
// what `npm start` does on a fresh machine (it would reinstall packages here, so it is not run).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../harness/util/paths.js';
import { hasCommand, isRoot, requireOrSkip } from '../helpers/env.js';

const SCRIPT = join(packageRoot, 'scripts/install-sensors.sh');

const made: string[] = [];

// A PATH with only what the script itself uses: openssl and apt-get are absent from it.
function barePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ath-bare-path-'));
  made.push(dir);
  for (const cmd of ['id', 'sh']) symlinkSync(spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim(), join(dir, cmd));
  chmodSync(dir, 0o755);
  return dir;
}

function runScript(env: Record<string, string>, uid?: number): { status: number | null; stderr: string } {
  const cmd = uid === undefined ? ['/bin/sh', SCRIPT] : [spawnSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).stdout.trim(), `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '/bin/sh', SCRIPT];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', env });
  return { status: r.status, stderr: r.stderr };
}

describe('npm start: prestart installs the sensors the embedded default needs (scripts/install-sensors.sh)', function () {
  this.timeout(20_000);
  after(() => { for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true }); });

  it('everything present: silent, exit 0', function () {
    requireOrSkip(this, hasCommand('openssl') && hasCommand('auditctl'), 'openssl and auditd must be installed for this case');
    const r = runScript({ PATH: process.env.PATH ?? '' });
    expect(r).to.deep.equal({ status: 0, stderr: '' });
  });

  it('openssl missing, ATH_NO_INSTALL=1: says so with the fix, exit 0 (the run reports NO_TELEMETRY, never a failed start)', () => {
    const r = runScript({ PATH: barePath(), ATH_NO_INSTALL: '1' });
    expect(r.status).to.equal(0);
    expect(r.stderr).to.match(/not installing (auditd )?openssl \(ATH_NO_INSTALL=1\); fix: apt-get install (auditd )?openssl/);
  });

  it('openssl missing, root, no apt-get: names the package and the fix', function () {
    requireOrSkip(this, isRoot, 'needs root (the branch after the root check)');
    const r = runScript({ PATH: barePath() });
    expect(r.status).to.equal(0);
    expect(r.stderr).to.match(/openssl not installed and no apt-get here; fix: install them/);
  });

  it('openssl missing, not root: does not try to install; says sudo apt-get install', function () {
    requireOrSkip(this, isRoot && hasCommand('setpriv'), 'needs root (to drop to an unprivileged user) and setpriv');
    const r = runScript({ PATH: barePath() }, 65534);
    expect(r.status).to.equal(0);
    expect(r.stderr).to.match(/openssl not installed and not root, so not installing; fix: sudo apt-get install (auditd )?openssl/);
  });
});
