// One planned test on one connected target: journal the cleanup, upload the harness certificate,
// prerequisites (check, get, check again), the command with its marker under the whole-test timeout,
// the artefact check, then cleanup and the residue check, whatever happened before.
import type { Executor, ExecResult } from '../exec/types.js';
import type { ExecutionRecord, CleanupOutcome } from '../model/report.js';
import type { ResolvedConfig } from '../model/config.js';
import { argumentsOf, placeholdersIn } from '../catalog/args.js';
import { appendJournal, type JournalTestEntry, type ResidueCheck } from './journal.js';
import { markerFor } from './marker.js';
import { generateMarkerCertificate, type MarkerCertificate } from './certificates.js';
import { renderFor } from './render.js';
import type { PlannedTest } from './plan.js';
import type { CertServer } from './cert-server.js';
import { bound, checkArtefact, uploadBytes, uploadRendered } from './artefact.js';

export const MAX_OUTPUT = 64 * 1024;

/** What the target loop hands each test. */
export interface TestContext {
  runId: string;
  runDir: string;
  config: ResolvedConfig;
  /** Target temp dir (harness_tmp). */
  tmp: string;
  /** Key reused for every certificate of the run (the thumbprint still differs per marker). */
  keyPem: () => string;
  certServer?: CertServer;
  signal?: AbortSignal;
  /** Extra input-argument values (declared names only; built-ins always win). */
  args?: Record<string, string>;
}

/** The result of the parts before cleanup; cleanup and residue are filled in by the caller. */
export interface TestRun {
  marker: string;
  args: Record<string, string>;
  cert?: MarkerCertificate;
  journal: JournalTestEntry;
  ran: boolean;
  notExecuted?: string;
  skipped?: string;
  /** The connection broke during the test: the caller reconnects once for cleanup. */
  connectionLost?: string;
  record: Omit<ExecutionRecord, 'cleanup'>;
  window: { start: number; stop: number };
}

const CERT_ARGS = ['harness_cert_path', 'harness_cert_thumbprint', 'harness_url'];

// Texts of a test that get arguments substituted (to see which built-ins it uses).
function textsOf(p: PlannedTest): string[] {
  const t = p.test;
  const art = (t['x-harness'] as { artefact?: { certificate?: string } } | undefined)?.artefact;
  return [t.executor.command ?? '', t.executor.cleanup_command ?? '', art?.certificate ?? '', ...(t.dependencies ?? []).flatMap((d) => [d.prereq_command, d.get_prereq_command ?? ''])];
}

// Runs a test up to (not including) its cleanup; journals the cleanup before anything touches the target.
export async function runTest(exec: Executor, p: PlannedTest, ctx: TestContext): Promise<TestRun> {
  const { test, target } = p;
  const marker = markerFor(ctx.runId, p.seq);
  const sep = target.os === 'windows' ? '\\' : '/';
  const used = new Set(textsOf(p).flatMap(placeholdersIn));
  const needsCert = CERT_ARGS.some((a) => used.has(a));
  const cert = needsCert ? generateMarkerCertificate(marker, { keyPem: ctx.keyPem() }) : undefined;
  const certPath = `${ctx.tmp}${sep}${marker}.cer`;
  const builtins: Record<string, string> = {
    harness_marker: marker,
    harness_tmp: ctx.tmp,
    harness_cert_path: certPath,
    harness_cert_thumbprint: cert?.thumbprint ?? '',
    harness_url: ctx.certServer?.urlFor(marker, target.transport === 'local') ?? `http://127.0.0.1:8080/${marker}.cer`,
  };
  const args = argumentsOf(test, { ...ctx.args, ...builtins });
  const now = Date.now();
  const base = { marker, args, ...(cert ? { cert } : {}) };
  const residueChecks: ResidueCheck[] = [{ kind: 'marker-files', dir: ctx.tmp, marker }];
  if (cert) residueChecks.push({ kind: 'thumbprint', thumbprint: cert.thumbprint });

  let command, cleanup;
  try {
    command = renderFor(test, target, test.executor.command ?? '', args, ctx.tmp);
    cleanup = test.executor.cleanup_command ? renderFor(test, target, test.executor.cleanup_command, args, ctx.tmp) : undefined;
  } catch (e) {
    // An argument no quoting can carry (HARNESS_EXEC_UNQUOTABLE): refuse to run rather than run part of it as code.
    const journal = entry(p, marker, null, [], residueChecks, 'done');
    return { ...base, journal, ran: false, notExecuted: `not rendered: ${(e as Error).message}`, record: emptyRecord(now, `not rendered: ${(e as Error).message}`), window: { start: now, stop: now } };
  }
  const remove = [...(cert ? [certPath] : []), ...(command.files ?? []).map((f) => f.path), ...(cleanup?.files ?? []).map((f) => f.path)];
  const journal = entry(p, marker, cleanup?.commandLine ?? null, remove, residueChecks, 'pending');
  appendJournal(ctx.runDir, journal);
  const record: TestRun['record'] = emptyRecord(now);
  const out: TestRun = { ...base, journal, ran: false, record, window: { start: now, stop: now } };
  const lost = (e: unknown) => {
    out.connectionLost = `connection lost: ${(e as Error).message}`;
    out.notExecuted = out.connectionLost;
    record.reason = out.connectionLost;
    return out;
  };
  const timeoutMs = ctx.config.timeouts.execMs;
  try {
    if (cert) {
      ctx.certServer?.add(marker, cert.der);
      await uploadBytes(exec, cert.der, certPath);
    }
    await uploadRendered(exec, [command, ...(cleanup ? [cleanup] : [])]);
    // Prerequisites: check; if unmet, get; check again (ART semantics, dependency_executor_name honoured).
    const prereqs: NonNullable<ExecutionRecord['prerequisites']> = [];
    for (const dep of test.dependencies ?? []) {
      const depExec = test.dependency_executor_name ?? test.executor.name;
      const check = () => runRendered(exec, renderFor(test, target, dep.prereq_command, args, ctx.tmp, depExec), timeoutMs, ctx.signal);
      let r = await check();
      if (r.exitCode === 0) { prereqs.push({ description: dep.description, ok: true }); continue; }
      if (!dep.get_prereq_command) {
        prereqs.push({ description: dep.description, ok: false });
        record.prerequisites = prereqs;
        out.skipped = `prerequisite missing and not fetchable: ${dep.description.trim()}`;
        record.reason = out.skipped;
        return out;
      }
      const got = await runRendered(exec, renderFor(test, target, dep.get_prereq_command, args, ctx.tmp, depExec), timeoutMs, ctx.signal);
      r = await check();
      prereqs.push({ description: dep.description, ok: r.exitCode === 0, got: got.exitCode === 0 });
      if (r.exitCode !== 0) {
        record.prerequisites = prereqs;
        out.notExecuted = `prerequisite not met after get_prereq_command: ${dep.description.trim()}`;
        record.reason = out.notExecuted;
        return out;
      }
    }
    if (prereqs.length) record.prerequisites = prereqs;
    if (ctx.signal?.aborted) {
      out.notExecuted = 'interrupted before it started';
      record.reason = out.notExecuted;
      return out;
    }
    const r = await exec.exec(command.commandLine, { timeoutMs: ctx.config.timeouts.testMs, signal: ctx.signal, maxOutputBytes: MAX_OUTPUT, killMatch: marker });
    out.window = { start: r.startedAt, stop: r.finishedAt };
    // The channel ended because the connection did: whatever the command did, it did not finish under our eyes.
    if (!exec.isConnected() && !r.timedOut && !r.aborted) return lost(new Error(`the connection to ${target.name} dropped while the command ran`));
    Object.assign(record, {
      exitCode: r.exitCode, timedOut: r.timedOut, startedAt: new Date(r.startedAt).toISOString(), finishedAt: new Date(r.finishedAt).toISOString(),
      stdout: bound(r.stdout), stderr: bound(r.stderr),
    });
    if (r.timedOut) out.notExecuted = `timed out after ${ctx.config.timeouts.testMs} ms (process tree killed)`;
    else if (r.aborted) out.notExecuted = 'interrupted (SIGINT): the command was stopped';
    // No exit status at all (the channel closed without one) is not "exit code null": say what happened.
    else if (r.exitCode === null) out.notExecuted = `no exit status: the command's channel closed without reporting one${r.signal ? ` (signal ${r.signal})` : ''}`;
    else if (r.exitCode !== 0) out.notExecuted = `exit code ${r.exitCode}`;
    else out.ran = true;
    if (out.notExecuted) record.reason = out.notExecuted;
    if (out.ran) record.artefact = await checkArtefact(exec, p, args, marker, cert, ctx.config.timeouts.execMs);
    return out;
  } catch (e) {
    if (!exec.isConnected()) return lost(e);
    // The connection is fine: one of the harness's own steps failed (an upload refused, a helper file).
    out.notExecuted = `harness step failed: ${(e as Error).message}`;
    record.reason = out.notExecuted;
    return out;
  }
}

function entry(p: PlannedTest, marker: string, cleanup: string | null, remove: string[], residueChecks: ResidueCheck[], state: 'pending' | 'done'): JournalTestEntry {
  return { kind: 'test', seq: p.seq, target: p.target.name, guid: p.test.auto_generated_guid, marker, os: p.target.os, state, cleanup, remove, residueChecks, at: new Date().toISOString() };
}

function emptyRecord(now: number, reason?: string): TestRun['record'] {
  const iso = new Date(now).toISOString();
  return { exitCode: null, timedOut: false, startedAt: iso, finishedAt: iso, stdout: '', stderr: '', ...(reason ? { reason } : {}) };
}

// Prerequisite checks are read-only, so one without an exit status (channel closed early) is asked again once.
async function runRendered(exec: Executor, r: { commandLine: string; files?: { path: string; content: string }[] }, timeoutMs: number, signal?: AbortSignal): Promise<ExecResult> {
  await uploadRendered(exec, [r]);
  const once = () => exec.exec(r.commandLine, { timeoutMs, signal, maxOutputBytes: MAX_OUTPUT });
  const first = await once();
  return first.exitCode === null && !first.timedOut && !first.aborted && exec.isConnected() ? once() : first;
}

// Outcome of a cleanup that could not run at all (no connection, reconnect failed).
export function cleanupNotRun(why: string): CleanupOutcome {
  return { ok: false, residue: [], stderr: `${why}; the cleanup is pending in the journal: run \`harness cleanup --run ID\`` };
}

