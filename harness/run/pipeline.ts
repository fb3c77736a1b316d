// The main job (`harness run`): resolve the configuration once -> load the catalog -> plan -> execute
// (cleanups always) -> poll the back-end -> judge -> report model -> report files -> reports/latest ->
// exit code per --fail-on. Without a targets file, the embedded default: this machine as a Linux target
// (transport local), its auditd log as telemetry, the embedded AQL engine as the SIEM.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCatalog } from '../catalog/index.js';
import { loadRulesDir } from '../catalog/rules.js';
import { loadTargets, resolveConfig, type CliOptions } from '../config/index.js';
import { DiagnosticsError, HarnessError, isHarnessError } from '../errors.js';
import type { RuleRun, TelemetryBackend } from '../model/backend.js';
import type { Catalog, RuleFile } from '../model/catalog.js';
import type { ResolvedConfig, Target } from '../model/config.js';
import type { NormalizedEvent } from '../model/event.js';
import type { PropertyProfile } from '../model/profile.js';
import type { RunReport } from '../model/report.js';
import { listRuns } from '../report/history.js';
import { updateLatest, writeReportSetDetailed } from '../report/index.js';
import { loadProfile, readEventFiles } from '../telemetry/index.js';
import { rawValue, signalSourceOf } from '../telemetry/sources.js';
import { packageRoot } from '../util/paths.js';
import { baselineResults } from '../verdict/baseline.js';
import { embeddedEngine } from '../verdict/engine.js';
import { telemetryView } from '../verdict/event-view.js';
import { buildEvidence, type EvidenceGroup } from '../verdict/evidence.js';
import { decideExit, type FailOnDecision } from '../verdict/fail-on.js';
import { executionInputOf, sensorStatesOf } from '../verdict/from-run.js';
import { judge, residueFindings, testsByGuid } from '../verdict/judge.js';
import { pollAndJudge } from '../verdict/poll.js';
import { buildRunReport } from '../verdict/report-model.js';
import { latest } from '../verdict/tune.js';
import type { RuleCheck } from '../verdict/types.js';
import { LocalBackend } from './collect-local.js';
import { logExecutorsFor } from './executors.js';
import { newRunId } from './marker.js';
import { closeExecutors, executePlan, type RunExecution } from './orchestrator.js';
import { planRun } from './plan.js';
import type { ProgressEvent } from './progress.js';

export interface RunPipelineOptions {
  cli: CliOptions;
  env: NodeJS.ProcessEnv;
  /** Where harness.config.yaml and targets.yaml are looked for (default: the working directory). */
  cwd?: string;
  signal?: AbortSignal;
  onProgress?: (p: ProgressEvent) => void;
  /** Status lines for the user (stderr in the CLI). */
  log?: (line: string) => void;
  /** Evaluate with the rules of this directory instead of the catalog's (same file names), e.g. expectations/rules/tuned. */
  rulesDir?: string;
  /** Builds the back-end after execution (tests inject the QRadar double's client here). */
  makeBackend?: (ctx: { config: ResolvedConfig; run: RunExecution; profile: PropertyProfile; rules: RuleFile[] }) => Promise<TelemetryBackend> | TelemetryBackend;
}

export interface RunPipelineResult {
  report: RunReport;
  runDir: string;
  files: string[];
  writeErrors: { format: string; error: string }[];
  exit: FailOnDecision;
  /** The run compared against for --fail-on regression (its directory), if any. */
  previous?: string;
  embeddedDefault: boolean;
}

/** The embedded default target: this machine, through the local executor, read as Linux. */
export const LOCAL_TARGET: Target = Object.freeze({ name: 'local', os: 'linux', transport: 'local', port: 0, sudo: false }) as Target;

// Local logs have no ingestion lag: a local run waits this long at most for a missing signal.
const LOCAL_DEADLINE_CAP_MS = 30_000;

/** Runs the main job end to end and writes the report set; never throws for a failed test or a miss. */
export async function runPipeline(o: RunPipelineOptions): Promise<RunPipelineResult> {
  const log = o.log ?? (() => undefined);
  const cwd = o.cwd ?? process.cwd();
  const config = resolveConfig({ cli: o.cli, env: o.env, file: join(cwd, 'harness.config.yaml') });
  const { targets, embeddedDefault } = chooseTargets(config, cwd);
  const { catalog, diagnostics } = loadCatalog();
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new DiagnosticsError(errors, 'the catalog has errors (run `harness check`)');
  if (o.rulesDir) catalog.rules = withRulesOf(catalog.rules, resolve(cwd, o.rulesDir));
  const profile = loadProfile(config.profile);
  const reportDir = resolve(cwd, config.reportDir);
  // The run to compare with: the newest nightly-style run (a replay is not a baseline for regressions).
  const previous = listRuns(reportDir).filter((r) => r.report.backend !== 'replay').pop();
  for (const b of config.baselines) {
    if (!existsSync(resolve(cwd, b))) throw new HarnessError('HARNESS_CONFIG_BASELINE_NOT_FOUND', `baseline event file not found: ${b}`, { location: { file: resolve(cwd, b) }, fix: 'fix the path in --baseline or baselines: (benign event files: EVTX, XML, JSON, audit.log)' });
  }
  const runId = newRunId();
  const runDir = join(reportDir, runId);
  const plan = planRun({ atomics: catalog.atomics, targets, only: config.only });

  // QRadar's client is built (token, URL, CA checked) before anything runs on a target: a configuration
  // error must stop the run before a behaviour executes, not after.
  const early = config.backend === 'qradar' && !o.makeBackend ? await qradarBackend(config, profile, catalog, o.env) : undefined;
  log(`run ${runId}: ${plan.filter((p) => !p.skip).length} of ${plan.length} planned test(s) to execute on ${targets.map((t) => t.name).join(', ')}${embeddedDefault && config.backend === 'local' ? ' (embedded default: this machine, its auditd log, the embedded AQL engine)' : ''}`);
  // Targets with `logs: local` (lab namespaces) share this machine's audit log: read here, not through their login.
  const logs = logExecutorsFor(targets);
  const run = await executePlan({ runId, runDir, plan, config, onProgress: o.onProgress, signal: o.signal, keepConnections: config.backend === 'local', logExecutorFor: logs.executorFor });
  const tests = testsByGuid(catalog);
  const used = new Set(catalog.expectations.flatMap((f) => f.tests.flatMap((t) => t.detections.filter((d) => d.kind === 'aql').map((d) => d.rule))));
  const rules = catalog.rules.filter((r) => used.has(r.id));
  const engine = embeddedEngine(profile, { timeZone: config.timeZone });
  // Locally the engine decides; with QRadar, QRadar decides what it rejects and the engine only explains.
  const ruleChecks = new Map<string, RuleCheck>(rules.map((r) => {
    const c = engine.check(r);
    return [r.id, config.backend === 'local' || !c.rejected ? c : {}];
  }));
  const view = telemetryView(signalSourceOf, (e, f) => rawValue(e, f, profile));
  const executions = run.outcomes.map(executionInputOf);
  const sensors = sensorStatesOf(run.targets);
  for (const s of sensors) if (!s.ok) log(`sensor ${s.source} on ${s.target}: ${s.detail}${s.fix ? ` (fix: ${s.fix})` : ''}`);
  const cap = config.backend === 'local' ? LOCAL_DEADLINE_CAP_MS : Infinity;
  for (const t of tests.values()) if (t.expectation) t.expectation = { ...t.expectation, deadlineMs: Math.min(t.expectation.deadlineMs, cap) };

  let backend: TelemetryBackend | undefined;
  let polled: Awaited<ReturnType<typeof pollAndJudge>>;
  try {
    backend = early ?? (o.makeBackend ? await o.makeBackend({ config, run, profile, rules }) : LocalBackend.fromExecution(run, { profile, env: { timeZone: config.timeZone }, logExecutorFor: logs.executorFor }));
    const connected = new Set(run.targets.filter((t) => t.connected).map((t) => t.target.name));
    polled = await pollAndJudge({
      backend, targets: targets.filter((t) => connected.has(t.name) || config.backend !== 'local'), tests, executions, rules, ruleChecks, view, sensors,
      // QRadar's ingestion slack (qradar.windowSlack) is applied once, by QRadarBackend's search window;
      // the poll's own margin is for the local back-end, whose fetch filters events by the window as given.
      intervalMs: config.backend === 'local' ? 1_000 : config.qradar.pollIntervalMs, slackMs: config.backend === 'local' ? 5_000 : 0,
      signal: o.signal, onCycle: (c) => log(`poll ${c.cycle}: ${c.events} event(s), ${c.pending} result(s) still waiting`),
    });
  } catch (e) {
    // The behaviours ran: whatever broke in collection, the results so far are reported (INCONCLUSIVE).
    const fetch = { ok: false as const, code: isHarnessError(e) ? e.code : 'HARNESS_RUN_COLLECT_FAILED', error: (e as Error).message };
    polled = { judged: judge({ tests, executions, fetch, ruleRuns: new Map(), ruleChecks, view, sensors }), fetch, ruleRuns: new Map(), cycles: 0, window: { start: 0, stop: 0 } };
  } finally {
    await backend?.close?.();
    await closeExecutors(run);
    await logs.close();
  }

  const groups: EvidenceGroup[] = [{ results: polled.judged.map((j) => j.result), events: polled.fetch.ok ? polled.fetch.events : [] }];
  const findings = residueFindings(executions);
  for (const file of config.baselines) {
    let events: NormalizedEvent[] = [];
    let runs: Map<string, RuleRun>;
    try {
      events = await readAll([resolve(cwd, file)], profile);
      runs = engine.run(rules, events, latest(events));
    } catch (e) {
      // An unreadable baseline proves nothing either way: INCONCLUSIVE rows, the run's results kept.
      runs = new Map(rules.map((r) => [r.id, { ok: false as const, code: isHarnessError(e) ? e.code : 'HARNESS_EVENTS_READ', error: `cannot read the baseline: ${(e as Error).message}` }]));
    }
    const results = baselineResults({ file, events, runs }, techniqueOfRules(catalog.expectations));
    for (const r of results) if (r.verdict === 'UNEXPECTED_FIRE') findings.push({ kind: 'BASELINE_FIRE', message: r.reason ?? `${r.detections[0]?.rule} fired on ${file}` });
    groups.push({ results, events });
  }
  for (const s of sensors) if (!s.ok) findings.push({ kind: 'SENSOR', target: s.target, message: `${s.source}: ${s.detail}${s.fix ? ` (fix: ${s.fix})` : ''}` });
  const { results, evidence } = buildEvidence(groups);
  const report = buildRunReport({
    runId, harnessVersion: harnessVersion(), startedAt: new Date(run.startedAt), finishedAt: new Date(), backend: config.backend, profile: profile.name,
    rules, targets: run.targets.map((t) => ({ name: t.target.name, os: t.target.os, preflight: { connected: t.connected, ...(t.error ? { error: t.error } : {}), ...t.preflight } })),
    results, findings, evidence, interrupted: run.interrupted || !!o.signal?.aborted,
  });
  const written = writeReportSetDetailed(report, runDir, { evidence });
  updateLatest(reportDir, runDir);
  const exit = decideExit(report, config.failOn, previous?.report);
  if (report.interrupted) exit.reasons.unshift('the run was interrupted: the report is partial');
  return { report, runDir, files: written.written, writeErrors: written.errors, exit: report.interrupted ? { exitCode: 1, reasons: exit.reasons } : exit, ...(previous ? { previous: previous.dir } : {}), embeddedDefault };
}

/** The targets of the run: --targets / config, else ./targets.yaml when it lists hosts, else this machine. */
export function chooseTargets(config: ResolvedConfig, cwd: string): { targets: Target[]; embeddedDefault: boolean } {
  // Only local targets (as the shipped targets.yaml has): the embedded default, whichever file said so.
  if (config.targetsFile) {
    const targets = loadTargets(resolve(cwd, config.targetsFile));
    return { targets, embeddedDefault: targets.length > 0 && targets.every((t) => t.transport === 'local') };
  }
  const file = join(cwd, 'targets.yaml');
  if (existsSync(file)) {
    const targets = loadTargets(file);
    if (targets.length) return { targets, embeddedDefault: targets.every((t) => t.transport === 'local') };
  }
  return { targets: [LOCAL_TARGET], embeddedDefault: true };
}

// The token is read from the run's environment (o.env), the one the configuration was resolved from.
async function qradarBackend(config: ResolvedConfig, profile: PropertyProfile, catalog: Catalog, env: NodeJS.ProcessEnv): Promise<TelemetryBackend> {
  const { clientFromConfig } = await import('../qradar/config.js');
  const { QRadarBackend } = await import('../qradar/backend.js');
  return new QRadarBackend({ client: clientFromConfig(config.qradar, env), config: config.qradar, ...signalProperties(catalog, profile) });
}

/** The property names (as the profile names them) the signals read, and the CRE rules asserted on. */
export function signalProperties(catalog: Catalog, profile: PropertyProfile): { properties: string[]; creRules: string[] } {
  const props = new Set<string>();
  const cre = new Set<string>();
  for (const f of catalog.expectations) {
    for (const t of f.tests) {
      for (const s of t.signals) {
        const mapping = profile.sources[s.source]?.properties ?? {};
        for (const field of Object.keys(s.where)) {
          const names = Object.entries(mapping).find(([raw]) => raw.toLowerCase() === field.toLowerCase())?.[1] ?? [];
          for (const n of names) if (typeof n === 'string') props.add(n);
        }
      }
      for (const d of t.detections) if (d.kind === 'cre') cre.add(d.rule);
    }
  }
  return { properties: [...props], creRules: [...cre] };
}

// The catalog's rules with those of `dir` in their place (same ids: rules/<file>); every rule of `dir` must replace one.
function withRulesOf(rules: RuleFile[], dir: string): RuleFile[] {
  if (!existsSync(dir)) throw new HarnessError('HARNESS_CONFIG_RULES_DIR', `rules directory not found: ${dir}`, { location: { file: dir }, fix: 'name a directory of .aql files named like the catalog\'s, e.g. expectations/rules/tuned' });
  const other = loadRulesDir(dir);
  const bad = other.diagnostics.filter((d) => d.severity === 'error');
  if (bad.length) throw new DiagnosticsError(bad, `the rules in ${dir} have errors`);
  const byId = new Map(rules.map((r) => [r.id, r]));
  const stray = other.rules.filter((r) => !byId.has(r.id));
  if (!other.rules.length || stray.length) throw new HarnessError('HARNESS_CONFIG_RULES_DIR', stray.length ? `${stray.map((r) => r.path).join(', ')} replace(s) no rule of the catalog` : `no .aql rule in ${dir}`, { location: { file: dir }, fix: `name the files like the catalog's rules (${[...byId.keys()].join(', ')})` });
  for (const r of other.rules) byId.set(r.id, r);
  return [...byId.values()];
}

function techniqueOfRules(files: { technique: string; tests: { detections: { rule: string }[] }[] }[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of files) for (const t of f.tests) for (const d of t.detections) if (!m.has(d.rule)) m.set(d.rule, f.technique);
  return m;
}

/** Reads event files into memory (baselines, replays). */
export async function readAll(files: string[], profile: PropertyProfile): Promise<NormalizedEvent[]> {
  const out: NormalizedEvent[] = [];
  for await (const e of readEventFiles(files, { profile })) out.push(e);
  return out;
}

/** The harness version from package.json (never from the CLI module, which runs on import). */
export function harnessVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
