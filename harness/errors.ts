// Errors with stable codes. A failed command or a missed detection is a *result*, never one of these:
// these are for misconfiguration, bad input and infrastructure faults. Every error names what was wrong
// (file:line, field path or value) and how to fix it. The codes are listed in docs/errors.md.

export interface SourceLocation {
  file: string;
  line?: number; // 1-based
  column?: number; // 1-based
}

export interface HarnessErrorOptions {
  /** What the user should do about it. */
  fix?: string;
  location?: SourceLocation;
  /** Phase for executor/telemetry/back-end errors. */
  phase?: 'config' | 'connect' | 'auth' | 'hostkey' | 'exec' | 'timeout' | 'query' | 'parse' | 'io';
  cause?: unknown;
  /** Extra structured data, never secrets. */
  details?: Record<string, unknown>;
}

export class HarnessError extends Error {
  readonly code: string;
  readonly fix?: string;
  readonly location?: SourceLocation;
  readonly phase?: HarnessErrorOptions['phase'];
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, opts: HarnessErrorOptions = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = 'HarnessError';
    this.code = code;
    this.fix = opts.fix;
    this.location = opts.location;
    this.phase = opts.phase;
    this.details = opts.details;
  }

  /** `file:line:column: message (CODE)\n  fix: ...` — the form the CLI prints. */
  format(): string {
    const where = this.location ? `${formatLocation(this.location)}: ` : '';
    const fix = this.fix ? `\n  fix: ${this.fix}` : '';
    return `${where}${this.message} [${this.code}]${fix}`;
  }
}

export function formatLocation(loc: SourceLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  return s;
}

export function isHarnessError(e: unknown): e is HarnessError {
  return e instanceof HarnessError || (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' && (e as { name?: unknown }).name === 'HarnessError');
}

/** A collected validation problem: `harness check` lists all of them instead of stopping at the first. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  location: SourceLocation;
  fix?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const fix = d.fix ? `\n  fix: ${d.fix}` : '';
  return `${formatLocation(d.location)}: ${d.severity}: ${d.message} [${d.code}]${fix}`;
}

/** Turns a list of error diagnostics into one throwable error (for callers that need all-or-nothing). */
export class DiagnosticsError extends HarnessError {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[], summary = `${diagnostics.length} problem(s) found`) {
    super('HARNESS_INVALID_INPUT', `${summary}\n${diagnostics.map(formatDiagnostic).join('\n')}`);
    this.diagnostics = diagnostics;
  }
}
