// Runs the Linux behaviour (T1587.003 #4) for real on this machine through sh with real openssl: once
// with the arguments quoted as the harness does, once with upstream's raw defaults (as Invoke-AtomicTest
// would). Checks the files, the certificate's subject, the pfx, and that cleanup leaves nothing behind.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { argumentsOf, substituteArgs } from '../../harness/catalog/args.js';
import { loadAtomicFile } from '../../harness/catalog/atomics.js';
import type { AtomicTest } from '../../harness/model/catalog.js';
import { atomicsDir } from '../../harness/util/paths.js';
import { hasCommand, requireOrSkip } from '../helpers/env.js';

const posixQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
const sh = (script: string) => execFileSync('sh', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('catalog: T1587.003 #4 runs for real under sh with openssl (real openssl, real files)', function () {
  let test: AtomicTest;
  before(function () {
    requireOrSkip(this, hasCommand('openssl'), 'openssl is not installed');
    test = loadAtomicFile(join(atomicsDir, 'T1587.003', 'T1587.003.yaml')).file!.atomic_tests[3]!;
  });

  for (const mode of ['quoted like the harness', 'raw defaults like Invoke-AtomicTest'] as const) {
    it(`generates the spoofed certificate and pfx under /tmp and cleans them up (${mode})`, function () {
      const quoted = mode === 'quoted like the harness';
      const marker = quoted ? `ath-${randomBytes(4).toString('hex')}-8` : 'ath-00000000-0';
      const args = argumentsOf(test, quoted ? { harness_marker: marker, harness_tmp: '/tmp' } : {});
      const render = (text: string) => substituteArgs(text, args, quoted ? posixQuote : (v) => v);
      const files = ['key', 'pem', 'pfx'].map((ext) => `/tmp/${marker}.${ext}`);
      try {
        sh(render(test.dependencies![0]!.prereq_command));
        sh(render(test.executor.command!));
        for (const f of files) expect(existsSync(f), f).to.equal(true);
        const cert = new X509Certificate(readFileSync(files[1]!));
        expect(cert.subject).to.include('CN=Microsoft IT TLS CA 5');
        expect(cert.subject).to.include(`OU=${marker}`);
        // The pfx opens with the test password and holds that certificate.
        const fromPfx = execFileSync('openssl', ['pkcs12', '-in', files[2]!, '-passin', `pass:${args.pfx_password}`, '-nokeys', '-clcerts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        expect(new X509Certificate(fromPfx).fingerprint256).to.equal(cert.fingerprint256);
      } finally {
        sh(render(test.executor.cleanup_command!));
      }
      for (const f of files) expect(existsSync(f), `${f} left behind`).to.equal(false);
    });
  }
});
