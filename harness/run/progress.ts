// Progress for long runs: a one-line live display on a terminal, plain lines when not a TTY or in CI.
export interface ProgressEvent {
  kind: 'target-connected' | 'target-failed' | 'test-start' | 'test-end' | 'cleanup' | 'done';
  target: string;
  seq?: number;
  /** Test name (technique-number: name). */
  test?: string;
  /** For test-end: ran | skipped | not-executed; for cleanup: clean | residue | failed. */
  state?: string;
  detail?: string;
  /** Tests finished so far / to run in total (skipped ones excluded). */
  done: number;
  total: number;
}

export interface ProgressPrinter {
  (p: ProgressEvent): void;
  /** Clears the live line (call before printing anything else). */
  finish(): void;
}

// A printer for `stream`: live one-line display when it is a TTY and CI is unset, plain lines otherwise.
export function createProgressPrinter(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): ProgressPrinter {
  const live = !!stream.isTTY && !env.CI;
  let shown = false;
  const print = ((p: ProgressEvent) => {
    const line = formatProgress(p);
    if (!line) return;
    if (live) {
      const width = (stream.columns ?? 100) - 1;
      stream.write(`\r\x1b[2K${line.length > width ? line.slice(0, width - 1) + '…' : line}`);
      shown = true;
      // Failures and residue stay on screen; the live line continues below them.
      if (p.kind === 'target-failed' || p.state === 'residue' || p.state === 'failed') {
        stream.write('\n');
        shown = false;
      }
    } else if (p.kind !== 'test-start') {
      stream.write(line + '\n');
    }
  }) as ProgressPrinter;
  print.finish = () => {
    if (live && shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  return print;
}

// One line of progress text (empty when the event is not worth a line).
export function formatProgress(p: ProgressEvent): string {
  const count = `[${p.done}/${p.total}]`;
  const what = p.seq !== undefined ? `#${p.seq} ${p.test ?? ''}`.trim() : '';
  switch (p.kind) {
    case 'target-connected': return `${count} ${p.target}: connected${p.detail ? ` (${p.detail})` : ''}`;
    case 'target-failed': return `${count} ${p.target}: NOT CONNECTED: ${p.detail ?? ''}`;
    case 'test-start': return `${count} ${p.target}: running ${what}`;
    case 'test-end': return `${count} ${p.target}: ${what}: ${p.state}${p.detail ? ` (${p.detail})` : ''}`;
    case 'cleanup': return p.state === 'clean' ? '' : `${count} ${p.target}: ${what}: cleanup ${p.state?.toUpperCase()}: ${p.detail ?? ''}`;
    case 'done': return `${count} done`;
  }
}
