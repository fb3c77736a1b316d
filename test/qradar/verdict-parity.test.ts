// Verdicts with --backend qradar equal verdicts with the local engine on the same recorded events
// (SigmaHQ and OTRF Windows recordings): the events are ingested into the Ariel API test double, fetched
// back through QRadarBackend (one fetch search, one search per rule), and judged by the verdict core
// exactly as the local path judges them. Only QRadar is a double here; events, rules and judge are real.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AtomicTest, DetectionExpectation, FieldMatcher, Signal, TestExpectation } from '../../harness/model/catalog.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import type { TestResult } from '../../harness/model/report.js';
import { QRadarBackend } from '../../harness/qradar/backend.js';
import { readEventFiles } from '../../harness/telemetry/index.js';
import { loadProfile } from '../../harness/telemetry/profile.js';
import { rawValue, signalSourceOf } from '../../harness/telemetry/sources.js';
import { embeddedEngine } from '../../harness/verdict/engine.js';
import { telemetryView } from '../../harness/verdict/event-view.js';
import { judge } from '../../harness/verdict/judge.js';
import { latest } from '../../harness/verdict/tune.js';
import type { ExecutionInput, RuleCheck, TestDefinition } from '../../harness/verdict/types.js';
import { DATASETS, datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { projectRules, startDouble, targetsOf } from './helpers.js';

const loc = { file: 'verdict-parity.test.ts', line: 1 };
const mm = (op: FieldMatcher['op'], value: FieldMatcher['value']): FieldMatcher[] => [{ op, value, caseSensitive: false }];
const sig = (id: string, event_id: number, where: Signal['where'], required = true): Signal => ({ id, source: 'sysmon', event_id, where, required, location: loc });
const det = (rule: string, fires = true, output?: Record<string, string>): DetectionExpectation => ({ rule, kind: 'aql', fires, location: loc, ...(output ? { output } : {}) });

function definition(guid: string, name: string, signals: Signal[], detections: DetectionExpectation[]): [string, TestDefinition] {
  const test: AtomicTest = { name, auto_generated_guid: guid, description: '', supported_platforms: ['windows'], executor: { name: 'command_prompt', command: 'certutil' }, location: loc, technique: 'T1588.004', number: 1 };
  const expectation: TestExpectation = { guid, deadlineMs: 600_000, signals, detections, location: loc };
  return [guid, { test, expectation }];
}

const ALL_RULES = ['seed/t1588-004-root-ca-install.aql', 'seed/t1587-003-cert-generation.aql', 'rules/tuned/t1587-003-cert-generation.aql', 'rules/tuned/t1588-004-root-ca-install.aql'];

// Recorded executions, each with the expectation a detection engineer would write for it.
const ENTRIES: { guid: string; files: string[]; def: [string, TestDefinition] }[] = [
  {
    guid: 'aaaaaaaa-0000-0000-0000-000000000001',
    files: ['SigmaHQ-sigma-regression_data/proc_creation_win_certutil_certificate_installation'],
    def: definition('aaaaaaaa-0000-0000-0000-000000000001', 'certutil -addstore root', [sig('certutil', 1, { Image: mm('endswith', '\\certutil.exe'), CommandLine: mm('contains_all', ['-addstore', 'root']) })], [
      det('rules/tuned/t1587-003-cert-generation.aql', true, { detection_branch: 'CertUtilStoreImport' }),
      det('seed/t1587-003-cert-generation.aql'),
      det('seed/t1588-004-root-ca-install.aql', false),
    ]),
  },
  {
    guid: 'aaaaaaaa-0000-0000-0000-000000000004',
    files: ['SigmaHQ-sigma-regression_data/proc_creation_win_certutil_certificate_installation'],
    def: definition('aaaaaaaa-0000-0000-0000-000000000004', 'certutil -addstore root, tuned rule only', [sig('certutil', 1, { Image: mm('endswith', '\\certutil.exe') })], [
      det('rules/tuned/t1587-003-cert-generation.aql', true, { detection_branch: 'CertUtilStoreImport', targets_root_store: 'true' }),
    ]),
  },
  {
    guid: 'aaaaaaaa-0000-0000-0000-000000000002',
    files: ['SigmaHQ-sigma-regression_data/registry_set_install_root_or_ca_certificat'],
    def: definition('aaaaaaaa-0000-0000-0000-000000000002', 'CA certificate written by PowerShell', [sig('ca-store-write', 13, { TargetObject: mm('contains', '\\SystemCertificates\\CA\\Certificates\\') })], [
      det('rules/tuned/t1588-004-root-ca-install.aql'),
      det('seed/t1588-004-root-ca-install.aql'),
    ]),
  },
  {
    guid: 'aaaaaaaa-0000-0000-0000-000000000003',
    files: ['OTRF-Security-Datasets/atomic/windows/persistence/host/empire_persistence_registry_modification_run_keys_standard_user_2020-09-04030609.certificate-excerpt.jsonl'],
    def: definition('aaaaaaaa-0000-0000-0000-000000000003', 'benign certificate registry activity', [sig('any-sysmon-13', 13, { TargetObject: mm('contains', 'SystemCertificates') }), sig('never-recorded', 4657, {}, true)], [
      det('rules/tuned/t1588-004-root-ca-install.aql', false),
      det('rules/tuned/t1587-003-cert-generation.aql', false),
    ]),
  },
];

function filesOf(rel: string): string[] {
  const p = join(DATASETS, rel);
  return rel.endsWith('.jsonl') ? [p] : readdirSync(p).filter((f) => f.endsWith('.evtx')).map((f) => join(p, f));
}

function execution(guid: string, events: NormalizedEvent[]): ExecutionInput {
  const times = events.map((e) => e.devicetime || e.starttime);
  const window = { start: Math.min(...times), stop: Math.max(...times) };
  return { guid, target: { name: 'recorded', os: 'windows' }, marker: '', args: {}, window, recording: true, execution: { exitCode: 0, timedOut: false, startedAt: new Date(window.start).toISOString(), finishedAt: new Date(window.stop).toISOString(), stdout: '', stderr: '', cleanup: { ok: true, residue: [] } } };
}

// What a verdict says, without the parts that legitimately differ (event refs are indexes into different arrays).
function summary(r: TestResult) {
  return { verdict: r.verdict, signals: r.signals.map((s) => ({ id: s.id, found: s.found })), detections: r.detections.map((d) => ({ rule: d.rule, fired: d.fired, rows: d.rows.length, outputOk: (d as { outputOk?: boolean }).outputOk })) };
}

describe('verdicts via QRadarBackend (Ariel double) equal verdicts via the local engine on recorded events', function () {
  this.timeout(120_000);
  before(function () {
    requireOrSkip(this, datasetsPresent(), `datasets not found at ${DATASETS}`);
  });

  it('same verdict, signals and detections for every recorded execution (stock profile)', async () => {
    const profile = loadProfile('stock');
    const view = telemetryView(signalSourceOf, (e, f) => rawValue(e, f, profile));
    const engine = embeddedEngine(profile);
    const rules = projectRules().filter((r) => ALL_RULES.includes(r.id));
    const properties = [...new Set(Object.values(profile.sources).flatMap((s) => Object.values(s?.properties ?? {}).flat()).filter((n): n is string => typeof n === 'string'))];
    const verdicts: string[] = [];
    for (const entry of ENTRIES) {
      const events: NormalizedEvent[] = [];
      for await (const e of readEventFiles(entry.files.flatMap(filesOf), { profile })) events.push(e);
      const tests = new Map([entry.def]);
      const exec = execution(entry.guid, events);
      const now = latest(events);
      const checks = new Map<string, RuleCheck>(rules.map((r) => [r.id, engine.check(r, now)]));
      const [local] = judge({ tests, executions: [exec], fetch: { ok: true, events }, ruleRuns: engine.run(rules, events, now), ruleChecks: checks, view });

      const h = await startDouble({ profile });
      try {
        h.double.ingest(events);
        const backend = new QRadarBackend({ client: h.client(), config: { hostField: 'logSourceName', windowSlackMs: 60_000, maxConcurrentSearches: 4 }, properties });
        const req = { window: exec.window, targets: targetsOf(events) };
        const fetched = await backend.fetchEvents(req);
        if (!fetched.ok) throw new Error(fetched.error);
        const ruleRuns = await backend.runRules({ ...req, rules, events: fetched.events });
        // as the pipeline does for qradar: explanations from the local engine, rejection from QRadar itself
        const qChecks = new Map([...checks].map(([id, c]) => [id, c.rejected ? {} : c]));
        const [remote] = judge({ tests, executions: [exec], fetch: fetched, ruleRuns, ruleChecks: qChecks, view });
        expect(summary(remote!.result), entry.def[1].test.name).to.deep.equal(summary(local!.result));
        verdicts.push(`${entry.def[1].test.name}: ${local!.result.verdict}`);
      } finally {
        await h.double.stop();
      }
    }
    console.log(`      (${verdicts.join('; ')})`);
    expect(verdicts.some((v) => v.endsWith('DETECTED')), 'at least one DETECTED compared').to.equal(true);
  });
});
