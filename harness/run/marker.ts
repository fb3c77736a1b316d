// Run ids and execution markers (DESIGN section 4). A marker `ath-<run8>-<seq>` is carried by whatever the
// behaviour allows (certificate CN, file names, URLs) so events are tied to one execution, not a time window.
import { randomBytes } from 'node:crypto';
import { HarnessError } from '../errors.js';

const RUN_ID = /^(\d{8}T\d{6}Z)-([0-9a-f]{8})$/;

// A new run id: UTC timestamp plus 8 random hex digits, e.g. 20261122T051500Z-1a2b3c4d.
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

// The 8 hex digits of a run id (the part markers carry).
export function run8Of(runId: string): string {
  const m = RUN_ID.exec(runId);
  if (!m) {
    throw new HarnessError('HARNESS_RUN_BAD_ID', `not a run id: ${JSON.stringify(runId)}`, {
      fix: 'use the id a run printed (e.g. 20261122T051500Z-1a2b3c4d) or the path of reports/<id>',
    });
  }
  return m[2]!;
}

// True when the string has the shape of a run id.
export function isRunId(s: string): boolean {
  return RUN_ID.test(s);
}

// The marker of execution `seq` (1-based) of a run: ath-<run8>-<seq>.
export function markerFor(runId: string, seq: number): string {
  if (!Number.isInteger(seq) || seq < 1) {
    throw new HarnessError('HARNESS_RUN_BAD_SEQ', `execution sequence must be a positive integer, got ${seq}`);
  }
  return `ath-${run8Of(runId)}-${seq}`;
}
