// Cleanup that is not optional (DESIGN section 6): run the journaled cleanup command, remove what the
// harness uploaded, then check for residue. Used after every test and by `harness cleanup --run ID`.
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { HarnessError } from '../errors.js';
import type { Executor } from '../exec/types.js';
import type { CleanupOutcome } from '../model/report.js';
import type { Target } from '../model/config.js';
import { appendJournal, readJournal, unfinished, type JournalTestEntry } from './journal.js';
import { checkResidue, shQuote, wrapPowerShell } from './residue.js';
import { isRunId } from './marker.js';

const MAX_STDERR = 2000;

// Runs one journaled cleanup (command, harness files, residue check) on a connected executor.
export async function runCleanup(exec: Executor, entry: JournalTestEntry, opts: { shell?: 'cmd' | 'powershell'; timeoutMs?: number } = {}): Promise<CleanupOutcome> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  let ok = true;
  let exitCode: number | null | undefined;
  let stderr = '';
  if (entry.cleanup) {
    try {
      const r = await exec.exec(entry.cleanup, { timeoutMs, maxOutputBytes: 64 * 1024 });
      exitCode = r.exitCode;
      // A non-zero cleanup exit is common (ART cleanups `rm` files that a failed run never made); the
      // residue check decides whether anything is really left, so only a timeout counts as a failure here.
      if (r.timedOut || r.aborted) {
        ok = false;
        stderr = `cleanup ${r.timedOut ? 'timed out' : 'was aborted'}; ${r.stderr}`;
      } else stderr = r.stderr;
    } catch (e) {
      ok = false;
      stderr = `cleanup could not run: ${(e as Error).message}`;
    }
  }
  if (entry.remove.length > 0) {
    const rm = entry.os === 'windows'
      ? wrapPowerShell(entry.remove.map((p) => `Remove-Item -LiteralPath '${p.replace(/'/g, "''")}' -Force -ErrorAction SilentlyContinue`).join('; ') + '; exit 0', opts.shell)
      : `rm -f -- ${entry.remove.map(shQuote).join(' ')}`;
    try {
      await exec.exec(rm, { timeoutMs, maxOutputBytes: 16 * 1024 });
    } catch (e) {
      ok = false;
      stderr += `\nremoving harness files failed: ${(e as Error).message}`;
    }
  }
  const check = await checkResidue(exec, entry.residueChecks, opts.shell);
  if (check.error) {
    ok = false;
    stderr += `\n${check.error}`;
  }
  if (check.residue.length > 0) ok = false;
  const out: CleanupOutcome = { ok, residue: check.residue, stderr: stderr.trim().slice(0, MAX_STDERR) };
  if (exitCode !== undefined) out.exitCode = exitCode;
  return out;
}

// Journals the outcome of a cleanup (done when clean, failed otherwise).
export function journalCleanupOutcome(runDir: string, entry: JournalTestEntry, outcome: CleanupOutcome): void {
  appendJournal(runDir, {
    ...entry,
    state: outcome.ok ? 'done' : 'failed',
    at: new Date().toISOString(),
    residue: outcome.residue,
    ...(outcome.ok ? {} : { detail: outcome.stderr }),
  });
}

export interface CleanupReplayEntry {
  target: string;
  seq: number;
  marker: string;
  guid: string;
  /** State in the journal before the replay. */
  was: 'pending' | 'failed';
  ok: boolean;
  residue: string[];
  error?: string;
}

export interface CleanupReplayResult {
  runId: string;
  runDir: string;
  entries: CleanupReplayEntry[];
  /** Count of leftovers found after the replay (0 = clean). */
  residue: number;
  /** Every unfinished entry was cleaned up and verified clean. */
  ok: boolean;
}

// The run directory named by a run id (under reportDir) or a path; a HarnessError when there is no journal.
export function resolveRunDir(idOrPath: string, reportDir = 'reports'): string {
  const candidates = [resolve(idOrPath), resolve(reportDir, idOrPath)];
  for (const c of candidates) {
    if (existsSync(c) && statSync(c).isDirectory() && existsSync(resolve(c, 'journal.jsonl'))) return c;
  }
  throw new HarnessError('HARNESS_RUN_NO_JOURNAL', `no run journal found for ${JSON.stringify(idOrPath)} (looked for ${candidates.map((c) => resolve(c, 'journal.jsonl')).join(', ')})`, {
    fix: isRunId(basename(idOrPath)) ? 'pass --report-dir where the run wrote its reports' : 'pass a run id (e.g. 20261122T051500Z-1a2b3c4d) or the path of reports/<id>',
  });
}

// Replays every cleanup the journal has not seen finish cleanly, then verifies residue. One connection per target.
export async function replayCleanups(opts: { runDir: string; targets?: Target[]; executorFactory: (t: Target) => Executor; timeoutMs?: number }): Promise<CleanupReplayResult> {
  const journal = readJournal(opts.runDir);
  if (!journal.run && journal.tests.length === 0) {
    throw new HarnessError('HARNESS_RUN_NO_JOURNAL', `the journal in ${opts.runDir} is empty`, { fix: 'name the directory of a run that started executing' });
  }
  const byName = new Map<string, Target>();
  for (const t of journal.run?.targets ?? []) byName.set(t.name, t);
  for (const t of opts.targets ?? []) byName.set(t.name, t); // given targets win (e.g. a fixed address)
  const todo = unfinished(journal);
  const entries: CleanupReplayEntry[] = [];
  const byTarget = new Map<string, JournalTestEntry[]>();
  for (const e of todo) byTarget.set(e.target, [...(byTarget.get(e.target) ?? []), e]);
  await Promise.all([...byTarget].map(async ([name, list]) => {
    const target = byName.get(name);
    const fail = (e: JournalTestEntry, error: string) => entries.push({ target: name, seq: e.seq, marker: e.marker, guid: e.guid, was: e.state as 'pending' | 'failed', ok: false, residue: [], error });
    if (!target) return list.forEach((e) => fail(e, `target ${name} is not in the journal nor in the given targets`));
    let exec: Executor;
    try {
      exec = opts.executorFactory(target);
      await exec.connect();
    } catch (e) {
      return list.forEach((en) => fail(en, `cannot connect to ${name}: ${(e as Error).message}`));
    }
    try {
      for (const e of list) {
        const outcome = await runCleanup(exec, e, { shell: target.shell, timeoutMs: opts.timeoutMs });
        journalCleanupOutcome(opts.runDir, e, outcome);
        entries.push({ target: name, seq: e.seq, marker: e.marker, guid: e.guid, was: e.state as 'pending' | 'failed', ok: outcome.ok, residue: outcome.residue, ...(outcome.ok ? {} : { error: outcome.stderr }) });
      }
    } finally {
      await exec.close().catch(() => undefined);
    }
  }));
  entries.sort((a, b) => a.target.localeCompare(b.target) || a.seq - b.seq);
  const residue = entries.reduce((n, e) => n + e.residue.length, 0);
  return { runId: journal.run?.runId ?? basename(opts.runDir), runDir: opts.runDir, entries, residue, ok: entries.every((e) => e.ok) };
}
