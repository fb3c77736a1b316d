// Bounded capture of a process's stdout/stderr: keeps the first maxBytes of each, counts the rest; and the
// one ExecResult builder both executors use.
import type { ExecResult } from './types.js';

export const DEFAULT_MAX_OUTPUT = 1024 * 1024;

export class BoundedBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly max: number = DEFAULT_MAX_OUTPUT) {}

  // Adds a chunk, dropping what exceeds the bound.
  push(chunk: Buffer | string): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const room = this.max - this.size;
    if (room <= 0) {
      if (b.length > 0) this.truncated = true;
      return;
    }
    const keep = b.length > room ? b.subarray(0, room) : b;
    if (keep.length < b.length) this.truncated = true;
    this.chunks.push(keep);
    this.size += keep.length;
  }

  // The captured text (UTF-8).
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export interface ResultParts {
  command: string;
  target: string;
  exitCode: number | null;
  signal: string | null;
  out: BoundedBuffer;
  err: BoundedBuffer;
  startedAt: number;
  timedOut: boolean;
  aborted: boolean;
}

// The ExecResult of a finished command (exit code null after a timeout or abort: the harness ended it).
export function buildResult(p: ResultParts): ExecResult {
  const finishedAt = Date.now();
  const exitCode = p.timedOut || p.aborted ? null : p.exitCode;
  return {
    command: p.command,
    target: p.target,
    exitCode,
    signal: p.signal,
    stdout: p.out.text(),
    stderr: p.err.text(),
    startedAt: p.startedAt,
    finishedAt,
    durationMs: finishedAt - p.startedAt,
    timedOut: p.timedOut,
    aborted: p.aborted,
    truncated: p.out.truncated || p.err.truncated,
    failed: exitCode !== 0 || p.timedOut || p.aborted,
  };
}
