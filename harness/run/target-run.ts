// One target's share of a run: connect, temp dir and identity, sensor preflight, audit-log offset,
// reverse forward for harness_url, then its tests one after another, each followed by its cleanup and
// residue check. A dropped connection is reconnected once, for cleanup; after that the target is lost.
import type { Executor } from '../exec/types.js';
import type { ResolvedConfig, Target } from '../model/config.js';
import type { CleanupOutcome } from '../model/report.js';
import type { PlannedTest } from './plan.js';
import type { ProgressEvent } from './progress.js';
import type { CertServer } from './cert-server.js';
import type { ExecutionOutcome, Identity, TargetRun } from './orchestrator.js';
import { notStarted } from './orchestrator.js';
import { runPreflight, type PreflightResult } from './preflight.js';
import { recordAuditOffset } from './audit-offset.js';
import { runTest, cleanupNotRun } from './execute-test.js';
import { journalCleanupOutcome, runCleanup } from './cleanup.js';
import { placeholdersIn } from '../catalog/args.js';
import { TARGET_URL_PORT } from './cert-server.js';
import { run8Of } from './marker.js';

export interface TargetContext {
  runId: string;
  runDir: string;
  config: ResolvedConfig;
  factory: (t: Target) => Executor;
  signal?: AbortSignal;
  certServer?: CertServer;
  args?: Record<string, string>;
  keyPem: () => string;
  emit: (e: Omit<ProgressEvent, 'done' | 'total'>) => void;
  testDone: () => void;
  logExecutorFor?: (t: Target) => Executor | undefined;
  /** Receives the open executor when the run keeps connections. */
  keep?: (e: Executor) => void;
}

const label = (p: PlannedTest) => `${p.test.technique}-${p.test.number} ${p.test.name}`;

// Runs every planned test of one target; never throws for target trouble (it is in the outcomes).
export async function runTarget(target: Target, tests: PlannedTest[], ctx: TargetContext): Promise<{ targetRun: TargetRun; outcomes: ExecutionOutcome[] }> {
  const outcomes: ExecutionOutcome[] = [];
  const targetRun: TargetRun = { target, connected: false, preflight: { ok: true, sensors: [] } };
  for (const p of tests) if (p.skip) outcomes.push(notStarted(p, ctx.runId, { skipped: p.skip }));
  const todo = tests.filter((p) => !p.skip);
  if (todo.length === 0) return { targetRun, outcomes };
  const finish = (p: PlannedTest, why: string, identity?: Identity) => {
    outcomes.push(notStarted(p, ctx.runId, { notExecuted: why }, identity));
    ctx.testDone();
    ctx.emit({ kind: 'test-end', target: target.name, seq: p.seq, test: label(p), state: 'not-executed', detail: why });
  };

  let exec: Executor;
  try {
    exec = ctx.factory(target);
    await exec.connect();
  } catch (e) {
    targetRun.error = `connection failed: ${(e as Error).message}`;
    targetRun.preflight = { ok: false, sensors: [{ name: 'connection', ok: false, detail: targetRun.error }] };
    ctx.emit({ kind: 'target-failed', target: target.name, detail: targetRun.error });
    for (const p of todo) finish(p, targetRun.error);
    return { targetRun, outcomes };
  }
  targetRun.connected = true;
  let pre: PreflightResult | undefined;
  let forward: { close(): Promise<void> } | undefined;
  let reconnected = false;
  let lost: string | undefined;
  try {
    const tmp = await tempDirOf(exec, target);
    targetRun.tmp = tmp;
    const probe = target.os === 'linux' ? await identityOf(exec) : undefined;
    const identity = probe?.identity;
    if (identity) targetRun.identity = identity;
    if (probe?.clockSkewMs !== undefined) targetRun.clockSkewMs = probe.clockSkewMs;
    if (target.os === 'windows') {
      const skew = await windowsClockSkew(exec, target);
      if (skew !== undefined) targetRun.clockSkewMs = skew;
    }
    // The audit log and rules may be reachable only through another executor (the lab's shared kernel log).
    const logExec = ctx.logExecutorFor?.(target) ?? exec;
    if (!logExec.isConnected()) await logExec.connect();
    pre = await runPreflight(logExec, logExec === exec ? target : { ...target, sudo: false }, { setupSensors: ctx.config.setupSensors, key: `ath-${run8Of(ctx.runId)}-${target.name.replace(/[^A-Za-z0-9_-]/g, '_')}` });
    targetRun.preflight = pre.preflight;
    if (target.os === 'linux') {
      const off = await recordAuditOffset(logExec, logExec === exec ? target : { ...target, sudo: false });
      if (off.offset) targetRun.auditOffset = off.offset;
      else targetRun.preflight.sensors.push({ name: 'audit-log', ok: false, detail: off.error!, fix: 'let the harness user read /var/log/audit/audit.log (sudo: true, or the adm group)' });
      targetRun.preflight.ok = targetRun.preflight.sensors.every((s) => s.ok);
    }
    if (targetRun.clockSkewMs && Math.abs(targetRun.clockSkewMs) > 2000) {
      // Informational: collection puts event times on the harness's clock, so verdicts are not affected.
      const s = (Math.abs(targetRun.clockSkewMs) / 1000).toFixed(1);
      targetRun.preflight.sensors.push({ name: 'clock', ok: true, detail: `the target's clock is ${s} s ${targetRun.clockSkewMs > 0 ? 'ahead of' : 'behind'} the harness's: event times read from its logs are corrected by it`, fix: 'synchronise the clock (NTP, w32tm /resync on Windows) so the logs agree with other systems' });
    }
    if (ctx.certServer && target.transport !== 'local' && todo.some((p) => placeholdersIn(p.test.executor.command).includes('harness_url'))) {
      forward = await exec.forwardRemotePort(TARGET_URL_PORT, '127.0.0.1', ctx.certServer.port, '127.0.0.1');
    }
    ctx.emit({ kind: 'target-connected', target: target.name, detail: targetRun.preflight.ok ? 'sensors ok' : `sensors: ${targetRun.preflight.sensors.filter((s) => !s.ok).map((s) => s.name).join(', ')} missing` });

    for (const p of todo) {
      if (ctx.signal?.aborted) { finish(p, 'interrupted before it started', identity); continue; }
      if (lost) { finish(p, lost, identity); continue; }
      ctx.emit({ kind: 'test-start', target: target.name, seq: p.seq, test: label(p) });
      const tr = await runTest(exec, p, { runId: ctx.runId, runDir: ctx.runDir, config: ctx.config, tmp, keyPem: ctx.keyPem, certServer: ctx.certServer, signal: ctx.signal, args: ctx.args });
      let cleanup: CleanupOutcome = { ok: true, residue: [] };
      if (tr.journal.state === 'pending') {
        if (tr.connectionLost || !exec.isConnected()) {
          // Reconnect once, for cleanup: a behaviour that may have run must not be left behind.
          if (!reconnected) {
            reconnected = true;
            await exec.close().catch(() => undefined);
            try {
              exec = ctx.factory(target);
              await exec.connect();
            } catch (e) {
              lost = `connection lost: ${tr.connectionLost ?? 'disconnected'}; reconnect failed: ${(e as Error).message}`;
            }
          } else lost = tr.connectionLost ?? 'connection lost';
          if (lost) targetRun.connectionLost = lost;
          else if (forward) forward = await reforward(exec, forward, ctx, target.name);
        }
        cleanup = lost ? cleanupNotRun(lost) : await runCleanup(exec, tr.journal, { shell: target.shell, timeoutMs: ctx.config.timeouts.execMs });
        if (!lost) journalCleanupOutcome(ctx.runDir, tr.journal, cleanup);
      }
      ctx.certServer?.remove(tr.marker);
      const art = tr.record.artefact;
      const thumbprint = tr.cert?.thumbprint ?? art?.thumbprint;
      const certSubject = tr.cert?.subject ?? art?.subject;
      outcomes.push({
        planned: p, marker: tr.marker, args: tr.args, ran: tr.ran,
        ...(tr.skipped ? { skipped: tr.skipped } : {}), ...(tr.notExecuted ? { notExecuted: tr.notExecuted } : {}),
        execution: { ...tr.record, cleanup }, ...(thumbprint ? { thumbprint } : {}), ...(certSubject ? { certSubject } : {}),
        window: tr.window, ...(identity ? { identity } : {}),
      });
      ctx.testDone();
      ctx.emit({ kind: 'test-end', target: target.name, seq: p.seq, test: label(p), state: tr.ran ? 'ran' : tr.skipped ? 'skipped' : 'not-executed', detail: tr.notExecuted ?? tr.skipped });
      ctx.emit({ kind: 'cleanup', target: target.name, seq: p.seq, test: label(p), state: cleanup.ok ? 'clean' : cleanup.residue.length ? 'residue' : 'failed', detail: cleanup.residue.length ? cleanup.residue.join('; ') : cleanup.stderr });
    }
  } catch (e) {
    // Trouble between tests (preflight or setup over a dropped connection): the rest is not executed.
    const why = exec.isConnected() ? `target setup failed: ${(e as Error).message}` : `connection lost during target setup: ${(e as Error).message}`;
    targetRun.error = why;
    const seen = new Set(outcomes.map((o) => o.planned.seq));
    for (const p of todo) if (!seen.has(p.seq)) finish(p, why);
  } finally {
    await forward?.close().catch(() => undefined);
    await pre?.teardown().catch(() => undefined);
    if (ctx.keep && exec.isConnected()) ctx.keep(exec);
    else await exec.close().catch(() => undefined);
  }
  return { targetRun, outcomes };
}

// harness_tmp: /tmp on Linux; %TEMP% of the login on Windows (asked once per target).
async function tempDirOf(exec: Executor, target: Target): Promise<string> {
  if (target.os !== 'windows') return '/tmp';
  const r = await exec.exec(target.shell === 'powershell' ? '$env:TEMP' : 'echo %TEMP%', { timeoutMs: 30_000 });
  const dir = r.stdout.trim().split(/\r?\n/)[0]?.trim();
  return r.exitCode === 0 && dir ? dir : 'C:\\Windows\\Temp';
}

// Who the login is (uid, login uid, host name) and how far the target's clock is from ours: audit
// records carry the target's time, the execution windows the harness's.
async function identityOf(exec: Executor): Promise<{ identity: Identity; clockSkewMs?: number } | undefined> {
  const t0 = Date.now();
  // /proc/self/loginuid has no trailing newline: the echo ends its line (else it ran into the host name,
  // and neither the login uid nor the host name was read).
  const r = await exec.exec(`id -u; { cat /proc/self/loginuid 2>/dev/null || printf -; }; echo; hostname; ${DATE_MS}`, { timeoutMs: 30_000 });
  const t1 = Date.now();
  if (r.exitCode !== 0) return undefined;
  const [uid, auid, host, now] = r.stdout.split('\n').map((s) => s.trim());
  const id: Identity = {};
  if (uid && /^\d+$/.test(uid)) id.uid = Number(uid);
  // 4294967295 is "unset" (no login session): not an identity.
  if (auid && /^\d+$/.test(auid) && auid !== '4294967295') id.auid = Number(auid);
  if (host) id.hostname = host;
  const first = skewBounds(now ?? '', t0, t1);
  return { identity: id, ...(first ? { clockSkewMs: await measureSkew(exec, first) } : {}) };
}

const DATE_MS = 'date +%s%3N 2>/dev/null || echo -';
const PS_MS = '[DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()';

// A Windows target's clock, read the same way (PowerShell's epoch milliseconds; from cmd.exe through
// powershell.exe, whose start-up is inside the round trip and so only widens the range). Without it a
// clock behind by more than the fetch slack hid the target's events from the wevtutil time filter.
export async function windowsClockSkew(exec: Executor, target: Target): Promise<number | undefined> {
  const cmd = target.shell === 'powershell' ? PS_MS : `powershell.exe -NoProfile -NonInteractive -Command "${PS_MS}"`;
  const first = await readClock(exec, cmd);
  return first ? measureSkew(exec, first, cmd) : undefined;
}

// One reading of the target's clock by `command` (it prints epoch milliseconds).
async function readClock(exec: Pick<Executor, 'exec'>, command: string): Promise<SkewBounds | undefined> {
  const t0 = Date.now();
  const r = await exec.exec(command, { timeoutMs: 30_000 });
  return r.exitCode === 0 ? skewBounds(r.stdout.trim(), t0, Date.now()) : undefined;
}

/** What one reading of the target's clock proves: target minus harness clock lies in [lo, hi]. */
export interface SkewBounds { lo: number; hi: number }

// The target's `date +%s%3N`, read somewhere between t0 and t1 on our clock: the skew is at least
// targetNow - t1 and at most targetNow - t0. A date without %N (busybox prints "...3N") gives no measure.
export function skewBounds(targetNow: string, t0: number, t1: number): SkewBounds | undefined {
  if (!/^\d{13}$/.test(targetNow)) return undefined;
  return { lo: Number(targetNow) - t1, hi: Number(targetNow) - t0 };
}

// The correction to apply given what the readings prove: 0 when they are consistent with synchronised
// clocks (or prove less than 500 ms), else the bound nearest 0. Never more than proven: the first
// reading's round trip includes the login (PAM session set-up), and correcting by its midpoint once moved
// a target's events a second earlier than they happened, out of the window (a false NO_TELEMETRY).
export function clockSkew(b: SkewBounds): number {
  const proven = b.lo > 0 ? b.lo : b.hi < 0 ? b.hi : 0;
  return Math.abs(proven) < 500 ? 0 : proven;
}

// Readings on the now-open session (a round trip without the login) narrow the bounds: each holds the
// true skew, so their intersection does. Taken when the first reading proves a skew (to correct it as
// closely as can be proven) or is too wide to tell (a slow login, PowerShell's start-up): up to two more.
export async function measureSkew(exec: Pick<Executor, 'exec'>, first: SkewBounds, command = DATE_MS): Promise<number> {
  let b = first;
  for (let i = 0; i < 2 && (clockSkew(b) !== 0 || b.hi - b.lo > 1000); i++) {
    const next = await readClock(exec, command);
    if (!next) break;
    const both = { lo: Math.max(b.lo, next.lo), hi: Math.min(b.hi, next.hi) };
    // Disjoint: the clock was stepped between the readings; the newer one is what holds now.
    b = both.lo <= both.hi ? both : next;
  }
  return clockSkew(b);
}

// The reverse forward died with the old connection; later #{harness_url} tests need it back. If it cannot
// be re-opened, those tests fail on their own (their download fails), and the progress line says why.
async function reforward(exec: Executor, old: { close(): Promise<void> }, ctx: TargetContext, target: string): Promise<{ close(): Promise<void> } | undefined> {
  await old.close().catch(() => undefined);
  try {
    return await exec.forwardRemotePort(TARGET_URL_PORT, '127.0.0.1', ctx.certServer!.port, '127.0.0.1');
  } catch (e) {
    ctx.emit({ kind: 'target-connected', target, detail: `reconnected, but the reverse forward for #{harness_url} could not be re-opened: ${(e as Error).message}` });
    return undefined;
  }
}
