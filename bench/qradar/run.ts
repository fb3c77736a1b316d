// Benchmark of the QRadar back-end against the Ariel API test double (HTTPS on loopback, embedded AQL
// engine behind it), with the embedded engine run directly as the peer measured in the same process:
// one poll cycle (signal fetch + one search per rule) vs the local engine on the same recorded events,
// and result paging at two page sizes. Prints ratios, never asserts times.
// Run: node --import tsx bench/qradar/run.ts
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileAql } from '../../harness/aql/query.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import { QRadarBackend } from '../../harness/qradar/backend.js';
import { searchWindow } from '../../harness/qradar/plan.js';
import { replaceTimeWindow } from '../../harness/qradar/window.js';
import { readEventFiles } from '../../harness/telemetry/index.js';
import { loadProfile } from '../../harness/telemetry/profile.js';
import { datasetsDir } from '../../harness/util/paths.js';
import { projectRules, startDouble, targetsOf } from '../../test/qradar/helpers.js';

const ROUNDS = 5;

async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

const D = datasetsDir();
const files = [
  ...['proc_creation_win_certutil_certificate_installation', 'registry_set_install_root_or_ca_certificat'].map((d) => join(D, 'SigmaHQ-sigma-regression_data', d)).map((d) => join(d, readdirSync(d).find((f) => f.endsWith('.evtx'))!)),
  ...['persistence/host/empire_persistence_registry_modification_run_keys_standard_user_2020-09-04030609', 'lateral_movement/host/covenant_dcom_iertutil_dll_hijack_2020-10-09183000', 'credential_access/host/cmd_dumping_ntds_dit_file_volume_shadow_copy'].map((f) => join(D, 'OTRF-Security-Datasets/atomic/windows', `${f}.certificate-excerpt.jsonl`)),
];
const profile = loadProfile('stock');
const events: NormalizedEvent[] = [];
for await (const e of readEventFiles(files, { profile })) events.push(e);
const window = { start: Math.min(...events.map((e) => e.starttime)), stop: Math.max(...events.map((e) => e.starttime)) + 1 };
const targets = targetsOf(events);
const rules = projectRules();
const h = await startDouble({ profile, delays: { waitMs: 0, executeMs: 0, sortingMs: 0 } });
h.double.ingest(events);
const client = h.client();
const backend = new QRadarBackend({ client, config: { hostField: 'logSourceName', windowSlackMs: 0, maxConcurrentSearches: 4 }, properties: ['Process Path', 'Process CommandLine'] });

const w = searchWindow({ window, slackMs: 0, uniquifier: 1 });
const local = await timeIt(() => {
  for (const r of rules) {
    try {
      compileAql(replaceTimeWindow(r.text, w), { profile }).runWithSources(events);
    } catch {
      /* a rejected rule costs its compile only, as in QRadar */
    }
  }
});
const before = h.double.searchesCreated;
const cycle = await timeIt(async () => {
  const f = await backend.fetchEvents({ window, targets });
  if (!f.ok) throw new Error(f.error);
  await backend.runRules({ window, targets, rules, events: f.events });
});
const perCycle = (h.double.searchesCreated - before) / ROUNDS;

const fetchAql = `SELECT UTF8(payload) AS p FROM events START ${window.start} STOP ${window.stop}`;
const s = await client.createSearch(fetchAql);
await client.waitForSearch(s.search_id, { deadlineMs: Date.now() + 30_000 });
await client.results(s.search_id); // warm-up
let reqs = client.stats.requests;
const page1000 = await timeIt(() => client.results(s.search_id, { pageSize: 1000 }));
const req1000 = (client.stats.requests - reqs) / ROUNDS;
reqs = client.stats.requests;
const page100 = await timeIt(() => client.results(s.search_id, { pageSize: 100 }));
const req100 = (client.stats.requests - reqs) / ROUNDS;
await client.delete(s.search_id);
await h.double.stop();

console.log(`events: ${events.length} recorded (SigmaHQ + OTRF), rules: ${rules.length}, targets: ${targets.length}, median of ${ROUNDS}`);
console.log(`local engine, all rules:                 ${local.toFixed(1)} ms`);
console.log(`qradar poll cycle via Ariel double:      ${cycle.toFixed(1)} ms  (x${(cycle / local).toFixed(1)} the local engine; ${perCycle} searches created per cycle, at most rules + 1 = ${rules.length + 1}; a rule QRadar rejects creates none)`);
console.log(`results paging, ${events.length} rows, 1000/page: ${page1000.toFixed(1)} ms in ${req1000} requests; 100/page: ${page100.toFixed(1)} ms in ${req100} requests (x${(page100 / page1000).toFixed(1)})`);
