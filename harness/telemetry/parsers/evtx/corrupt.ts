// The one internal failure type of the EVTX parser: thrown deep inside a record or chunk, caught at the
// record or chunk boundary and turned into a located ParseWarning. It never escapes the public API.

export class EvtxCorrupt extends Error {
  /** Offset relative to the current chunk (or file, for file-level problems). */
  readonly at: number;
  constructor(reason: string, at: number) {
    super(reason);
    this.at = at;
  }
}

// Throws EvtxCorrupt unless [pos, pos+len) lies inside [0, limit).
export function need(pos: number, len: number, limit: number, what: string): void {
  if (pos < 0 || len < 0 || pos + len > limit) throw new EvtxCorrupt(`${what} at ${pos} (+${len}) runs past ${limit}`, pos);
}
