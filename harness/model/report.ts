// report.json, version 1 (DESIGN section 11). Writers render this model; they never see secrets.

export type Verdict =
  | 'DETECTED'
  | 'MISSED'
  | 'NO_TELEMETRY'
  | 'NOT_EXECUTED'
  | 'SKIPPED'
  | 'INCONCLUSIVE'
  | 'UNEXPECTED_FIRE';

export const VERDICTS: readonly Verdict[] = ['DETECTED', 'MISSED', 'NO_TELEMETRY', 'NOT_EXECUTED', 'SKIPPED', 'INCONCLUSIVE', 'UNEXPECTED_FIRE'];

export interface CleanupOutcome {
  ok: boolean;
  /** What the residue check still found (thumbprints in stores, marker files). Empty = clean. */
  residue: string[];
  exitCode?: number | null;
  stderr?: string;
}

export interface ExecutionRecord {
  exitCode: number | null;
  timedOut: boolean;
  startedAt: string;
  finishedAt: string;
  stdout: string;
  stderr: string;
  /** Why it did not run or failed (prerequisite, connection lost, ...). */
  reason?: string;
  prerequisites?: { description: string; ok: boolean; got?: boolean }[];
  artefact?: { ok: boolean; detail: string; thumbprint?: string; subject?: string };
  cleanup: CleanupOutcome;
}

export interface SignalResult {
  id: string;
  found: boolean;
  required: boolean;
  /** Indexes into report.evidence (or evidence.jsonl line numbers, 0-based). */
  eventRefs: number[];
  latencyMs: number | null;
  /** 'marker' | 'thumbprint' | 'window' — how the event was tied to this execution. */
  tie?: 'marker' | 'thumbprint' | 'window';
  /** Why not found: sensor state from preflight, source missing, ... */
  reason?: string;
}

export interface DetectionResult {
  rule: string;
  fires: boolean;
  fired: boolean;
  /** Rows tied to this execution. */
  rows: Record<string, unknown>[];
  /** Why it did not fire (first rejecting predicate with values), or why an output assertion failed. */
  explanation?: string;
  knownGap?: string;
  outputOk?: boolean;
}

export interface TestResult {
  technique: string;
  techniques?: string[];
  guid: string;
  test: string;
  target: string;
  platform: string;
  verdict: Verdict;
  knownGap?: string;
  marker: string;
  reason?: string;
  execution: ExecutionRecord | null;
  signals: SignalResult[];
  detections: DetectionResult[];
}

export interface RunReport {
  schemaVersion: 1;
  runId: string;
  harnessVersion: string;
  startedAt: string;
  finishedAt: string;
  backend: 'local' | 'qradar' | 'replay';
  profile: string;
  rules: { file: string; sha256: string }[];
  targets?: { name: string; os: string; preflight?: Record<string, unknown> }[];
  results: TestResult[];
  /** Findings that are not verdicts: RESIDUE (cleanup left something), baseline false positives. */
  findings?: { kind: 'RESIDUE' | 'BASELINE_FIRE' | 'SENSOR'; target?: string; guid?: string; message: string }[];
  /** Normalised events the verdicts used (also written to evidence.jsonl). */
  evidence?: unknown[];
  interrupted?: boolean;
  summary: { byVerdict: Partial<Record<Verdict, number>>; byTechnique: Record<string, Partial<Record<Verdict, number>>> };
}
