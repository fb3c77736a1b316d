// Replay maps (`harness replay --map FILE`): each entry ties an atomic test GUID and a target name to
// recorded event files whose events all belong to one execution of that test. Paths are relative to the
// map file; `${datasets}` stands for the shared datasets folder (HARNESS_DATASETS overrides it).
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { HarnessError, type SourceLocation } from '../errors.js';
import { datasetsDir } from '../util/paths.js';
import { loadYamlFile } from '../util/yaml.js';
import { parseMatchers } from '../catalog/matchers.js';
import { Collector } from '../catalog/schema.js';
import type { FieldMatcher, SignalSource } from '../model/catalog.js';

export interface ReplayEntry {
  guid: string;
  target: string;
  os: 'windows' | 'linux';
  files: string[];
  /** Signals of the expectation no recording of this behaviour holds: signal id -> why. */
  notRecorded: Record<string, string>;
  /** Signals matched differently for this recording (another command-line variant, another source), with why. */
  adapt: Record<string, SignalAdaptation>;
  /** Rules this recording cannot show (the event they need is not in it): rule id -> why. Not judged. */
  rulesNotEvaluable: Record<string, string>;
  note?: string;
  location: SourceLocation;
}

export interface SignalAdaptation {
  because: string;
  source?: SignalSource;
  event_id?: number;
  where?: Record<string, FieldMatcher[]>;
}

const SOURCES = ['sysmon', 'security', 'powershell', 'auditd', 'sysmon-linux'];

const ENTRY_KEYS = ['guid', 'target', 'os', 'files', 'not_recorded', 'adapt', 'rules_not_evaluable', 'note'];

/** Loads and checks a replay map; every problem is a HarnessError with file:line and the fix. */
export function loadReplayMap(file: string, env: NodeJS.ProcessEnv = process.env): ReplayEntry[] {
  const y = loadYamlFile(file);
  const err = y.diagnostics.find((d) => d.severity === 'error');
  if (err) throw new HarnessError(err.code, err.message, { location: err.location, fix: err.fix ?? 'fix the replay map' });
  const v = y.value as { replays?: unknown } | null;
  if (!v || typeof v !== 'object' || !Array.isArray(v.replays)) {
    throw new HarnessError('HARNESS_REPLAY_MAP_INVALID', 'a replay map needs a `replays:` list', { location: y.locate([]), fix: 'write replays: [{ guid, target, os, files: [...] }]' });
  }
  const base = dirname(resolve(file));
  return v.replays.map((raw, i): ReplayEntry => {
    const at = (k?: string): SourceLocation => y.locate(k ? ['replays', i, k] : ['replays', i]);
    const bad = (k: string | undefined, msg: string, fix: string): never => { throw new HarnessError('HARNESS_REPLAY_MAP_INVALID', msg, { location: at(k), fix }); };
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return bad(undefined, 'each replay entry must be a mapping', 'write { guid, target, os, files }');
    const e = raw as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!ENTRY_KEYS.includes(k)) throw new HarnessError('HARNESS_REPLAY_MAP_INVALID', `unknown key ${k}`, { location: y.locateKey(['replays', i, k]), fix: `use only ${ENTRY_KEYS.join(', ')}` });
    if (typeof e.guid !== 'string' || !/^[0-9a-f-]{36}$/i.test(e.guid)) bad('guid', `guid must be an atomic test GUID, found ${JSON.stringify(e.guid)}`, 'copy auto_generated_guid from the atomic test');
    if (typeof e.target !== 'string' || !e.target) bad('target', 'target must be a name (the recording host)', 'write target: <name>');
    if (e.os !== 'windows' && e.os !== 'linux') bad('os', `os must be windows or linux, found ${JSON.stringify(e.os)}`, 'write os: windows');
    if (!Array.isArray(e.files) || e.files.length === 0 || e.files.some((f) => typeof f !== 'string')) bad('files', 'files must be a non-empty list of event file paths', 'list the recorded EVTX/XML/JSON/audit files');
    const files = (e.files as string[]).map((f) => resolve(base, f.replace('${datasets}', datasetsDir(env))));
    files.forEach((f, j) => { if (!existsSync(f)) throw new HarnessError('HARNESS_REPLAY_FILE_NOT_FOUND', `recorded event file not found: ${f}`, { location: y.locate(['replays', i, 'files', j]), fix: 'check the path (${datasets} is the shared datasets folder; set HARNESS_DATASETS to move it)' }); });
    const nr = e.not_recorded ?? {};
    if (typeof nr !== 'object' || Array.isArray(nr) || Object.values(nr as object).some((x) => typeof x !== 'string')) bad('not_recorded', 'not_recorded maps signal ids to the reason no recording has them', "write not_recorded: { root-store-write: 'no public recording ...' }");
    const rne = e.rules_not_evaluable ?? {};
    if (typeof rne !== 'object' || Array.isArray(rne) || Object.values(rne as object).some((x) => typeof x !== 'string')) bad('rules_not_evaluable', 'rules_not_evaluable maps rule ids to the reason the recording cannot show them', "write rules_not_evaluable: { rules/x.aql: 'the registry write is not recorded' }");
    const adapt: Record<string, SignalAdaptation> = {};
    const rawAdapt = e.adapt ?? {};
    if (typeof rawAdapt !== 'object' || Array.isArray(rawAdapt)) bad('adapt', 'adapt maps signal ids to { because, source?, event_id?, where? }', 'see replay/datasets.yaml');
    const c = new Collector(y);
    for (const [id, a] of Object.entries(rawAdapt as Record<string, unknown>)) {
      const p = ['replays', i, 'adapt', id];
      const x = a as Record<string, unknown>;
      if (!x || typeof x !== 'object' || typeof x.because !== 'string' || !x.because) throw new HarnessError('HARNESS_REPLAY_MAP_INVALID', `adapt.${id} needs a 'because' (why this recording differs)`, { location: y.locate(p), fix: "write because: 'the recorded command line has -f before root'" });
      if (x.source !== undefined && !SOURCES.includes(String(x.source))) throw new HarnessError('HARNESS_REPLAY_MAP_INVALID', `adapt.${id}.source must be one of ${SOURCES.join(', ')}`, { location: y.locate([...p, 'source']), fix: 'write source: security' });
      const where: Record<string, FieldMatcher[]> = {};
      for (const [field, raw] of Object.entries((x.where ?? {}) as Record<string, unknown>)) {
        const ms = parseMatchers(c, [...p, 'where', field], field, raw);
        if (ms) where[field] = ms;
      }
      const d = c.diagnostics.find((q) => q.severity === 'error');
      if (d) throw new HarnessError(d.code, d.message, { location: d.location, fix: d.fix });
      adapt[id] = { because: x.because, ...(x.source !== undefined ? { source: x.source as SignalSource } : {}), ...(typeof x.event_id === 'number' ? { event_id: x.event_id } : {}), ...(x.where ? { where } : {}) };
    }
    return { guid: (e.guid as string).toLowerCase(), target: e.target as string, os: e.os as 'windows' | 'linux', files, notRecorded: nr as Record<string, string>, adapt, rulesNotEvaluable: rne as Record<string, string>, ...(typeof e.note === 'string' ? { note: e.note } : {}), location: at() };
  });
}
