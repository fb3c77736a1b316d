// Host-key fingerprints and known_hosts lookup (real ssh-keygen output as the reference), and the
// stderr marker filter the SSH executor uses to learn the remote process group.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf, knownHostsFingerprints, knownHostsLine, normaliseFingerprint } from '../../harness/exec/hostkey.js';
import { PgidMarkerFilter, linuxWrap } from '../../harness/exec/ssh-linux.js';

describe('host keys: fingerprints and known_hosts (against real ssh-keygen)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ath-hostkey-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const keys = ['ed25519', 'ecdsa', 'rsa'].map((type) => {
    const f = join(dir, `k_${type}`);
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', f]);
    const pub = readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/);
    return { type, file: `${f}.pub`, blob: Buffer.from(pub[1], 'base64'), line: pub.slice(0, 2).join(' ') };
  });

  it('fingerprintOf equals `ssh-keygen -lf` for ed25519, ecdsa and rsa keys', () => {
    for (const k of keys) expect(fingerprintOf(k.blob), k.type).to.equal(execFileSync('ssh-keygen', ['-lf', k.file], { encoding: 'utf8' }).split(' ')[1]);
  });

  it('normalises pins written with padding or without the prefix', () => {
    const fp = fingerprintOf(keys[0].blob);
    expect(normaliseFingerprint(fp.slice(7) + '=')).to.equal(fp);
  });

  it('known_hosts: plain, [host]:port, hashed (ssh-keygen -H), @revoked skipped, other hosts ignored', () => {
    const kh = join(dir, 'known_hosts');
    const [ed, ec, rsa] = keys;
    writeFileSync(kh, [
      '# comment',
      `10.0.0.5 ${ed.line}`,
      `[10.0.0.5]:2222 ${ec.line}`,
      `other.example,10.9.9.9 ${rsa.line}`,
      `@revoked 10.0.0.5 ${rsa.line}`,
      knownHostsLine('10.0.0.7', 22, ec.blob),
      '',
    ].join('\n'));
    expect(knownHostsFingerprints(kh, '10.0.0.5', 22)).to.deep.equal([fingerprintOf(ed.blob)]);
    expect(knownHostsFingerprints(kh, '10.0.0.5', 2222)).to.deep.equal([fingerprintOf(ec.blob)]);
    expect(knownHostsFingerprints(kh, '10.9.9.9', 22)).to.deep.equal([fingerprintOf(rsa.blob)]);
    expect(knownHostsFingerprints(kh, '10.0.0.7', 22)).to.deep.equal([fingerprintOf(ec.blob)]);
    expect(knownHostsFingerprints(kh, '10.0.0.6', 22)).to.deep.equal([]);
    execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
    expect(readFileSync(kh, 'utf8')).to.not.match(/^10\.0\.0\.5 /m);
    expect(knownHostsFingerprints(kh, '10.0.0.5', 2222)).to.deep.equal([fingerprintOf(ec.blob)]);
    expect(knownHostsFingerprints(join(dir, 'missing'), '10.0.0.5', 22)).to.deep.equal([]);
  });
});

describe('process-group marker on stderr', () => {
  it('is stripped even when split across chunks; the rest of stderr is kept byte for byte', () => {
    const got: Buffer[] = [];
    const f = new PgidMarkerFilter((c) => got.push(c));
    f.push(Buffer.from('__ATH_PG'));
    f.push(Buffer.from('ID=4242\nreal err'));
    f.push(Buffer.from('or\n'));
    f.flush();
    expect(f.pgid).to.equal(4242);
    expect(Buffer.concat(got).toString()).to.equal('real error\n');
  });

  it('passes stderr through untouched when the marker is absent (a non-POSIX login shell)', () => {
    const got: Buffer[] = [];
    const f = new PgidMarkerFilter((c) => got.push(c));
    f.push(Buffer.from('sh: printf: not found\n'));
    f.flush();
    expect(f.pgid).to.equal(undefined);
    expect(Buffer.concat(got).toString()).to.equal('sh: printf: not found\n');
  });

  it('the wrapper prints the shell pid first, then runs the command line unchanged', () => {
    const out = execFileSync('bash', ['-c', linuxWrap("echo 'a b'; exit 0")], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).to.equal('a b\n');
  });
});
