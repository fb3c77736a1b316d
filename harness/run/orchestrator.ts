// The run: per target in parallel (bounded by config.concurrency), sequential per target: connect,
// preflight, record where the logs stand, then each planned test with guaranteed, journaled cleanup.
// A failed command, a lost connection or an interrupt is a result recorded in the outcome, never a throw.
import { mkdirSync } from 'node:fs';
import type { Executor } from '../exec/types.js';
import type { ExecutionRecord } from '../model/report.js';
import type { ResolvedConfig, Target } from '../model/config.js';
import { appendJournal } from './journal.js';
import { markerFor } from './marker.js';
import type { PlannedTest } from './plan.js';
import type { ProgressEvent } from './progress.js';
import type { Preflight } from './preflight.js';
import { startCertServer, type CertServer } from './cert-server.js';
import { generateKeyPem } from './certificates.js';
import { placeholdersIn } from '../catalog/args.js';
import { runTarget } from './target-run.js';
import type { AuditOffset } from './audit-offset.js';
import { executorFactoryFor } from './executors.js';

export interface ExecutionOutcome {
  planned: PlannedTest;
  marker: string;
  /** Resolved input arguments, built-ins included. */
  args: Record<string, string>;
  /** false = NOT_EXECUTED or SKIPPED (see the reason). */
  ran: boolean;
  skipped?: string;
  notExecuted?: string;
  execution: ExecutionRecord | null;
  thumbprint?: string;
  certSubject?: string;
  /** Epoch ms around this execution, for tying events. */
  window: { start: number; stop: number };
  /** How this target's events can be told apart (the lab's per-host users share one kernel audit log). */
  identity?: Identity;
}

export interface Identity {
  uid?: number;
  auid?: number;
  hostname?: string;
}

export interface TargetRun {
  target: Target;
  connected: boolean;
  error?: string;
  preflight: Preflight;
  identity?: Identity;
  /** Linux: where the audit log stood before the first test (for LocalBackend). */
  auditOffset?: AuditOffset;
  /** Target temp dir used for harness_tmp. */
  tmp?: string;
  /** The connection dropped during the run (reconnected once for cleanup if it could). */
  connectionLost?: string;
  /** Linux: the target's clock minus the harness's (ms), measured at connect; 0 within +-500 ms. */
  clockSkewMs?: number;
}

export interface RunExecution {
  runId: string;
  runDir: string;
  startedAt: string;
  finishedAt: string;
  interrupted: boolean;
  targets: TargetRun[];
  outcomes: ExecutionOutcome[];
  /** Open executors by target name, only with keepConnections (for live collection); close with closeExecutors. */
  executors?: Map<string, Executor>;
}

export interface ExecutePlanOptions {
  runId: string;
  runDir: string;
  plan: PlannedTest[];
  config: ResolvedConfig;
  executorFactory?: (t: Target) => Executor;
  onProgress?: (p: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Keep the connections open after the run (LocalBackend collects through them). */
  keepConnections?: boolean;
  /** Extra input-argument values for every test (declared names only). */
  args?: Record<string, string>;
  /** Where a Linux target's audit log is checked and its offset taken, when not through its own connection
   *  (the lab: this machine as root, since lab users cannot read the shared audit log). */
  logExecutorFor?: (t: Target) => Executor | undefined;
}

// Executes a plan; resolves when every target is done (cleanups included), even when interrupted.
export async function executePlan(opts: ExecutePlanOptions): Promise<RunExecution> {
  const startedAt = new Date().toISOString();
  mkdirSync(opts.runDir, { recursive: true });
  const byTarget = new Map<string, { target: Target; tests: PlannedTest[] }>();
  for (const p of opts.plan) {
    const g = byTarget.get(p.target.name) ?? { target: p.target, tests: [] };
    g.tests.push(p);
    byTarget.set(p.target.name, g);
  }
  appendJournal(opts.runDir, { kind: 'run', runId: opts.runId, startedAt, targets: [...byTarget.values()].map((g) => g.target) });
  const toRun = opts.plan.filter((p) => !p.skip);
  const needsUrl = toRun.some((p) => placeholdersIn(p.test.executor.command).includes('harness_url'));
  const certServer: CertServer | undefined = needsUrl ? await startCertServer() : undefined;
  let key: string | undefined;
  const progress = { done: 0, total: toRun.length };
  const emit = (e: Omit<ProgressEvent, 'done' | 'total'>) => opts.onProgress?.({ ...e, done: progress.done, total: progress.total });
  const factory = opts.executorFactory ?? executorFactoryFor(opts.config);
  const executors = new Map<string, Executor>();
  const groups = [...byTarget.values()];
  const results: Awaited<ReturnType<typeof runTarget>>[] = new Array(groups.length);
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const i = next++;
      const g = groups[i]!;
      results[i] = await runTarget(g.target, g.tests, {
        runId: opts.runId, runDir: opts.runDir, config: opts.config, factory, signal: opts.signal, certServer, args: opts.args,
        keyPem: () => (key ??= generateKeyPem()), logExecutorFor: opts.logExecutorFor,
        emit, testDone: () => { progress.done += 1; },
        keep: opts.keepConnections ? (e) => executors.set(g.target.name, e) : undefined,
      });
    }
  };
  try {
    const n = Math.max(1, Math.min(opts.config.concurrency || 8, groups.length));
    await Promise.all(Array.from({ length: n }, worker));
  } finally {
    await certServer?.close();
  }
  const outcomes = results.flatMap((r) => r.outcomes).sort((a, b) => a.planned.seq - b.planned.seq);
  emit({ kind: 'done', target: '' });
  return {
    runId: opts.runId, runDir: opts.runDir, startedAt, finishedAt: new Date().toISOString(),
    interrupted: !!opts.signal?.aborted,
    targets: results.map((r) => r.targetRun),
    outcomes,
    ...(opts.keepConnections ? { executors } : {}),
  };
}

// Closes the connections a keepConnections run left open.
export async function closeExecutors(run: RunExecution): Promise<void> {
  await Promise.all([...(run.executors?.values() ?? [])].map((e) => e.close().catch(() => undefined)));
  run.executors?.clear();
}

// An outcome for a test that never started (skipped by the plan, target unreachable, interrupted).
export function notStarted(p: PlannedTest, runId: string, why: { skipped?: string; notExecuted?: string }, identity?: Identity): ExecutionOutcome {
  const now = Date.now();
  return {
    planned: p, marker: markerFor(runId, p.seq), args: {}, ran: false, ...why,
    execution: null, window: { start: now, stop: now }, ...(identity ? { identity } : {}),
  };
}

// The first SIGINT aborts the run (cleanups still finish, a partial report is written); a second exits.
// A fault nothing else caught (an 'error' event without a listener, a rejected promise nobody awaits) is a
// harness bug, but it must not cost the targets their cleanup or the operator the results gathered so
// far: it stops the run the same way. A second one exits at once (the journal keeps what is pending).
export function abortOnInterrupt(onFirst?: (why: string, kind: 'signal' | 'fault') => void): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const stop = (why: string, kind: 'signal' | 'fault'): void => {
    if (ac.signal.aborted) {
      process.stderr.write(`harness: ${why}; quitting now: \`harness cleanup --run ID\` replays the cleanups still pending\n`);
      process.exit(kind === 'signal' ? 130 : 2);
    }
    onFirst?.(why, kind);
    ac.abort(new Error(why));
  };
  const onSigint = (): void => stop('interrupted (SIGINT)', 'signal');
  const onFault = (e: unknown): void => stop(`internal error: ${e instanceof Error ? e.message : String(e)} (a bug in atomic-harness; HARNESS_DEBUG=1 shows the stack)${process.env.HARNESS_DEBUG && e instanceof Error ? `\n${e.stack}` : ''}`, 'fault');
  process.on('SIGINT', onSigint);
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('uncaughtException', onFault);
      process.off('unhandledRejection', onFault);
    },
  };
}
