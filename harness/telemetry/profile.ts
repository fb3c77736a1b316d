// Property profiles: data files (profiles/*.yaml) that say how a deployment names things. Loading
// validates every entry and reports problems with file:line:column and the fix.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HarnessError, formatDiagnostic } from '../errors.js';
import type { PropertyProfile, SourceMapping } from '../model/profile.js';
import { profilesDir } from '../util/paths.js';
import { loadYamlFile, type LoadedYaml } from '../util/yaml.js';

/** A value transform a profile may apply when it exposes a raw field under another name. */
export type PropertyTransform = 'basename' | 'lower' | 'upper';
const TRANSFORMS: readonly PropertyTransform[] = ['basename', 'lower', 'upper'];

/** A loaded profile: the shared shape plus the per-name transforms (source -> raw field -> property -> transform). */
export interface LoadedProfile extends PropertyProfile {
  transforms?: Record<string, Record<string, Record<string, PropertyTransform>>>;
}

const SOURCES = ['sysmon', 'security', 'powershell', 'auditd', 'sysmon-linux', 'other-windows'] as const;
const TOP_KEYS = new Set(['name', 'description', 'deviceTypes', 'sources', 'customProperties', 'logSources', 'qids', 'categories', 'referenceSets', 'logSourceNameTemplate']);
const cache = new Map<string, LoadedProfile>();

/** Names of the profiles shipped in profiles/ (file names without .yaml). */
export function listProfiles(): string[] {
  if (!existsSync(profilesDir)) return [];
  return readdirSync(profilesDir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort();
}

/** 'stock' -> profiles/stock.yaml; anything with a slash or a .yaml/.yml suffix is a path. */
export function loadProfile(nameOrPath: string): PropertyProfile {
  const isPath = /[\\/]/.test(nameOrPath) || /\.ya?ml$/i.test(nameOrPath);
  const file = isPath ? resolve(nameOrPath) : join(profilesDir, `${nameOrPath}.yaml`);
  const hit = cache.get(file);
  if (hit) return hit;
  if (!existsSync(file)) {
    throw new HarnessError('HARNESS_PROFILE_NOT_FOUND', `property profile "${nameOrPath}" not found (${file})`, {
      fix: `use one of: ${listProfiles().join(', ') || '(none shipped)'}, or the path of a profile YAML file (format: docs/profiles.md)`,
      location: { file },
      phase: 'config',
    });
  }
  const y = loadYamlFile(file);
  const errs = y.diagnostics.filter((d) => d.severity === 'error');
  if (errs.length > 0) throw new HarnessError('HARNESS_PROFILE_INVALID', `profile is not valid YAML:\n${errs.map(formatDiagnostic).join('\n')}`, { location: errs[0]!.location, fix: 'fix the YAML syntax', phase: 'config' });
  const p = validate(y, file);
  cache.set(file, p);
  return p;
}

function bad(y: LoadedYaml, path: (string | number)[], message: string, fix: string, key = false): never {
  throw new HarnessError('HARNESS_PROFILE_INVALID', message, { location: key ? y.locateKey(path) : y.locate(path), fix, phase: 'config' });
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validate(y: LoadedYaml, file: string): LoadedProfile {
  const v = y.value;
  if (!isMap(v)) bad(y, [], 'a profile must be a YAML mapping', 'start from profiles/stock.yaml');
  for (const k of Object.keys(v)) if (!TOP_KEYS.has(k)) bad(y, [k], `unknown profile key "${k}"`, `allowed keys: ${[...TOP_KEYS].join(', ')}`, true);
  if (typeof v.name !== 'string' || v.name === '') bad(y, ['name'], 'profile needs a `name` string', 'add `name: my-deployment`');
  const deviceTypes: Record<number, string> = {};
  if (!isMap(v.deviceTypes)) bad(y, ['deviceTypes'], '`deviceTypes` must map devicetype ids to DSM names', 'e.g. `deviceTypes: { 12: Microsoft Windows Security Event Log }`');
  for (const [k, name] of Object.entries(v.deviceTypes)) {
    if (!/^\d+$/.test(k) || typeof name !== 'string') bad(y, ['deviceTypes', k], `deviceTypes entry "${k}" must be <integer id>: <DSM name>`, 'use a numeric devicetype id and a string name');
    deviceTypes[Number(k)] = name;
  }
  if (!isMap(v.sources)) bad(y, ['sources'], '`sources` must map telemetry sources to their mapping', `sources are: ${SOURCES.join(', ')}`);
  const sources: PropertyProfile['sources'] = {};
  const transforms: NonNullable<LoadedProfile['transforms']> = {};
  const names = new Set<string>();
  for (const [src, m] of Object.entries(v.sources)) {
    if (!(SOURCES as readonly string[]).includes(src)) bad(y, ['sources', src], `unknown source "${src}"`, `sources are: ${SOURCES.join(', ')}`, true);
    if (!isMap(m)) bad(y, ['sources', src], `source "${src}" must be a mapping with devicetype and properties`, 'see docs/profiles.md');
    const dt = m.devicetype;
    if (typeof dt !== 'number' || !Number.isInteger(dt)) bad(y, ['sources', src, 'devicetype'], `source "${src}" needs an integer devicetype`, 'e.g. `devicetype: 12`');
    if (deviceTypes[dt] === undefined) bad(y, ['sources', src, 'devicetype'], `devicetype ${dt} has no name in deviceTypes`, `add \`${dt}: <DSM name>\` under deviceTypes`);
    const props: SourceMapping['properties'] = {};
    const pm = m.properties ?? {};
    if (!isMap(pm)) bad(y, ['sources', src, 'properties'], 'properties must map raw field names to lists of property names', 'e.g. `Image: [Image, "Process Path"]`');
    for (const [raw, list] of Object.entries(pm)) {
      if (!Array.isArray(list)) bad(y, ['sources', src, 'properties', raw], `properties.${raw} must be a list`, `write \`${raw}: [${raw}]\``);
      props[raw] = list.map((item, i) => {
        if (typeof item === 'string' && item !== '') return item;
        if (isMap(item) && typeof item.name === 'string' && typeof item.transform === 'string') {
          if (!TRANSFORMS.includes(item.transform as PropertyTransform)) bad(y, ['sources', src, 'properties', raw, i, 'transform'], `unknown transform "${item.transform}"`, `transforms are: ${TRANSFORMS.join(', ')}`);
          ((transforms[src] ??= {})[raw] ??= {})[item.name] = item.transform as PropertyTransform;
          return item.name;
        }
        return bad(y, ['sources', src, 'properties', raw, i], 'a property is a name or { name, transform }', 'e.g. `- "Process Path"` or `- { name: "Process Name", transform: basename }`');
      });
      for (const n of props[raw]!) names.add(n);
    }
    sources[src as keyof PropertyProfile['sources']] = { devicetype: dt, properties: props };
  }
  const extra = v.customProperties ?? [];
  if (!Array.isArray(extra) || extra.some((x) => typeof x !== 'string')) bad(y, ['customProperties'], 'customProperties must be a list of names', 'e.g. `customProperties: ["File Directory"]`');
  for (const n of extra as string[]) names.add(n);
  const numMap = (key: 'logSources' | 'qids' | 'categories'): Record<number, string> | undefined => {
    const m = v[key];
    if (m === undefined) return undefined;
    if (!isMap(m)) bad(y, [key], `${key} must map integer ids to names`, 'e.g. `5001: name`');
    const out: Record<number, string> = {};
    for (const [k, n] of Object.entries(m)) {
      if (!/^\d+$/.test(k) || typeof n !== 'string') bad(y, [key, k], `${key} entry "${k}" must be <integer>: <name>`, 'fix the entry');
      out[Number(k)] = n;
    }
    return out;
  };
  let referenceSets: Record<string, string[]> | undefined;
  if (v.referenceSets !== undefined) {
    if (!isMap(v.referenceSets)) bad(y, ['referenceSets'], 'referenceSets must map set names to lists', 'e.g. `Trusted Hosts: [a, b]`');
    referenceSets = {};
    for (const [k, list] of Object.entries(v.referenceSets)) {
      if (!Array.isArray(list)) bad(y, ['referenceSets', k], `reference set "${k}" must be a list`, 'write a YAML list');
      referenceSets[k] = list.map(String);
    }
  }
  if (v.logSourceNameTemplate !== undefined && typeof v.logSourceNameTemplate !== 'string') bad(y, ['logSourceNameTemplate'], 'logSourceNameTemplate must be a string', "e.g. '{hostname} @ {sourceip}'");
  if (v.description !== undefined && typeof v.description !== 'string') bad(y, ['description'], 'description must be a string', 'quote it');
  return {
    name: v.name,
    description: v.description as string | undefined,
    file,
    deviceTypes,
    sources,
    customProperties: [...names].sort(),
    logSources: numMap('logSources'),
    qids: numMap('qids'),
    categories: numMap('categories'),
    referenceSets,
    logSourceNameTemplate: v.logSourceNameTemplate as string | undefined,
    transforms,
  };
}
