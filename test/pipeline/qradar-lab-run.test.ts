// `harness run --backend qradar` end to end on the lab (root): real executions on 3 real sshd targets,
// their real audit records forwarded (as a QRadar collector would) into the Ariel API test double, and the
// verdicts drawn by the pipeline's QRadar path: real ArielClient over HTTPS verified against the double's
// CA, token from the run's environment, one fetch and one search per rule per poll cycle. The same run
// with --backend local on the same hosts must give the same verdict, signals found and detections fired.
// QRadar is the only double; sshd, auditd, openssl and the audit log are real.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../harness/catalog/index.js';
import { LocalExecutor } from '../../harness/exec/local.js';
import type { TelemetryBackend } from '../../harness/model/backend.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import type { TestResult } from '../../harness/model/report.js';
import { clientFromConfig } from '../../harness/qradar/config.js';
import { QRadarBackend } from '../../harness/qradar/backend.js';
import { LocalBackend } from '../../harness/run/collect-local.js';
import { runPipeline, signalProperties, type RunPipelineOptions } from '../../harness/run/pipeline.js';
import { packageRoot } from '../../harness/util/paths.js';
import { useLab } from '../helpers/lab.js';
import { startDouble, TOKEN, type Harnessed } from '../qradar/helpers.js';

const LINUX_GUID = '93edc00f-f511-4f08-8b6d-08297b1a3184';
const TUNED = join(packageRoot, 'expectations', 'rules', 'tuned');

function summary(r: TestResult) {
  return {
    target: r.target, verdict: r.verdict, knownGap: r.knownGap ?? null,
    signals: r.signals.map((s) => ({ id: s.id, found: s.found, tie: s.tie ?? null })),
    detections: r.detections.map((d) => ({ rule: d.rule, fired: d.fired, outputOk: d.outputOk ?? null, branches: [...new Set(d.rows.map((x) => x.detection_branch))].sort() })),
  };
}

// Why each result is what it is, both ways (the summaries leave the reasons out: their wording differs).
function reasons(r: { local: TestResult[]; qradar: TestResult[] }): string {
  return (['local', 'qradar'] as const).flatMap((k) => r[k].map((x) => `${k} ${x.target}: ${x.verdict}: ${x.reason ?? ''}`)).join('\n');
}

// The QRadar the run talks to: before each poll cycle, the lab's new audit records are read on this
// machine and ingested into the double (QRadar's collection); the verdicts come from QRadarBackend only.
const forwarding: NonNullable<RunPipelineOptions['makeBackend']> = ({ config, run, profile }) => {
  const reader = new LocalExecutor({ name: 'collector', os: 'linux' });
  const source = LocalBackend.fromExecution(run, { profile, logExecutorFor: () => reader });
  const qradar = new QRadarBackend({ client: clientFromConfig(config.qradar, ENV), config: config.qradar, ...signalProperties(loadCatalog().catalog, profile) });
  const sent = new Set<NormalizedEvent>();
  const backend: TelemetryBackend & { forwarded: () => number } = {
    name: 'qradar',
    // The collector holds an audit event until it is whole, as the local back-end does: no result is
    // settled before that hold has passed, or an optional signal (the .pfx created) could be judged early.
    ...(source.holdMs ? { holdMs: source.holdMs } : {}),
    forwarded: () => sent.size,
    async fetchEvents(req) {
      if (!reader.isConnected()) await reader.connect();
      // A collector forwards everything it reads; which events a search sees is the double's START/STOP.
      const got = await source.fetchEvents({ ...req, window: { start: req.window.start - 60_000, stop: req.window.stop + 60_000 } });
      if (!got.ok) return got;
      const fresh = got.events.filter((e) => !sent.has(e));
      for (const e of fresh) sent.add(e);
      double.double.ingest(fresh);
      return qradar.fetchEvents(req);
    },
    runRules: (req) => qradar.runRules(req),
    close: async () => { await reader.close(); },
  };
  return backend;
};

let double: Harnessed;
let ENV: NodeJS.ProcessEnv = {};

describe('harness run --backend qradar (Ariel API double) on the lab equals --backend local (3 real sshd targets)', function () {
  this.timeout(300_000);
  const lab = useLab(3);
  let cwd: string;

  before(async function () {
    double = await startDouble();
    cwd = mkdtempSync(join(tmpdir(), 'ath-qlab-'));
    // Lab targets have no qradar.logSourceName: they are selected by their address (sourceip).
    writeFileSync(join(cwd, 'harness.config.yaml'), `qradar:\n  url: ${double.double.url}\n  caFile: ${double.caFile}\n  version: '16.0'\n  tokenEnv: ATH_TEST_QRADAR_TOKEN\n  pollInterval: 250ms\n  windowSlack: 10s\n  hostField: sourceIp\n`);
    ENV = { ATH_TEST_QRADAR_TOKEN: TOKEN };
  });
  after(async () => double?.double.stop());

  async function both(rulesDir?: string) {
    const run = (backend: 'local' | 'qradar') => runPipeline({
      cli: { targets: lab.state.targetsFile, only: ['T1587.003'], reportDir: join(cwd, `reports-${backend}`), failOn: 'never', backend }, env: ENV, cwd,
      ...(rulesDir ? { rulesDir } : {}), ...(backend === 'qradar' ? { makeBackend: forwarding } : {}),
      // A guard, not a figure: a result that waited for the 10-minute deadline would end INCONCLUSIVE here.
      signal: AbortSignal.timeout(90_000),
    });
    const local = await run('local');
    const searches0 = double.double.searchesCreated;
    const requests0 = double.double.requests.length;
    const started = Date.now();
    const qradar = await run('qradar');
    const mine = (r: typeof local) => r.report.results.filter((x) => x.guid === LINUX_GUID).sort((a, b) => a.target.localeCompare(b.target));
    // The START of every Ariel search of the qradar run (the fetch and each rule's search).
    const starts = double.double.requests.slice(requests0).filter((q) => q.method === 'POST' && /\/ariel\/searches$/.test(q.path))
      .map((q) => Number(/START (\d+)/.exec(new URLSearchParams(String(q.body ?? '')).get('query_expression') ?? q.url)?.[1]));
    return { local: mine(local), qradar: mine(qradar), searches: double.double.searchesCreated - searches0, ms: Date.now() - started, report: qradar.report, starts };
  }

  it('published rules: MISSED with the known gap on every host both ways; the rule QRadar rejects (422/2000) settles at once, no wait for the deadline', async () => {
    const r = await both();
    expect(r.report.backend).to.equal('qradar');
    expect(r.qradar.map(summary), reasons(r)).to.deep.equal(r.local.map(summary));
    expect(r.qradar).to.have.length(3);
    for (const x of r.qradar) {
      expect(x.verdict, `${x.target}: ${x.reason}`).to.equal('MISSED');
      expect(x.knownGap).to.match(/^rules\/t1587-003-cert-generation\.aql: /);
      expect(x.detections.find((d) => d.rule === 'rules/t1587-003-cert-generation.aql')!.explanation).to.match(/HTTP 422 code 2000.*LOGSOURCETIME/);
      expect(x.signals.find((s) => s.id === 'openssl-req-execve')).to.include({ found: true, tie: 'marker' });
    }
    expect(r.searches).to.be.greaterThan(0);
    // qradar.windowSlack (10 s) is applied once: every search starts 10 s before the first execution, not 20 s.
    const first = Math.min(...r.qradar.map((x) => Date.parse(x.execution!.startedAt)));
    expect(r.starts.length).to.be.greaterThan(0);
    for (const start of r.starts) expect(first - start).to.equal(10_000);
    console.log(`      (qradar run: ${r.searches} Ariel searches, ${r.ms} ms)`);
  });

  it('tuned rules: DETECTED on every host both ways, the same rows tied to each host\'s own openssl run', async () => {
    const r = await both(TUNED);
    expect(r.qradar.map(summary), reasons(r)).to.deep.equal(r.local.map(summary));
    for (const x of r.qradar) {
      expect(x.verdict, `${x.target}: ${x.reason}`).to.equal('DETECTED');
      const gen = x.detections.find((d) => d.rule === 'rules/t1587-003-cert-generation.aql')!;
      for (const row of gen.rows) expect(String(row.command_line)).to.contain(x.marker);
    }
  });
});
