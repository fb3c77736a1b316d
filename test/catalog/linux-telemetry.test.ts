// The Linux expectation against the real kernel audit log: runs T1587.003 #4 on this machine (real sh,
// real openssl) and checks that every auditd signal of expectations/T1587.003.yaml finds the events the
// run produced, through the telemetry parser and the verdict engine's matchers (no doubles).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { argumentsOf, loadCatalog, substituteArgs } from '../../harness/catalog/index.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import { loadProfile, rawValue, readEventFiles, signalSourceOf } from '../../harness/telemetry/index.js';
import { compileMatcher } from '../../harness/verdict/matchers.js';
import { hasCommand, isRoot, requireOrSkip } from '../helpers/env.js';
import { auditLogPath, auditUnavailable, ensureAuditd } from '../helpers/auditd.js';

const GUID = '93edc00f-f511-4f08-8b6d-08297b1a3184';
const posixQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

// Our own audit rules for the duration of the test, under a key of their own, removed exactly afterwards.
const KEY = `ath-catalog-${randomBytes(3).toString('hex')}`;
const RULES = [
  ['-a', 'always,exit', '-F', 'arch=b64', '-S', 'execve', '-k', KEY],
  ['-w', '/tmp', '-p', 'wa', '-k', KEY],
];
const UNDO = [
  ['-d', 'always,exit', '-F', 'arch=b64', '-S', 'execve', '-k', KEY],
  ['-W', '/tmp', '-p', 'wa', '-k', KEY],
];

describe('catalog: T1587.003 #4 expectation against the real audit log (real auditd, real openssl)', function () {
  this.timeout(60_000);
  before(async function () {
    const why = auditUnavailable();
    requireOrSkip(this, why === null, why ?? '');
    requireOrSkip(this, hasCommand('openssl'), 'openssl is not installed');
    await ensureAuditd();
    for (const r of RULES) execFileSync('auditctl', r, { stdio: 'ignore' });
  });
  after(function () {
    if (!isRoot || !hasCommand('auditctl')) return;
    for (const r of UNDO) {
      try {
        execFileSync('auditctl', r, { stdio: 'ignore' });
      } catch {
        // not added (skipped before adding)
      }
    }
  });

  it('finds both openssl execve records and the created .pem/.pfx, tied by the marker', async function () {
    const { catalog } = loadCatalog();
    const test = catalog.atomics.flatMap((f) => f.atomic_tests).find((t) => t.auto_generated_guid === GUID)!;
    const exp = catalog.expectations.flatMap((f) => f.tests).find((t) => t.guid === GUID)!;
    const marker = `ath-${randomBytes(4).toString('hex')}-8`;
    const args = argumentsOf(test, { harness_marker: marker, harness_tmp: '/tmp' });
    try {
      execFileSync('sh', ['-c', substituteArgs(test.executor.command!, args, posixQuote)], { stdio: 'ignore' });
    } finally {
      execFileSync('sh', ['-c', substituteArgs(test.executor.cleanup_command!, args, posixQuote)], { stdio: 'ignore' });
    }
    const profile = loadProfile('stock');
    const count = (events: NormalizedEvent[]): Record<string, number> => {
      const found: Record<string, number> = {};
      for (const s of exp.signals.filter((x) => x.source === 'auditd')) {
        const tests = Object.entries(s.where).flatMap(([field, ms]) => ms.map((m) => [field, compileMatcher(m, args)] as const));
        found[s.id] = events.filter((e) => signalSourceOf(e) === 'auditd' && tests.every(([field, t]) => t(stringOrNull(rawValue(e, field, profile))))).length;
      }
      return found;
    };
    // auditd writes asynchronously, a record at a time: poll until every signal is there (or 5 s). The
    // log may rotate meanwhile (the lab tests audit every execve): the last rotated file is read too.
    let found: Record<string, number> = {};
    for (let i = 0; i < 20; i++) {
      const events: NormalizedEvent[] = [];
      const files = [`${auditLogPath()}.1`, auditLogPath()].filter((f) => existsSync(f));
      for await (const e of readEventFiles(files, { profile })) if (e.payload.includes(marker)) events.push(e);
      found = count(events);
      if (Object.values(found).every((n) => n >= 1)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(found).to.deep.equal({ 'openssl-req-execve': 1, 'openssl-pkcs12-execve': 1, 'pem-file-create': 1, 'pfx-file-create': 1 });
  });
});

function stringOrNull(v: string | number | null): string | null {
  return v === null ? null : String(v);
}
