// POSIX quoting, end to end on a real sshd in a lab namespace: hundreds of hostile values go through
// quote + render + exec and each arrives unchanged as ONE argument (printf '%s\0' bytes) and runs
// nothing (the canary file is never created). The same through the local executor (real /bin/sh).
import { expect } from 'chai';
import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { useLab } from '../helpers/lab.js';
import { createExecutor } from '../../harness/exec/index.js';
import { rendererFor } from '../../harness/exec/shells/index.js';
import { posixQuote } from '../../harness/exec/shells/posix.js';
import type { Executor } from '../../harness/exec/types.js';
import { generated, handPicked } from './hostile.js';

async function roundTrip(ex: Executor, shell: 'sh' | 'bash', values: string[], canaryCheck: () => boolean): Promise<number> {
  const r = rendererFor(shell, 'linux');
  let n = 0;
  for (const v of values) {
    const line = r.render(`printf '%s\\0' ${r.quote(v)}; printf 'argc=%s' "$#"`, {}).commandLine;
    const res = await ex.exec(line, { timeoutMs: 20_000 });
    expect(res.exitCode, `${JSON.stringify(v)}: ${JSON.stringify(res)}`).to.equal(0);
    // Exactly one NUL-terminated argument, byte-identical.
    expect(res.stdout, JSON.stringify(v)).to.equal(`${v}\0argc=0`);
    expect(canaryCheck(), `canary created by ${JSON.stringify(v)}`).to.equal(false);
    n++;
  }
  return n;
}

describe('POSIX quoting through a real sshd (lab namespace)', function () {
  this.timeout(300_000);
  const lab = useLab(1);
  let ex: Executor;
  // The lab user's shell runs in the namespace but shares this machine's filesystem: /tmp is visible.
  const canary = `/tmp/ath-canary-${randomBytes(4).toString('hex')}`;
  const values = [...handPicked(canary), ...generated(300)];

  before(async () => {
    ex = createExecutor(lab.targets[0]);
    await ex.connect();
  });
  after(async () => {
    await ex?.close();
    rmSync(canary, { force: true });
  });

  it(`sh: ${values.length} hostile values each arrive unchanged as one argument and run nothing`, async () => {
    expect(await roundTrip(ex, 'sh', values, () => existsSync(canary))).to.be.greaterThan(350);
  });

  it('bash: the hand-picked values arrive unchanged and run nothing', async () => {
    await roundTrip(ex, 'bash', handPicked(canary), () => existsSync(canary));
  });

  it('the canary check can fail: an unquoted value does create it', async () => {
    const res = await ex.exec(`sh -c 'printf "%s" $(touch ${canary})'`);
    expect(res.exitCode).to.equal(0);
    expect(existsSync(canary)).to.equal(true);
    rmSync(canary, { force: true });
  });
});

describe('POSIX quoting through the local executor (/bin/sh)', function () {
  this.timeout(120_000);
  const canary = `/tmp/ath-canary-local-${randomBytes(4).toString('hex')}`;
  after(() => rmSync(canary, { force: true }));

  it('hand-picked and 200 generated values arrive unchanged and run nothing', async () => {
    const ex = createExecutor({ name: 'local', os: 'linux', transport: 'local', port: 0, sudo: false });
    await ex.connect();
    await roundTrip(ex, 'sh', [...handPicked(canary), ...generated(200, 77)], () => existsSync(canary));
  });

  it('sudo -n only when the atomic needs elevation and the target allows sudo', () => {
    const r = rendererFor('sh', 'linux');
    expect(r.render('id -u', { elevate: true, sudo: true }).commandLine).to.equal("sudo -n sh -c 'id -u'");
    expect(r.render('id -u', { elevate: true, sudo: false }).commandLine).to.equal("sh -c 'id -u'");
    expect(r.render('id -u', { elevate: false, sudo: true }).commandLine).to.equal("sh -c 'id -u'");
  });

  it('NUL cannot be an argument: refused with HARNESS_EXEC_UNQUOTABLE', () => {
    expect(() => posixQuote('a\0b')).to.throw().with.property('code', 'HARNESS_EXEC_UNQUOTABLE');
  });
});
