// Linux process-tree control over SSH. OpenSSH's session child calls setsid() before it starts the
// user's shell for an exec request, so that shell is a process-group (and session) leader and every
// process of the command inherits its group. The wrapper prints the shell's pid (= the group id) first
// on stderr as a marker line the harness strips; a timeout or abort then signals the whole group through
// a second channel. No extra process is started (each one costs several ms per command).
import { HarnessError } from '../errors.js';
import { posixQuote } from './shells/posix.js';

export const PGID_MARKER = '__ATH_PGID=';

// Prefixes a command line with the marker (the login shell must be POSIX: sh, bash, dash, ksh, zsh).
export function linuxWrap(commandLine: string): string {
  return `printf '${PGID_MARKER}%s\\n' "$$" >&2\n${commandLine}`;
}

// TERM the group, wait up to 2 s for it to go, then KILL (through sudo when the target allows it,
// because an elevated command's processes are root's). "Gone" means no live member: a killed process stays
// a zombie until init reaps it, and a container's init may reap only every second or two, which `kill -0`
// alone would count as alive. Without a ps that shows pgid and stat (procps, busybox), kill -0 decides.
export function killGroupCommand(pgid: number, sudo: boolean): string {
  const k = (sig: string): string => (sudo ? `{ sudo -n kill -${sig} -- -${pgid} || kill -${sig} -- -${pgid}; }` : `kill -${sig} -- -${pgid}`);
  const live = `if ps -A -o pgid= -o stat= >/dev/null 2>&1; then ps -A -o pgid= -o stat= | awk '$1 == ${pgid} && $2 !~ /^Z/ { f = 1 } END { exit !f }'; else kill -0 -- -${pgid} 2>/dev/null; fi`;
  return `${k('TERM')} 2>/dev/null; i=0; while [ $i -lt 20 ] && { ${live}; }; do sleep 0.1; i=$((i+1)); done; ${k('KILL')} 2>/dev/null; true`;
}

// Strips the marker line from the start of stderr and remembers the group id.
export class PgidMarkerFilter {
  pgid?: number;
  /** Settles once the first stderr line decided whether a marker was there. */
  readonly known: Promise<void>;
  private settle!: () => void;
  private head: Buffer | null = Buffer.alloc(0);
  constructor(private readonly sink: (chunk: Buffer) => void) {
    this.known = new Promise<void>((resolve) => (this.settle = resolve));
  }

  push(chunk: Buffer): void {
    if (this.head === null) return this.sink(chunk);
    this.head = Buffer.concat([this.head, chunk]);
    const nl = this.head.indexOf(10);
    if (nl < 0 && this.head.length < 64) return;
    const first = this.head.subarray(0, nl < 0 ? this.head.length : nl).toString('latin1');
    const m = /^__ATH_PGID=(\d+)$/.exec(first);
    const rest = m ? this.head.subarray(nl + 1) : this.head;
    if (m) this.pgid = Number(m[1]);
    this.head = null;
    this.settle();
    if (rest.length > 0) this.sink(rest);
  }

  // Releases anything held back (a stderr shorter than the marker that never got its newline).
  flush(): void {
    if (this.head && this.head.length > 0) this.sink(this.head);
    this.head = null;
    this.settle();
  }
}

// Exports environment variables in front of a POSIX command.
export function withEnv(command: string, env?: Record<string, string>): string {
  if (!env || Object.keys(env).length === 0) return command;
  const parts = Object.entries(env).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new HarnessError('HARNESS_EXEC_ENV', `invalid environment variable name ${JSON.stringify(k)}`, { phase: 'exec', fix: 'use letters, digits and _ only' });
    return `export ${k}=${posixQuote(v)}`;
  });
  return `${parts.join('; ')}; ${command}`;
}

