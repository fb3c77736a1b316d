// Live local collection on this machine: the real kernel audit log read from the offset recorded before
// the run (auditd must be running; --setup-sensors adds and removes a temporary execve rule), parsed by
// the telemetry parsers, rules run by the embedded AQL engine. Rotation handled by the read command.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, appendFileSync, renameSync, statSync, rmSync, readFileSync, unlinkSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { executePlan, closeExecutors } from '../../harness/run/orchestrator.js';
import { planRun } from '../../harness/run/plan.js';
import { newRunId } from '../../harness/run/marker.js';
import { belongsTo, HeldAuditLines, LocalBackend, SETTLE_MS } from '../../harness/run/collect-local.js';
import { parseAuditText, type AuditEvent } from '../../harness/telemetry/parsers/auditd.js';
import { parseReadSince, readSinceCommand } from '../../harness/run/audit-offset.js';
import { clockSkew, measureSkew, skewBounds, windowsClockSkew } from '../../harness/run/target-run.js';
import { LocalExecutor } from '../../harness/exec/local.js';
import { loadProfile } from '../../harness/telemetry/profile.js';
import { hasCommand, isRoot, requireOrSkip } from '../helpers/env.js';
import { auditUnavailable, ensureAuditd } from '../helpers/auditd.js';
import { FIXTURES, fixtureAtomics, localTarget, tempRunDir, testConfig } from './helpers.js';

describe('run: live local collection (real auditd, this machine as the target)', function () {
  this.timeout(90_000);
  before(async function () {
    const why = auditUnavailable();
    requireOrSkip(this, why === null, why ?? '');
    await ensureAuditd();
  });

  it('finds the EXECVE records of the openssl behaviour by marker, and runs an AQL rule over them', async () => {
    const runId = newRunId();
    const plan = planRun({ atomics: [fixtureAtomics('T1587.003')], targets: [localTarget] });
    const run = await executePlan({ runId, runDir: tempRunDir(), plan, config: testConfig({ setupSensors: true }), keepConnections: true });
    try {
      const t = run.targets[0]!;
      expect(t.preflight.sensors.map((s) => [s.name, s.ok])).to.deep.include.members([['auditd', true], ['auditd-execve-rule', true]]);
      expect(t.auditOffset!.offset).to.be.a('number');
      expect(t.clockSkewMs, 'this machine against itself: no skew').to.equal(0);
      expect(t.identity?.hostname, 'the login uid line does not swallow the host name').to.equal(hostname());
      // The temporary rule is gone again after the run.
      expect(execFileSync('auditctl', ['-l'], { encoding: 'utf8' })).to.not.contain(`ath-${runId.slice(-8)}`);
      const o = run.outcomes[0]!;
      expect(o.ran).to.equal(true);
      const profile = loadProfile('stock');
      const backend = LocalBackend.fromExecution(run, { profile });
      const window = { start: o.window.start - 1000, stop: o.window.stop + 1000 };
      let events: Awaited<ReturnType<typeof backend.fetchEvents>> = { ok: true, events: [] };
      // auditd flushes asynchronously: poll as the verdict loop does.
      for (let i = 0; i < 20; i++) {
        events = await backend.fetchEvents({ window, targets: [localTarget] });
        // Exactly what is asserted below: both openssl runs, with the marker.
        const seen = events.ok ? events.events.filter((e) => String(e.properties.cmdline ?? '').includes(o.marker) && /openssl/.test(String(e.properties.exe ?? ''))).map((e) => String(e.properties.cmdline)) : [];
        if (seen.some((c) => c.startsWith('openssl req -x509')) && seen.some((c) => c.startsWith('openssl pkcs12 -export'))) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(events.ok, JSON.stringify(events)).to.equal(true);
      if (!events.ok) return;
      const mine = events.events.filter((e) => String(e.properties.cmdline ?? '').includes(o.marker) && /openssl/.test(String(e.properties.exe ?? '')));
      const cmdlines = mine.map((e) => String(e.properties.cmdline));
      expect(cmdlines.some((c) => c.startsWith('openssl req -x509') && c.includes(`/OU=${o.marker}`))).to.equal(true, cmdlines.join('\n'));
      expect(cmdlines.some((c) => c.startsWith('openssl pkcs12 -export'))).to.equal(true);
      expect(mine.every((e) => e.devicetype === 11 && e.hostname === 'local')).to.equal(true);
      // A second fetch reads only what is new and still returns the same events of the window.
      const again = await backend.fetchEvents({ window, targets: [localTarget] });
      expect(again.ok && again.events.filter((e) => mine.some((m) => m.origin.recordId === e.origin.recordId)).length).to.equal(mine.length);
      const rules = [
        { id: 'ok.aql', path: 'ok.aql', sha256: '', text: `SELECT "exe", "Command" FROM events WHERE "Command" ILIKE '%${o.marker}%' AND "exe" ILIKE '%openssl%'` },
        { id: 'bad.aql', path: 'bad.aql', sha256: '', text: 'SELECT FROM WHERE' },
      ];
      const rr = await backend.runRules({ window, targets: [localTarget], rules, events: events.events });
      const ok = rr.get('ok.aql')!;
      expect(ok.ok).to.equal(true);
      if (ok.ok) {
        expect(ok.rows.length).to.be.at.least(2);
        expect(ok.rows.every((r) => r.sources.every((i) => String(events.ok && events.events[i]!.properties.cmdline).includes(o.marker)))).to.equal(true);
      }
      const bad = rr.get('bad.aql')!;
      expect(bad.ok).to.equal(false);
      if (!bad.ok) expect(bad.code).to.match(/^HARNESS_AQL_/);
    } finally {
      await closeExecutors(run);
    }
  });

  it('fails the fetch (never an empty success) when a target has no open connection', async () => {
    const b = new LocalBackend({ executors: new Map(), profile: loadProfile('stock'), offsets: new Map(), env: {} });
    const r = await b.fetchEvents({ window: { start: 0, stop: Date.now() }, targets: [localTarget] });
    expect(r).to.deep.include({ ok: false, code: 'HARNESS_RUN_COLLECT_NO_CONNECTION' });
  });
});

describe('run: audit-log reading across rotation (real files, local executor)', () => {
  it('reads the rest of the rotated file, then the new file from 0; and from 0 when truncated in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-rot-'));
    const file = join(dir, 'audit.log');
    writeFileSync(file, 'before-1\nbefore-2\n');
    const exec = new LocalExecutor(localTarget);
    await exec.connect();
    const st = statSync(file);
    const from = { file, inode: st.ino, offset: st.size, at: Date.now() };
    appendFileSync(file, 'during-1\n');
    let r = parseReadSince((await exec.exec(readSinceCommand(localTarget, from))).stdout, file);
    expect(r.text).to.equal('during-1\n');
    renameSync(file, `${file}.1`);
    appendFileSync(`${file}.1`, 'during-2\n');
    writeFileSync(file, 'after-rotation\n');
    r = parseReadSince((await exec.exec(readSinceCommand(localTarget, r.pos!))).stdout, file);
    expect(r.text).to.equal('during-2\nafter-rotation\n');
    writeFileSync(file, 'x\n'); // same inode, shorter than the offset: truncated in place
    r = parseReadSince((await exec.exec(readSinceCommand(localTarget, r.pos!))).stdout, file);
    expect(r.text).to.equal('x\n');
    await exec.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

// Which events of a log count as a target's, by the login identity recorded before the run (real files,
// local executor, audit records in auditd's own format).
describe('run: attributing audit events to a target by its login (real files, local executor)', () => {
  const record = (serial: number, t: number, uid: number, auid: number | 'unset', argv: string[]) => {
    const stamp = `msg=audit(${(t / 1000).toFixed(3)}:${serial})`;
    const a = auid === 'unset' ? 4294967295 : auid;
    return `type=SYSCALL ${stamp}: arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=10 pid=${serial} auid=${a} uid=${uid} gid=${uid} euid=${uid} suid=${uid} fsuid=${uid} egid=${uid} sgid=${uid} fsgid=${uid} tty=(none) ses=4294967295 comm="${argv[0]}" exe="/usr/bin/${argv[0]}" key="k"\n`
      + `type=EXECVE ${stamp}: argc=${argv.length} ${argv.map((v, i) => `a${i}="${v}"`).join(' ')}\n`;
  };
  const now = Date.now();
  const lines = [
    record(1, now, 0, 'unset', ['cat', '/tmp/ath-0badc0de-1.uid']), // the target's elevated command (sudo, no login uid)
    record(2, now + 1, 1000, 'unset', ['id', '-u']), // the login itself
    record(3, now + 2, 1001, 'unset', ['id', '-g']), // another user
    record(4, now + 3, 0, 1000, ['cat', '/tmp/ath-0badc0de-2.uid']), // elevated, with a login uid
    record(5, now + 4, 0, 1001, ['cat', '/tmp/other']), // another login's elevated command
    record(6, now + 5000, 1000, 1000, ['true']), // settles the previous events: more than 3 s newer (the newest one may still be written)
  ].join('');
  const setup = async (targets: { name: string; uid: number; auid?: number }[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-ident-'));
    const file = join(dir, 'audit.log');
    writeFileSync(file, '');
    const off = { file, inode: statSync(file).ino, offset: 0, at: now - 1000 };
    appendFileSync(file, lines);
    const exec = new LocalExecutor(localTarget);
    await exec.connect();
    const backend = new LocalBackend({
      executors: new Map(targets.map((t) => [t.name, exec])),
      offsets: new Map(targets.map((t) => [t.name, off])),
      identities: new Map(targets.map((t) => [t.name, { uid: t.uid, ...(t.auid !== undefined ? { auid: t.auid } : {}) }])),
      profile: loadProfile('stock'),
      env: {},
    });
    const fetch = async (name: string) => {
      const r = await backend.fetchEvents({ window: { start: now - 1000, stop: now + 60_000 }, targets: [{ ...localTarget, name }] });
      if (!r.ok) throw new Error(JSON.stringify(r));
      return r.events.map((e) => String(e.properties.cmdline));
    };
    return { fetch, done: async () => { await exec.close(); rmSync(dir, { recursive: true, force: true }); } };
  };

  it('a target with its own log and no login uid keeps its elevated (uid 0) events: nothing is filtered', async () => {
    const s = await setup([{ name: 'solo', uid: 1000 }]);
    try {
      expect(await s.fetch('solo')).to.deep.equal(['cat /tmp/ath-0badc0de-1.uid', 'id -u', 'id -g', 'cat /tmp/ath-0badc0de-2.uid', 'cat /tmp/other']);
    } finally {
      await s.done();
    }
  });

  it('a login uid ties the session exactly, elevated commands included (sudo keeps auid)', async () => {
    const s = await setup([{ name: 'pam', uid: 1000, auid: 1000 }]);
    try {
      expect(await s.fetch('pam')).to.deep.equal(['cat /tmp/ath-0badc0de-2.uid']);
    } finally {
      await s.done();
    }
  });

  it('a log shared by two targets without login uids: each keeps its uid and its login uid (an elevated command without one is nobody\'s)', async () => {
    const s = await setup([{ name: 'a', uid: 1000 }, { name: 'b', uid: 1001 }]);
    try {
      expect(await s.fetch('a')).to.deep.equal(['id -u', 'cat /tmp/ath-0badc0de-2.uid']);
      expect(await s.fetch('b')).to.deep.equal(['id -g', 'cat /tmp/other']);
    } finally {
      await s.done();
    }
  });
});

// Reads that end inside an event. The fixture is 100 lines of this machine's real audit log, where the
// records of concurrent events interleave (SYSCALL 782377, SYSCALL 782378, EXECVE 782377, ...): an older
// event's records follow a newer one's, so a read boundary can fall inside an event that is not the newest.
describe('run: an audit event read in parts is parsed whole (real interleaved audit log, real files, local executor)', function () {
  this.timeout(30_000);
  const log = readFileSync(join(FIXTURES, 'interleaved-audit.log'), 'utf8');
  const lines = log.split('\n').slice(0, -1);
  const ids = (evs: AuditEvent[]) => evs.map((e) => `${e.timeRaw}:${e.serial} ${e.recordTypes.join('+')} auid=${e.auid} ${e.cmdline ?? ''}`).sort();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('at every line boundary and at byte cuts, the events equal those of parsing the whole log at once', () => {
    const whole = ids(parseAuditText(log));
    const cuts = [...lines.keys()].map((k) => lines.slice(0, k).join('\n').length + (k ? 1 : 0));
    for (let b = 1; b < log.length; b += 97) cuts.push(b);
    for (const cut of cuts) {
      const held = new HeldAuditLines();
      const evs = [...parseAuditText(held.add(log.slice(0, cut), 1000)), ...parseAuditText(held.add(log.slice(cut), 1100))];
      evs.push(...parseAuditText(held.add('', 1100 + SETTLE_MS))); // the log stayed quiet: everything is complete
      expect(ids(evs), `read boundary at byte ${cut}`).to.deep.equal(whole);
    }
  });

  it('through LocalBackend: the event straddling the boundary keeps its SYSCALL (exe, auid) and its EXECVE (cmdline), once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-split-'));
    const file = join(dir, 'audit.log');
    writeFileSync(file, '');
    const target = { ...localTarget, name: 'lab-x16' };
    const exec = new LocalExecutor(target);
    await exec.connect();
    const identity = { uid: 0, auid: 1016 };
    const backend = new LocalBackend({
      executors: new Map([[target.name, exec]]), offsets: new Map([[target.name, { file, inode: statSync(file).ino, offset: 0, at: 0 }]]),
      identities: new Map([[target.name, identity]]), profile: loadProfile('stock'), env: {},
    });
    const fetch = async () => {
      const r = await backend.fetchEvents({ window: { start: 0, stop: Date.now() * 2 }, targets: [target] });
      if (!r.ok) throw new Error(JSON.stringify(r));
      return r.events;
    };
    try {
      // Line 51 is SYSCALL 782378; 782377's SYSCALL is line 50 and its EXECVE line 52: the read ends between them.
      appendFileSync(file, lines.slice(0, 51).join('\n') + '\n');
      await fetch();
      appendFileSync(file, lines.slice(51).join('\n') + '\n');
      await fetch();
      await sleep(SETTLE_MS + 100);
      const events = await fetch();
      const expected = parseAuditText(log).filter((e) => belongsTo(e, identity));
      expect(events.map((e) => e.origin.recordId).sort()).to.deep.equal(expected.map((e) => `${e.timeRaw}:${e.serial}`).sort());
      const straddling = events.filter((e) => e.origin.recordId === '1795334128.811:782377');
      expect(straddling).to.have.length(1);
      expect(straddling[0]!.properties.exe).to.equal('/usr/bin/bash');
      expect(String(straddling[0]!.properties.cmdline)).to.contain('umask 77 && mkdir -p');
    } finally {
      await exec.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the newest event of a log nothing more is written to is returned once the log stayed quiet (not never)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-last-'));
    const file = join(dir, 'audit.log');
    writeFileSync(file, '');
    const offset = { file, inode: statSync(file).ino, offset: 0, at: Date.now() };
    const t = Date.now();
    const s = `msg=audit(${(t / 1000).toFixed(3)}:77)`;
    appendFileSync(file, `type=SYSCALL ${s}: arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=55 a2=241 a3=1b6 items=2 ppid=1 pid=77 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm="cp" exe="/usr/bin/cp" key="certs"\n`
      + `type=CWD ${s}: cwd="/root"\n`
      + `type=PATH ${s}: item=0 name="/usr/local/share/ca-certificates/evil.crt" inode=2 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=CREATE cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n`);
    const exec = new LocalExecutor(localTarget);
    await exec.connect();
    const b = new LocalBackend({ executors: new Map([['local', exec]]), offsets: new Map([['local', offset]]), profile: loadProfile('stock'), env: {} });
    const fetch = () => b.fetchEvents({ window: { start: t - 5000, stop: Date.now() + 5000 }, targets: [localTarget] });
    try {
      expect(await fetch()).to.deep.equal({ ok: true, events: [] }); // just read: auditd may still be writing it
      await sleep(SETTLE_MS + 100);
      const r = await fetch();
      expect(r.ok && r.events.map((e) => [e.origin.recordId, e.properties.exe])).to.deep.equal([[`${(t / 1000).toFixed(3)}:77`, '/usr/bin/cp']]);
    } finally {
      await exec.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// auditd rotates by renaming audit.log -> .1 -> .2 ...: several rotations may happen between two reads,
// and a shared log's targets may have taken their offsets on either side of one.
describe('run: audit-log reading across several rotations (real files, local executor)', function () {
  this.timeout(30_000);
  const rec = (serial: number, t: number, auid: number, argv: string[]) => {
    const s = `msg=audit(${(t / 1000).toFixed(3)}:${serial})`;
    return `type=SYSCALL ${s}: arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=10 pid=${serial} auid=${auid} uid=${auid} gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm="${argv[0]}" exe="/usr/bin/${argv[0]}" key="k"\n`
      + `type=EXECVE ${s}: argc=${argv.length} ${argv.map((v, i) => `a${i}="${v}"`).join(' ')}\n`;
  };
  const rotate = (file: string, n: number) => {
    for (let i = n; i >= 1; i--) renameSync(i === 1 ? file : `${file}.${i - 1}`, `${file}.${i}`);
    writeFileSync(file, '');
  };
  let dir = '';
  let exec: LocalExecutor;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ath-rot2-'));
    exec = new LocalExecutor(localTarget);
    await exec.connect();
  });
  afterEach(async () => {
    await exec.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two rotations since the last read: the rest of audit.log.2, audit.log.1 whole, then the current file', async () => {
    const file = join(dir, 'audit.log');
    writeFileSync(file, 'before\n');
    const st = statSync(file);
    const from = { file, inode: st.ino, offset: st.size, at: Date.now() };
    appendFileSync(file, 'behaviour\n');
    rotate(file, 1);
    appendFileSync(file, 'filler\n');
    rotate(file, 2);
    appendFileSync(file, 'later\n');
    writeFileSync(`${file}.3`, 'not part of it\n'); // an older rotated file after the one holding the offset
    const r = await exec.exec(readSinceCommand(localTarget, from));
    expect(r.exitCode, r.stderr).to.equal(0);
    const p = parseReadSince(r.stdout, file);
    expect(p.text).to.equal('behaviour\nfiller\nlater\n');
    expect(p.pos).to.include({ inode: statSync(file).ino, offset: statSync(file).size });
  });

  it('the file of the offset rotated away: the read fails and the fetch is HARNESS_RUN_COLLECT_READ, never a success with events missing', async () => {
    const file = join(dir, 'audit.log');
    const now = Date.now();
    writeFileSync(file, rec(1, now - 5000, 0, ['old']));
    const st = statSync(file);
    const offset = { file, inode: st.ino, offset: st.size, at: now };
    appendFileSync(file, rec(2, now, 0, ['openssl', 'req', '-x509']));
    rotate(file, 1);
    appendFileSync(file, rec(3, now + 10, 0, ['filler']));
    rotate(file, 2);
    unlinkSync(`${file}.2`); // num_logs = 2: the oldest is deleted
    appendFileSync(file, rec(4, now + 5000, 0, ['later']));
    const r = await exec.exec(readSinceCommand(localTarget, offset));
    expect(r.exitCode).to.equal(4);
    expect(r.stderr).to.match(/rotated away .*Fix: keep more rotated logs/);
    const b = new LocalBackend({ executors: new Map([['local', exec]]), offsets: new Map([['local', offset]]), profile: loadProfile('stock'), env: {} });
    const f = await b.fetchEvents({ window: { start: now - 1000, stop: now + 60_000 }, targets: [localTarget] });
    expect(f).to.deep.include({ ok: false, code: 'HARNESS_RUN_COLLECT_READ' });
    expect(!f.ok && f.error).to.match(/^local: cannot read .*rotated away/);
  });

  for (const [order, loginUids] of [[['A', 'B'], true], [['B', 'A'], true], [['B', 'A'], false]] as const) {
    it(`a shared log whose targets took their offsets on either side of a rotation: each target's own events (fetch order ${order.join(', ')}, ${loginUids ? 'login uids' : 'uids only'})`, async () => {
      const file = join(dir, 'audit.log');
      const now = Date.now();
      writeFileSync(file, rec(1, now - 5000, 0, ['old']));
      const offA = { file, inode: statSync(file).ino, offset: statSync(file).size, at: now };
      appendFileSync(file, rec(2, now, 1001, ['openssl', 'req', '-x509', 'A-marker']));
      rotate(file, 1);
      appendFileSync(file, rec(3, now + 5, 0, ['filler']));
      const offB = { file, inode: statSync(file).ino, offset: statSync(file).size, at: now + 10 };
      appendFileSync(file, rec(4, now + 20, 1002, ['openssl', 'req', '-x509', 'B-marker']));
      const t = (name: string) => ({ ...localTarget, name });
      const b = new LocalBackend({
        executors: new Map([['A', exec], ['B', exec]]), offsets: new Map([['A', offA], ['B', offB]]),
        identities: new Map(loginUids ? [['A', { uid: 1001, auid: 1001 }], ['B', { uid: 1002, auid: 1002 }]] : [['A', { uid: 1001 }], ['B', { uid: 1002 }]]),
        profile: loadProfile('stock'), env: {},
      });
      const fetch = async () => {
        const r = await b.fetchEvents({ window: { start: now - 1000, stop: now + 60_000 }, targets: order.map(t) });
        if (!r.ok) throw new Error(JSON.stringify(r));
        return r.events.map((e) => `${e.hostname}: ${e.properties.cmdline}`);
      };
      await fetch();
      await new Promise((r) => setTimeout(r, SETTLE_MS + 100));
      expect(await fetch()).to.deep.equal(['A: openssl req -x509 A-marker', 'B: openssl req -x509 B-marker']);
    });
  }
});

describe('run: a read larger than the limit fails, never a success with the rest cut off (real files, local executor)', () => {
  it('more than maxReadBytes since the last read: HARNESS_RUN_COLLECT_READ naming it; the position is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-big-'));
    const file = join(dir, 'audit.log');
    writeFileSync(file, '');
    const exec = new LocalExecutor(localTarget);
    await exec.connect();
    try {
      const off = { file, inode: statSync(file).ino, offset: 0, at: Date.now() - 1000 };
      const line = (i: number) => `type=EXECVE msg=audit(${(Date.now() / 1000).toFixed(3)}:${i}): argc=1 a0="true"\n`;
      appendFileSync(file, Array.from({ length: 200 }, (_, i) => line(i + 1)).join(''));
      const backend = new LocalBackend({ executors: new Map([['local', exec]]), offsets: new Map([['local', off]]), profile: loadProfile('stock'), env: {}, maxReadBytes: 4096 });
      const window = { start: Date.now() - 60_000, stop: Date.now() + 60_000 };
      const r = await backend.fetchEvents({ window, targets: [localTarget] });
      expect(r).to.deep.include({ ok: false, code: 'HARNESS_RUN_COLLECT_READ' });
      expect((r as { error: string }).error).to.match(/grew by more than 4096 bytes between two reads/);
      const again = await backend.fetchEvents({ window, targets: [localTarget] });
      expect(again.ok, 'the position was not advanced past what was cut off').to.equal(false);
    } finally {
      await exec.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('run: a target clock off from the harness\'s (real files, local executor)', () => {
  it('clockSkew: only what the reading proves (the bound nearest 0), 0 when the clocks may agree or differ by < 500 ms', () => {
    const b = (now: string) => skewBounds(now, 1795335026600, 1795335026800)!;
    expect(b('1795335086703')).to.deep.equal({ lo: 59_903, hi: 60_103 });
    expect(clockSkew(b('1795335086703')), 'at least 59.903 s ahead').to.equal(59_903);
    expect(clockSkew(b('1795334966700')), 'at least 59.9 s behind').to.equal(-59_900);
    expect(clockSkew(b('1795335026300')), '300-500 ms behind: under the noise floor').to.equal(0);
    // The case that put events out of the window: the date ran at the end of a slow first round trip
    // (the login's PAM session); the midpoint said 1.2 s ahead, nothing proves the clocks differ at all.
    expect(clockSkew(skewBounds('1795335029000', 1795335026600, 1795335029000)!)).to.equal(0);
    expect(skewBounds('17953350263N', 1795335026600, 1795335026800)).to.equal(undefined);
    expect(skewBounds('-', 0, 0)).to.equal(undefined);
  });

  it('measureSkew: readings on the open session narrow a slow first reading to the skew it proves', async () => {
    // An executor stand-in whose target clock runs 60 s ahead and answers after 30 ms.
    let calls = 0;
    const target = { exec: async () => { calls++; await new Promise((r) => setTimeout(r, 30)); return { exitCode: 0, stdout: `${Date.now() + 60_000}\n`, stderr: '' }; } } as unknown as Parameters<typeof measureSkew>[0];
    const t0 = Date.now();
    const slow = skewBounds(String(t0 + 3000 + 60_000), t0, t0 + 3000)!; // a 3 s first round trip, the date at its end
    expect(clockSkew(slow)).to.equal(60_000);
    const s = await measureSkew(target, { lo: slow.lo - 2500, hi: slow.hi }); // what a date mid-trip would prove
    expect(calls).to.equal(2);
    expect(s).to.be.within(59_900, 60_000);
    calls = 0;
    expect(await measureSkew(target, { lo: -100, hi: 100 }), 'synchronised: no further reading').to.equal(0);
    expect(calls).to.equal(0);
    // A first reading too wide to tell (a 3 s login round trip around a clock 60 s ahead would not be,
    // but one around 0.8 s ahead is): more readings find the skew the wide range hid.
    calls = 0;
    const near = { exec: async () => { calls++; await new Promise((r) => setTimeout(r, 30)); return { exitCode: 0, stdout: `${Date.now() + 800}\n`, stderr: '' }; } } as unknown as Parameters<typeof measureSkew>[0];
    expect(await measureSkew(near, { lo: -2200, hi: 800 })).to.be.within(700, 800);
    expect(calls).to.equal(2);
  });

  it('windowsClockSkew: PowerShell\'s epoch ms, through powershell.exe from cmd, directly from a PowerShell shell', async () => {
    const seen: string[] = [];
    const ahead = { exec: async (cmd: string) => { seen.push(cmd); return { exitCode: 0, stdout: `${Date.now() + 60_000}\r\n`, stderr: '' }; } } as unknown as LocalExecutor;
    const s = await windowsClockSkew(ahead, { name: 'w', os: 'windows', shell: 'cmd' } as never);
    expect(s).to.be.within(59_900, 60_000);
    expect(seen[0]).to.equal('powershell.exe -NoProfile -NonInteractive -Command "[DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()"');
    seen.length = 0;
    const synced = { exec: async (cmd: string) => { seen.push(cmd); return { exitCode: 0, stdout: `${Date.now()}\r\n`, stderr: '' }; } } as unknown as LocalExecutor;
    expect(await windowsClockSkew(synced, { name: 'w', os: 'windows', shell: 'powershell' } as never)).to.equal(0);
    expect(seen).to.deep.equal(['[DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()']);
    const broken = { exec: async () => ({ exitCode: 1, stdout: '', stderr: "'powershell.exe' is not recognized" }) } as unknown as LocalExecutor;
    expect(await windowsClockSkew(broken, { name: 'w', os: 'windows', shell: 'cmd' } as never), 'no PowerShell: no measure').to.equal(undefined);
  });

  it('audit events of a target whose clock is 60 s ahead land in the window once moved onto the harness clock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ath-skew-'));
    const file = join(dir, 'audit.log');
    writeFileSync(file, '');
    const exec = new LocalExecutor(localTarget);
    await exec.connect();
    try {
      const now = Date.now();
      const ahead = now + 60_000;
      const off = { file, inode: statSync(file).ino, offset: 0, at: now - 1000 };
      appendFileSync(file, `type=EXECVE msg=audit(${(ahead / 1000).toFixed(3)}:1): argc=2 a0="openssl" a1="ath-5cew0001-1"\n`);
      const window = { start: now - 5_000, stop: now + 5_000 };
      const fetchWith = async (clockSkews?: Map<string, number>) => {
        const backend = new LocalBackend({ executors: new Map([['local', exec]]), offsets: new Map([['local', off]]), profile: loadProfile('stock'), env: {}, ...(clockSkews ? { clockSkews } : {}) });
        let r = await backend.fetchEvents({ window, targets: [localTarget] });
        for (let i = 0; i < 20 && r.ok && r.events.length === 0; i++) {
          await new Promise((res) => setTimeout(res, 100));
          r = await backend.fetchEvents({ window, targets: [localTarget] });
        }
        return r;
      };
      const raw = await fetchWith();
      expect(raw.ok && raw.events.length, 'on the target clock the event is a minute in the future: outside the window').to.equal(0);
      const fixed = await fetchWith(new Map([['local', 60_000]]));
      expect(fixed.ok && fixed.events.length).to.equal(1);
      expect(fixed.ok && Math.abs(fixed.events[0]!.starttime - now)).to.be.below(1000);
      expect(fixed.ok && fixed.events[0]!.payload).to.contain(`msg=audit(${(ahead / 1000).toFixed(3)}:1)`); // the record keeps the target's time
    } finally {
      await exec.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Windows (a stand-in executor answering as wevtutil does): the query asks from the target\'s clock, events come back on ours', async () => {
    const now = Date.now();
    const skew = 120_000; // the target's clock two minutes ahead
    const queries: string[] = [];
    const xml = (t: number) => `<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>1</EventID><TimeCreated SystemTime='${new Date(t).toISOString()}'/><EventRecordID>42</EventRecordID><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WIN-ATH</Computer></System><EventData><Data Name='Image'>C:\\Windows\\System32\\certutil.exe</Data><Data Name='CommandLine'>certutil -store Root</Data></EventData></Event></Events>`;
    const exec = {
      isConnected: () => true,
      exec: async (cmd: string) => {
        queries.push(cmd);
        return { exitCode: 0, stdout: cmd.includes('Sysmon') ? xml(now + skew) : '<Events></Events>', stderr: '' };
      },
    } as unknown as LocalExecutor;
    const win = { name: 'win', os: 'windows' as const, shell: 'cmd' as const, transport: 'ssh' as const, address: '192.0.2.7' };
    const backend = new LocalBackend({ executors: new Map([['win', exec]]), offsets: new Map(), profile: loadProfile('stock'), env: {}, since: new Map([['win', now - 5_000]]), clockSkews: new Map([['win', skew]]) });
    const r = await backend.fetchEvents({ window: { start: now - 10_000, stop: now + 10_000 }, targets: [win as never] });
    expect(queries[0]).to.contain(`@SystemTime>='${new Date(now - 5_000 + skew).toISOString()}'`);
    expect(r.ok && r.events.map((e) => e.starttime)).to.deep.equal([now]);
    // The next query continues from the newest event, on the target's clock again.
    queries.length = 0;
    await backend.fetchEvents({ window: { start: now - 10_000, stop: now + 10_000 }, targets: [win as never] });
    expect(queries[0]).to.contain(`@SystemTime>='${new Date(now + skew).toISOString()}'`);
  });
});
