// The cleanup journal (`<runDir>/journal.jsonl`): each test's cleanup is written and fsync'd BEFORE the
// test executes, then marked done or failed, so a crash at any point leaves enough on disk for
// `harness cleanup --run ID` to undo what the run did.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendLineDurable } from '../util/atomic-write.js';
import type { Target } from '../model/config.js';

/** What the residue check looks for after cleanup. */
export type ResidueCheck =
  /** Files whose name contains the marker (not followed by a digit) in a directory of the target. */
  | { kind: 'marker-files'; dir: string; marker: string }
  /** A certificate with this SHA-1 thumbprint in any store of the target. */
  | { kind: 'thumbprint'; thumbprint: string };

export type JournalState = 'pending' | 'done' | 'failed';

export interface JournalRunEntry {
  kind: 'run';
  runId: string;
  startedAt: string;
  /** Target definitions as configured (auth by reference only: never a secret), for replay without the targets file. */
  targets: Target[];
}

export interface JournalTestEntry {
  kind: 'test';
  seq: number;
  target: string;
  guid: string;
  marker: string;
  os: 'windows' | 'linux';
  state: JournalState;
  /** The rendered cleanup command line (null when the test has none). */
  cleanup: string | null;
  /** Files the harness itself put on the target (uploaded certificates), removed after the cleanup. */
  remove: string[];
  residueChecks: ResidueCheck[];
  at: string;
  /** For done/failed: what the residue check found, or why the cleanup failed. */
  residue?: string[];
  detail?: string;
}

export type JournalEntry = JournalRunEntry | JournalTestEntry;

export const JOURNAL_FILE = 'journal.jsonl';

// The journal file of a run directory.
export function journalPath(runDir: string): string {
  return join(runDir, JOURNAL_FILE);
}

// Appends one entry and fsyncs before returning.
export function appendJournal(runDir: string, entry: JournalEntry): void {
  appendLineDurable(journalPath(runDir), JSON.stringify(entry));
}

export interface JournalContents {
  run?: JournalRunEntry;
  /** Latest state of each (target, seq), in first-seen order. */
  tests: JournalTestEntry[];
  /** Lines that did not parse (a crash can cut the last line short); skipped, counted. */
  badLines: number[];
}

// Reads a journal; later entries for the same (target, seq) supersede earlier ones.
export function readJournal(runDir: string): JournalContents {
  const file = journalPath(runDir);
  const out: JournalContents = { tests: [], badLines: [] };
  if (!existsSync(file)) return out;
  const latest = new Map<string, JournalTestEntry>();
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let e: JournalEntry;
    try {
      e = JSON.parse(line) as JournalEntry;
    } catch {
      out.badLines.push(i + 1);
      return;
    }
    if (e.kind === 'run') out.run = e;
    else if (e.kind === 'test') latest.set(`${e.target}\u0000${e.seq}`, e);
  });
  out.tests = [...latest.values()];
  return out;
}

// Entries whose cleanup has not completed cleanly (pending: crashed before or during cleanup; failed: residue).
export function unfinished(journal: JournalContents): JournalTestEntry[] {
  return journal.tests.filter((t) => t.state !== 'done');
}
