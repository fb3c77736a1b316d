// Polling QRadar through the real client and QRadarBackend against the Ariel API test double (the QRadar
// double of the house rules: it follows IBM's documented behaviour and answers with the embedded engine).
// A real recorded certutil -addstore event, re-timed to now and carrying this execution's certificate path.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NormalizedEvent } from '../../harness/model/event.js';
import type { Target } from '../../harness/model/config.js';
import type { TestExpectation } from '../../harness/model/catalog.js';
import { QRadarBackend } from '../../harness/qradar/backend.js';
import { readAll } from '../../harness/run/pipeline.js';
import { loadProfile } from '../../harness/telemetry/index.js';
import { rawValue, signalSourceOf } from '../../harness/telemetry/sources.js';
import { packageRoot } from '../../harness/util/paths.js';
import { embeddedEngine } from '../../harness/verdict/engine.js';
import { telemetryView } from '../../harness/verdict/event-view.js';
import { pollAndJudge } from '../../harness/verdict/poll.js';
import type { ExecutionInput, RuleCheck } from '../../harness/verdict/types.js';
import { datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { startDouble, type Harnessed } from '../qradar/helpers.js';
import { ADDSTORE_EVTX, ADDSTORE_GUID, GEN_RULE_ID, certutilTests, genRule } from './recorded.js';

const profile = loadProfile('stock');
const view = telemetryView(signalSourceOf, (e, f) => rawValue(e, f, profile));
const TARGET: Target = { name: 'win-ws01', os: 'windows', transport: 'ssh', address: '10.0.0.5', port: 22, sudo: false, qradar: { logSourceName: 'WIN-WS01 @ 10.0.0.5' } };
const MARKER = 'ath-5eed0001-3';
const CER = `C:\\Users\\purple\\AppData\\Local\\Temp\\${MARKER}-root.cer`;

// The recorded event as this execution's: our certificate path in the command line, our log source, now.
async function executionEvent(at: number): Promise<NormalizedEvent> {
  const [e] = await readAll([ADDSTORE_EVTX], profile);
  const old = 'C:\\Users\\ADMINI~1\\AppData\\Local\\Temp\\cert.cer';
  const properties = Object.fromEntries(Object.entries(e.properties).map(([k, v]) => [k, typeof v === 'string' ? v.split(old).join(CER) : v]));
  return { ...e, starttime: at, devicetime: at, logsourcename: TARGET.qradar!.logSourceName!, logsourceid: 4242, payload: e.payload.split(old).join(CER), properties };
}

function tests() {
  const t = certutilTests();
  const def = t.get(ADDSTORE_GUID)!;
  const exp = def.expectation as TestExpectation;
  exp.signals = [{ ...exp.signals[0], where: { ...exp.signals[0].where, CommandLine: [{ op: 'contains', value: '#{harness_cert_path}', caseSensitive: false }] } }];
  exp.deadlineMs = 8_000;
  return t;
}

describe('polling QRadar (Ariel API double) until settled', function () {
  this.timeout(60_000);
  let h: Harnessed;
  afterEach(async () => h?.double.stop());

  async function poll(ruleText: string, ingestDelayMs: number) {
    h = await startDouble({ ingestDelayMs });
    const now = Date.now();
    h.double.ingest([await executionEvent(now + 200)]);
    const exec: ExecutionInput = { guid: ADDSTORE_GUID, target: { name: TARGET.name, os: 'windows', hostnames: [TARGET.name] }, marker: MARKER, args: { harness_marker: MARKER, harness_cert_path: CER }, execution: { exitCode: 0, timedOut: false, startedAt: new Date(now).toISOString(), finishedAt: new Date(now + 1000).toISOString(), stdout: '', stderr: '', cleanup: { ok: true, residue: [] } }, window: { start: now, stop: now + 1000 } };
    const rule = { ...genRule(), text: ruleText, sha256: '' };
    // With QRadar, QRadar decides what it rejects; the embedded engine only explains.
    const c = embeddedEngine(profile).check(rule);
    const checks = new Map<string, RuleCheck>([[GEN_RULE_ID, c.rejected ? {} : c]]);
    const backend = new QRadarBackend({ client: h.client(), config: { hostField: 'logSourceName', windowSlackMs: 5_000, maxConcurrentSearches: 2 }, properties: ['Image', 'Process Path', 'CommandLine', 'Command'] });
    return pollAndJudge({ backend, targets: [TARGET], tests: tests(), executions: [exec], rules: [rule], ruleChecks: checks, view, intervalMs: 400, slackMs: 0 });
  }

  it('an event ingested late is waited for: DETECTED after more than one cycle, tied by the marker, latency measured', async function () {
    requireOrSkip(this, datasetsPresent(), 'no datasets');
    const out = await poll(genRule().text, 1500);
    const r = out.judged[0].result;
    expect(r.verdict, r.reason).to.equal('DETECTED');
    expect(out.cycles).to.be.greaterThan(1);
    expect(r.signals[0]).to.include({ found: true, tie: 'marker' });
    expect(r.detections[0].rows[0]).to.include({ detection_branch: 'CertUtilStoreImport' });
  });

  it('the published T1587.003 rule: QRadar rejects it (LOGSOURCETIME) -> MISSED "rule rejected", not INCONCLUSIVE, settled on the first cycle (no wait for the deadline)', async function () {
    requireOrSkip(this, datasetsPresent(), 'no datasets');
    const seed = readFileSync(join(packageRoot, 'expectations/rules/t1587-003-cert-generation.aql'), 'utf8');
    const out = await poll(seed, 0);
    const r = out.judged[0].result;
    expect(r.verdict, r.reason).to.equal('MISSED');
    expect(r.reason).to.match(/rule rejected: create Ariel search: QRadar answered HTTP 422 code 2000: Invalid AQL: Unknown field LOGSOURCETIME[\s\S]*\[HARNESS_QRADAR_AQL_INVALID\]/);
    // Waiting cannot change a rejection: one cycle, although the 8 s deadline is far off.
    expect(out.cycles).to.equal(1);
  });
});
