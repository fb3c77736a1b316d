// Live: the real kernel audit log of this machine, a real `openssl req -x509` run, parsed back to the exact command line.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { requireOrSkip } from '../helpers/env.js';
import { addExecveRule, auditUnavailable, ensureAuditd, logOffset, waitForLog } from '../helpers/auditd.js';
import { parseAuditText } from '../../harness/telemetry/parsers/auditd.js';
import { normaliseAudit } from '../../harness/telemetry/normalise.js';
import { loadProfile } from '../../harness/telemetry/profile.js';
import { rawValue } from '../../harness/telemetry/sources.js';

describe('live auditd (real kernel audit log, real openssl)', function () {
  this.timeout(30_000);
  let removeRule: (() => void) | undefined;
  const marker = `ath-${randomBytes(4).toString('hex')}-1`;
  const key = `/tmp/${marker}.key`;
  const pem = `/tmp/${marker}.pem`;

  after(() => {
    removeRule?.();
    rmSync(key, { force: true });
    rmSync(pem, { force: true });
  });

  it('captures openssl req -x509 with a spaced -subj and parses back the exact command line, cwd and process', async function () {
    const why = auditUnavailable();
    requireOrSkip(this, why === null, why ?? '');
    const log = await ensureAuditd();
    const ruleKey = `ath-test-${marker}`;
    removeRule = addExecveRule(ruleKey);
    const offset = logOffset(log);
    const argv = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=Microsoft IT TLS CA 5', '-keyout', key, '-out', pem];
    execFileSync('openssl', argv, { stdio: 'ignore', cwd: '/tmp' });
    const text = await waitForLog(log, offset, pem);
    const events = parseAuditText(text, { file: log });
    const ours = events.filter((e) => e.type === 'EXECVE' && e.argv?.[0] === 'openssl' && e.argv.includes(pem));
    expect(ours, 'exactly one openssl execve event with our marker').to.have.length(1);
    const ev = ours[0]!;
    expect(ev.argv).to.deep.equal(['openssl', ...argv]);
    expect(ev.cmdline).to.equal(`openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj '/CN=Microsoft IT TLS CA 5' -keyout ${key} -out ${pem}`);
    expect(ev.exe).to.match(/\/openssl$/);
    expect(ev.cwd).to.equal('/tmp');
    // the kernel names the first matching rule's key; another execve rule (e.g. the lab's) may come first
    expect(ev.key).to.be.a('string').and.not.equal('');
    expect(ev.syscall).to.equal(59);
    expect(ev.uid).to.equal(0);
    expect(ev.success).to.equal('yes');
    expect(ev.pid).to.be.a('number');

    const stock = loadProfile('stock');
    const n = normaliseAudit(ev, stock, { hostname: 'this-host' });
    expect(n.devicetype).to.equal(11);
    expect(n.logsourcetypename).to.equal('Linux OS');
    expect(n.properties.Command).to.equal(ev.cmdline);
    expect(n.payload).to.include('type=EXECVE');
    // the -subj argument holds spaces, so the kernel hex-encodes it: the payload has no plain text of it
    expect(n.payload).to.include(Buffer.from('/CN=Microsoft IT TLS CA 5').toString('hex').toUpperCase());
    const strict = loadProfile('sysmon-dsm');
    const s = normaliseAudit(ev, strict);
    expect(s.properties.exe).to.equal(undefined);
    expect(rawValue(s, 'exe', strict), 'raw names still resolve under a profile without them').to.equal(ev.exe);
    expect(rawValue(s, 'CMDLINE', strict)).to.equal(ev.cmdline);
  });

  it('a long non-ASCII argument (split by the kernel into a1[0], a1[1]... by bytes) comes back exact', async function () {
    const why = auditUnavailable();
    requireOrSkip(this, why === null, why ?? '');
    const log = await ensureAuditd();
    const remove = addExecveRule(`ath-test-${marker}-utf8`);
    try {
      const offset = logOffset(log);
      // 7000 x "é " is 21000 bytes: several chunks, and a 2-byte character is cut between two of them.
      const arg = `${marker} ${'é '.repeat(7000)}`;
      execFileSync('/bin/echo', [arg], { stdio: 'ignore' });
      const text = await waitForLog(log, offset, `${marker} `.split('').map((c) => c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')).join('').slice(0, 20));
      const ev = parseAuditText(text, { file: log }).find((e) => e.type === 'EXECVE' && e.argv?.[0] === '/bin/echo' && e.argv[1]?.startsWith(marker));
      expect(ev, 'the echo execve with the long argument').to.not.equal(undefined);
      expect(ev!.argv![1]!.length).to.equal(arg.length);
      expect(ev!.argv![1]).to.equal(arg);
    } finally {
      remove();
    }
  });
});
