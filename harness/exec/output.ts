// Bounded capture of a process's stdout/stderr: keeps the first maxBytes of each, counts the rest.
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
