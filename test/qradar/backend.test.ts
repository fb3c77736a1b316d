// QRadarBackend against the Ariel API test double, on recorded real events (SigmaHQ and OTRF Windows
// recordings from datasets/): the seed rules (as published) and the tuned rules give the same rows and
// the same ties through QRadar as through the embedded AQL engine directly; a failing console is
// { ok: false } (INCONCLUSIVE), never an empty result; ingestion delay shows up as latency.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileAql } from '../../harness/aql/query.js';
import type { RuleRowWithSource } from '../../harness/model/backend.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import { QRadarBackend } from '../../harness/qradar/backend.js';
import { searchWindow } from '../../harness/qradar/plan.js';
import { eventKey } from '../../harness/qradar/rows.js';
import { replaceTimeWindow } from '../../harness/qradar/window.js';
import { readEventFiles } from '../../harness/telemetry/index.js';
import { loadProfile } from '../../harness/telemetry/profile.js';
import { DATASETS, datasetsPresent, requireOrSkip } from '../helpers/env.js';
import { embeddedEngine } from '../doubles/ariel/embedded.js';
import { projectRules, startDouble, targetsOf } from './helpers.js';

const SIGMA = ['proc_creation_win_certutil_certificate_installation', 'registry_set_install_root_or_ca_certificat', 'proc_creation_win_certutil_user_store_enumeration', 'proc_creation_win_certutil_export_pfx'];
const OTRF = [
  'OTRF-Security-Datasets/atomic/windows/persistence/host/empire_persistence_registry_modification_run_keys_standard_user_2020-09-04030609.certificate-excerpt.jsonl',
  'OTRF-Security-Datasets/atomic/windows/lateral_movement/host/covenant_dcom_iertutil_dll_hijack_2020-10-09183000.certificate-excerpt.jsonl',
  'OTRF-Security-Datasets/atomic/windows/credential_access/host/cmd_dumping_ntds_dit_file_volume_shadow_copy.certificate-excerpt.jsonl',
];

function datasetFiles(): string[] {
  const sigma = SIGMA.map((d) => join(DATASETS, 'SigmaHQ-sigma-regression_data', d)).map((d) => join(d, readdirSync(d).find((f) => f.endsWith('.evtx'))!));
  return [...sigma, ...OTRF.map((f) => join(DATASETS, f))];
}

async function collect(it: AsyncIterable<NormalizedEvent>): Promise<NormalizedEvent[]> {
  const out: NormalizedEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

// Rows with their sources as event keys (indexes differ between the two event arrays; keys do not).
function keyed(rows: RuleRowWithSource[], events: NormalizedEvent[]): string[] {
  return rows.map((r) => JSON.stringify({ row: JSON.parse(JSON.stringify(r.row)), ties: r.sources.map((i) => eventKey(events[i]!.starttime, events[i]!.logsourceid, events[i]!.payload)).sort() }));
}

describe('QRadarBackend against the Ariel double on recorded dataset events', function () {
  this.timeout(120_000);
  before(function () {
    requireOrSkip(this, datasetsPresent(), `datasets not found at ${DATASETS}`);
  });

  for (const profileName of ['stock', 'sysmon-dsm']) {
    it(`seed and tuned rules give the same rows and ties via QRadar (double) as via the embedded engine directly (profile ${profileName})`, async () => {
      const profile = loadProfile(profileName);
      const events = await collect(readEventFiles(datasetFiles(), { profile }));
      expect(events.length).to.be.greaterThan(10);
      const window = { start: Math.min(...events.map((e) => e.starttime)), stop: Math.max(...events.map((e) => e.starttime)) + 1 };
      const targets = targetsOf(events);
      const h = await startDouble({ profile, engine: embeddedEngine(profile) });
      try {
        h.double.ingest(events);
        const backend = new QRadarBackend({ client: h.client(), config: { hostField: 'logSourceName', windowSlackMs: 60_000, maxConcurrentSearches: 2 }, properties: [] });
        const fetched = await backend.fetchEvents({ window, targets });
        if (!fetched.ok) throw new Error(fetched.error);
        expect(fetched.events).to.have.length(events.length);
        const rules = projectRules();
        const runs = await backend.runRules({ window, targets, rules, events: fetched.events });
        const w = searchWindow({ window, slackMs: 60_000, uniquifier: 1 });
        let rowsSeen = 0;
        for (const rule of rules) {
          const run = runs.get(rule.id)!;
          let local: RuleRowWithSource[] | { rejected: string };
          try {
            local = compileAql(replaceTimeWindow(rule.text, w), { profile }).runWithSources(events);
          } catch (e) {
            local = { rejected: (e as { code: string }).code };
          }
          if ('rejected' in local) {
            expect(run.ok, `${rule.id} is rejected by the engine (${local.rejected}) so QRadar (double) must reject it too`).to.equal(false);
            if (!run.ok) expect(run.code).to.equal('HARNESS_QRADAR_AQL_INVALID');
            continue;
          }
          if (!run.ok) throw new Error(`${rule.id}: ${run.code} ${run.error}`);
          expect(keyed(run.rows, fetched.events), rule.id).to.deep.equal(keyed(local, events));
          expect(run.rows.every((r) => r.sources.length > 0), `${rule.id}: every row tied`).to.equal(true);
          expect(run.rows.every((r) => !Object.keys(r.row).some((k) => k.startsWith('ath_'))), 'hidden columns stripped').to.equal(true);
          rowsSeen += run.rows.length;
        }
        if (profileName === 'stock') expect(rowsSeen, 'the comparison is not vacuous').to.be.greaterThan(0);
        console.log(`      (${profileName}: ${events.length} events, ${rules.length} rules, ${rowsSeen} rows compared, ${h.double.searchesCreated} searches)`);
      } finally {
        await h.double.stop();
      }
    });
  }
});
