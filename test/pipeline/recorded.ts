// Shared material for the pipeline tests: real recorded Windows events (SigmaHQ regression data, the
// shared datasets) and a small in-memory catalog entry per behaviour, judged with the real AQL engine.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { AtomicTest, DetectionExpectation, FieldMatcher, Signal, TestExpectation } from '../../harness/model/catalog.js';
import type { TestDefinition } from '../../harness/verdict/types.js';
import { DATASETS } from '../helpers/env.js';
import { packageRoot } from '../../harness/util/paths.js';

export const SIGMA = join(DATASETS, 'SigmaHQ-sigma-regression_data');
export const ADDSTORE_EVTX = join(SIGMA, 'proc_creation_win_certutil_certificate_installation', 'd2125259-ddea-4c1c-9c22-977eb5b29cf0.evtx');
export const URLCACHE_EVTX = join(SIGMA, 'proc_creation_win_certutil_download', '19b08b1c-861d-4e75-a1ef-ea0c1baf202b.evtx');
export const OTRF_BENIGN = join(DATASETS, 'OTRF-Security-Datasets', 'atomic', 'windows', 'lateral_movement', 'host', 'covenant_copy_smb_CreateRequest_2020-09-22145302.json');

export const TUNED = join(packageRoot, 'expectations', 'rules', 'tuned');
export const GEN_RULE_ID = 'rules/t1587-003-cert-generation.aql';
export const genRule = () => ({ id: GEN_RULE_ID, path: join(TUNED, 't1587-003-cert-generation.aql'), text: readFileSync(join(TUNED, 't1587-003-cert-generation.aql'), 'utf8') });

const loc = { file: 'in-memory', line: 1 };
const m = (op: FieldMatcher['op'], value: FieldMatcher['value']): FieldMatcher[] => [{ op, value, caseSensitive: false }];

export const ADDSTORE_GUID = 'aaaaaaaa-0000-4000-8000-000000000001';
export const URLCACHE_GUID = 'aaaaaaaa-0000-4000-8000-000000000002';

function def(guid: string, name: string, technique: string, signals: Signal[], detections: DetectionExpectation[]): [string, TestDefinition] {
  const test: AtomicTest = { name, auto_generated_guid: guid, description: '', supported_platforms: ['windows'], executor: { name: 'command_prompt', command: 'certutil' }, location: loc, technique, number: 1 };
  const expectation: TestExpectation = { guid, deadlineMs: 60_000, signals, detections, location: loc };
  return [guid, { test, expectation }];
}

/** certutil -addstore Root (expected: the generation rule's CertUtilStoreImport branch) and -urlcache (expected: not fired). */
export function certutilTests(): Map<string, TestDefinition> {
  return new Map([
    def(ADDSTORE_GUID, 'Import certificate to Root with certutil', 'T1587.003',
      [{ id: 'certutil-addstore', source: 'sysmon', event_id: 1, where: { Image: m('endswith', '\\certutil.exe'), CommandLine: m('contains_all', ['-addstore', 'root']) }, required: true, location: loc }],
      [{ rule: GEN_RULE_ID, kind: 'aql', fires: true, output: { detection_branch: 'CertUtilStoreImport', targets_root_store: 'true' }, location: loc }]),
    def(URLCACHE_GUID, 'Download with certutil -urlcache', 'T1588.004',
      [{ id: 'certutil-urlcache', source: 'sysmon', event_id: 1, where: { Image: m('endswith', '\\certutil.exe'), CommandLine: m('contains', '-urlcache') }, required: true, location: loc }],
      [{ rule: GEN_RULE_ID, kind: 'aql', fires: false, location: loc }]),
  ]);
}
