// Reports and journals are written atomically: a crash never leaves half a file, and results already
// gathered are never lost to a failed rewrite.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync, unlinkSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/** Writes `data` to a temp file beside `file`, fsyncs it, then renames it over `file`. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  void writeFileAtomicWith(file, (write) => write(data));
}

/**
 * Streams content into `file` atomically: `fill` gets a `write` function for a temp file beside `file`;
 * when it resolves the temp file is fsync'd and renamed over `file`; when it throws, the temp file is
 * removed and `file` is untouched. Synchronous fills complete before this returns.
 */
export function writeFileAtomicWith<T>(file: string, fill: (write: (chunk: string | Uint8Array) => void) => T): T {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w', 0o644);
  const write = (chunk: string | Uint8Array): void => {
    writeSync(fd, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  };
  const fail = (e: unknown): never => {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  };
  const finish = (): void => {
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
    fsyncDir(dirname(file));
  };
  let result: T;
  try {
    result = fill(write);
  } catch (e) {
    return fail(e);
  }
  if (result instanceof Promise) {
    return result.then((v) => { finish(); return v; }, fail) as T;
  }
  try { finish(); } catch (e) { return fail(e); }
  return result;
}

/** Appends one line and fsyncs it before returning (journals: the entry is on disk before the action). */
export function appendLineDurable(file: string, line: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'a', 0o600);
  try {
    writeSync(fd, line.endsWith('\n') ? line : line + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    /* not supported on every filesystem; the rename is still atomic */
  }
}

