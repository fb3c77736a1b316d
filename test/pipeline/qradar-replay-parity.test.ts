// Issue 6: "a full run with --backend qradar over recorded dataset events ingested into the double gives
// the same verdicts as --backend local on the same events". The shipped replay map (real recorded Windows
// events from the shared datasets) is replayed twice through runReplay: once with the embedded AQL
// engine, once asking QRadarBackend (real Ariel client, HTTPS verified against the double's CA, token from
// the environment) pointed at the Ariel API test double where every recording was ingested. Every
// result's verdict, signals found and detections fired must be the same. QRadar is the only double here.
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestResult } from '../../harness/model/report.js';
import { resolveConfig } from '../../harness/config/index.js';
import { clientFromConfig } from '../../harness/qradar/config.js';
import { QRadarBackend } from '../../harness/qradar/backend.js';
import { loadCatalog } from '../../harness/catalog/index.js';
import { readAll, signalProperties } from '../../harness/run/pipeline.js';
import { loadProfile } from '../../harness/telemetry/index.js';
import { packageRoot } from '../../harness/util/paths.js';
import { loadReplayMap } from '../../harness/verdict/replay-map.js';
import { runReplay } from '../../harness/verdict/replay-run.js';
import { datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { startDouble, TOKEN, type Harnessed } from '../qradar/helpers.js';

const MAP = join(packageRoot, 'replay', 'datasets.yaml');
const TUNED = join(packageRoot, 'expectations', 'rules', 'tuned');

// What a verdict says, without event indexes (they index different evidence arrays) or explanation wording.
function summary(r: TestResult) {
  return {
    key: `${r.guid}@${r.target}`, verdict: r.verdict, knownGap: r.knownGap ?? null,
    signals: r.signals.map((s) => ({ id: s.id, found: s.found, required: s.required })),
    detections: r.detections.map((d) => ({ rule: d.rule, fired: d.fired, rows: d.rows.length, outputOk: d.outputOk ?? null, rejected: /^rule rejected/.test(d.explanation ?? '') })),
  };
}

describe('--backend qradar (Ariel API double) gives the same verdicts as --backend local over the recorded dataset events', function () {
  this.timeout(60_000);
  let h: Harnessed;
  let backend: QRadarBackend;

  before(async function () {
    requireOrSkip(this, datasetsPresent(), 'the shared datasets are not beside the checkout');
    const profile = loadProfile('stock');
    h = await startDouble({ profile });
    // Ingest every recording of the map, as a QRadar that collected these hosts would hold them.
    // Entries that share a recording share its events: each file once, as QRadar holds each event once.
    const files = [...new Set(loadReplayMap(MAP).flatMap((e) => e.files))];
    h.double.ingest(await readAll(files, profile));
    // The client as `harness run --backend qradar` builds it: URL and CA from the configuration, token from the environment.
    const env = { HARNESS_BACKEND: 'qradar', HARNESS_QRADAR_URL: h.double.url, HARNESS_QRADAR_CA_FILE: h.caFile, HARNESS_QRADAR_VERSION: '16.0', QRADAR_TOKEN: TOKEN };
    const config = resolveConfig({ env });
    expect(config.qradar.caFile).to.equal(h.caFile);
    backend = new QRadarBackend({ client: clientFromConfig(config.qradar, env), config: config.qradar, ...signalProperties(loadCatalog().catalog, profile) });
  });
  after(async () => h?.double.stop());

  for (const [label, rulesDir] of [['published rules', undefined], ['tuned rules (expectations/rules/tuned)', TUNED]] as const) {
    it(`${label}: same verdict, signals found and detections fired for every replayed execution`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ath-qparity-'));
      const local = await runReplay({ map: MAP, reportDir: join(dir, 'local'), ...(rulesDir ? { rulesDir } : {}) });
      const searches = h.double.searchesCreated;
      const remote = await runReplay({ map: MAP, reportDir: join(dir, 'qradar'), backend, ...(rulesDir ? { rulesDir } : {}) });
      // QRadar was really asked: one fetch plus one search per evaluable rule for every entry.
      expect(h.double.searchesCreated - searches).to.be.at.least(local.report.results.length);
      expect(remote.report.results.map(summary)).to.deep.equal(local.report.results.map(summary));
      const verdicts = local.report.results.map((r) => r.verdict);
      // Not a comparison of nothing: the published map has MISSED (rule rejected) results, the tuned one DETECTED.
      expect(verdicts).to.include(rulesDir ? 'DETECTED' : 'MISSED');
      console.log(`      (${local.report.results.length} results: ${[...new Set(verdicts)].map((v) => `${verdicts.filter((x) => x === v).length} ${v}`).join(', ')})`);
      if (!rulesDir) {
        // The published T1587.003 rule is rejected by QRadar itself (422/2000), as the engine rejects it.
        const rejected = remote.report.results.flatMap((r) => r.detections).filter((d) => d.rule === 'rules/t1587-003-cert-generation.aql' && /^rule rejected/.test(d.explanation ?? ''));
        expect(rejected.length).to.be.greaterThan(0);
        for (const d of rejected) expect(d.explanation).to.match(/HTTP 422 code 2000.*LOGSOURCETIME[\s\S]*HARNESS_QRADAR_AQL_INVALID/);
      }
    });
  }
});
