// Validation of one entry of `atomic_tests`, as strict as upstream's validator (atomic_red_team/models.py):
// required fields, platforms, executor, dependencies, input arguments, elevation for sudo, and no unknown
// fields except our `x-harness` block.
import type { AtomicExecutor, AtomicTest, Dependency, ExecutorName, HarnessExtras } from '../model/catalog.js';
import type { YamlPath } from '../util/yaml.js';
import { validateInputArguments } from './atomic-args.js';
import { checkKeys, isPlainObject, typeName, type Collector } from './schema.js';

export const PLATFORMS = ['windows', 'macos', 'linux', 'office-365', 'azure-ad', 'google-workspace', 'saas', 'iaas', 'containers', 'iaas:gcp', 'iaas:azure', 'iaas:aws', 'esxi'] as const;
export const EXECUTOR_NAMES: readonly ExecutorName[] = ['manual', 'powershell', 'sh', 'bash', 'command_prompt'];
const TEST_KEYS = ['name', 'auto_generated_guid', 'description', 'supported_platforms', 'input_arguments', 'dependency_executor_name', 'dependencies', 'executor', 'x-harness'];
export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const TECHNIQUE_RE = /^T\d{4}(?:\.\d{3})?$/;
// pydantic's lax booleans, which upstream accepts for elevation_required.
const LAX_BOOL: Record<string, boolean> = { true: true, false: false, yes: true, no: false, on: true, off: false, '1': true, '0': false, t: true, f: false, y: true, n: false };

/** Validates `atomic_tests[index]`; returns the test when it has no error. */
export function validateAtomicTest(c: Collector, index: number, raw: unknown, technique: string): AtomicTest | undefined {
  const path: YamlPath = ['atomic_tests', index];
  const before = c.errorCount;
  if (!isPlainObject(raw)) {
    c.error(path, 'HARNESS_CATALOG_WRONG_TYPE', `atomic_tests[${index}] must be a mapping, found ${typeName(raw)}`);
    return undefined;
  }
  checkKeys(c, path, raw, TEST_KEYS, 'HARNESS_CATALOG_UNKNOWN_FIELD', `atomic test ${index + 1} (upstream: extra_forbidden)`);
  const name = text(c, path, raw, 'name', 1);
  text(c, path, raw, 'description', 1);
  const guid = raw.auto_generated_guid;
  if (guid !== null && guid !== undefined && !(typeof guid === 'string' && GUID_RE.test(guid.trim()))) {
    c.error([...path, 'auto_generated_guid'], 'HARNESS_CATALOG_BAD_GUID', `auto_generated_guid ${JSON.stringify(guid)} is not a UUID`, 'remove the value (upstream generates it) or give a UUID like 0f7c5301-6859-45ba-8b4d-1fac30fc31ed');
  }
  const platforms = validatePlatforms(c, path, raw.supported_platforms);
  const executor = validateExecutor(c, [...path, 'executor'], raw.executor);
  const dependencies = validateDependencies(c, path, raw);
  const depExec = validateDependencyExecutor(c, path, raw);
  const inputArguments = validateInputArguments(c, path, raw);
  if (executor && executor.name !== 'manual' && !executor.elevation_required && platforms.some((p) => p === 'linux' || p === 'macos')) {
    if ([executor.command, executor.cleanup_command].some((cmd) => cmd?.includes('sudo'))) {
      c.error([...path, 'executor', ...(raw.executor && 'elevation_required' in (raw.executor as object) ? ['elevation_required'] : [])], 'HARNESS_CATALOG_ELEVATION_REQUIRED',
        "the command uses sudo but 'elevation_required' is not true (upstream: elevation_required_but_not_provided)", 'set executor.elevation_required: true');
    }
  }
  const extras = validateExtras(c, [...path, 'x-harness'], raw['x-harness']);
  if (c.errorCount > before || !executor || !name) return undefined;
  const test: AtomicTest = {
    name,
    auto_generated_guid: typeof guid === 'string' ? guid.trim().toLowerCase() : '',
    description: raw.description as string,
    supported_platforms: platforms,
    executor,
    location: c.yaml.locate(path),
    technique,
    number: index + 1,
  };
  if (inputArguments) test.input_arguments = inputArguments;
  if (depExec) test.dependency_executor_name = depExec;
  if (dependencies) test.dependencies = dependencies;
  if (extras) test['x-harness'] = extras;
  return test;
}

function text(c: Collector, path: YamlPath, obj: Record<string, unknown>, key: string, min: number): string | undefined {
  const v = obj[key];
  if (v === undefined) {
    c.error(path, 'HARNESS_CATALOG_MISSING_FIELD', `missing required field '${key}'`, `add ${key}: <text>`);
  } else if (typeof v !== 'string') {
    c.error([...path, key], 'HARNESS_CATALOG_WRONG_TYPE', `'${key}' must be text, found ${typeName(v)}`, 'quote the value');
  } else if (v.length < min) {
    c.error([...path, key], 'HARNESS_CATALOG_TOO_SHORT', `'${key}' must not be empty (upstream: string_too_short)`, `write the ${key}`);
  } else return v;
  return undefined;
}

function validatePlatforms(c: Collector, path: YamlPath, v: unknown): string[] {
  const p = [...path, 'supported_platforms'];
  if (!Array.isArray(v) || v.length === 0) {
    c.error(v === undefined ? path : p, v === undefined ? 'HARNESS_CATALOG_MISSING_FIELD' : 'HARNESS_CATALOG_WRONG_TYPE', `'supported_platforms' must be a non-empty list, found ${typeName(v)}`, `list one or more of: ${PLATFORMS.join(', ')}`);
    return [];
  }
  v.forEach((x, i) => {
    if (!(PLATFORMS as readonly unknown[]).includes(x)) c.error([...p, i], 'HARNESS_CATALOG_BAD_PLATFORM', `unknown platform ${JSON.stringify(x)}`, `use one of: ${PLATFORMS.join(', ')}`);
  });
  return v.filter((x): x is string => typeof x === 'string');
}

function validateExecutor(c: Collector, p: YamlPath, v: unknown): AtomicExecutor | undefined {
  if (!isPlainObject(v)) {
    c.error(v === undefined ? p.slice(0, -1) : p, v === undefined ? 'HARNESS_CATALOG_MISSING_FIELD' : 'HARNESS_CATALOG_WRONG_TYPE', `'executor' must be a mapping {name, command, cleanup_command, elevation_required}, found ${typeName(v)}`, 'add executor: {name: powershell, command: ...}');
    return undefined;
  }
  const name = v.name as ExecutorName;
  if (!EXECUTOR_NAMES.includes(name)) {
    c.error(v.name === undefined ? p : [...p, 'name'], 'HARNESS_CATALOG_BAD_EXECUTOR', `executor name ${JSON.stringify(v.name ?? null)} is not one of ${EXECUTOR_NAMES.join(', ')}`, 'set executor.name to command_prompt, powershell, sh, bash or manual');
    return undefined;
  }
  const allowed = name === 'manual' ? ['name', 'steps', 'elevation_required'] : ['name', 'command', 'cleanup_command', 'elevation_required'];
  checkKeys(c, p, v, allowed, 'HARNESS_CATALOG_UNKNOWN_FIELD', `the ${name} executor`);
  const out: AtomicExecutor = { name };
  const elev = v.elevation_required;
  if (elev !== undefined && elev !== null) {
    const b = typeof elev === 'boolean' ? elev : typeof elev === 'string' ? LAX_BOOL[elev.toLowerCase()] : elev === 1 ? true : elev === 0 ? false : undefined;
    if (b === undefined) c.error([...p, 'elevation_required'], 'HARNESS_CATALOG_WRONG_TYPE', `elevation_required must be true or false, found ${typeName(elev)}`, 'write true or false');
    else out.elevation_required = b;
  }
  if (name === 'manual') {
    if (typeof v.steps !== 'string' || v.steps.length < 10) c.error(v.steps === undefined ? p : [...p, 'steps'], 'HARNESS_CATALOG_TOO_SHORT', "a manual executor needs 'steps' of at least 10 characters", 'describe the manual steps');
    else out.steps = v.steps;
    return out;
  }
  if (typeof v.command !== 'string' || v.command.length === 0) {
    c.error(v.command === undefined ? p : [...p, 'command'], v.command === undefined ? 'HARNESS_CATALOG_MISSING_FIELD' : 'HARNESS_CATALOG_WRONG_TYPE', `the ${name} executor needs a non-empty 'command', found ${typeName(v.command)}`, 'write the command to run');
  } else out.command = v.command;
  if (v.cleanup_command !== undefined && v.cleanup_command !== null) {
    if (typeof v.cleanup_command !== 'string') c.error([...p, 'cleanup_command'], 'HARNESS_CATALOG_WRONG_TYPE', `'cleanup_command' must be text, found ${typeName(v.cleanup_command)}`, 'use a block scalar: cleanup_command: |');
    else out.cleanup_command = v.cleanup_command;
  }
  return out;
}

function validateDependencies(c: Collector, path: YamlPath, raw: Record<string, unknown>): Dependency[] | undefined {
  const v = raw.dependencies;
  if (v === undefined || v === null) return undefined;
  const p = [...path, 'dependencies'];
  if (!Array.isArray(v)) {
    c.error(p, 'HARNESS_CATALOG_WRONG_TYPE', `'dependencies' must be a list, found ${typeName(v)}`, 'write - description: ... / prereq_command: ... / get_prereq_command: ...');
    return undefined;
  }
  const out: Dependency[] = [];
  v.forEach((d, i) => {
    const dp = [...p, i];
    if (!isPlainObject(d)) return c.error(dp, 'HARNESS_CATALOG_WRONG_TYPE', `dependency ${i + 1} must be a mapping, found ${typeName(d)}`);
    checkKeys(c, dp, d, ['description', 'prereq_command', 'get_prereq_command'], 'HARNESS_CATALOG_UNKNOWN_FIELD', `dependency ${i + 1}`);
    const desc = text(c, dp, d, 'description', 1);
    const pre = text(c, dp, d, 'prereq_command', 1);
    if (!('get_prereq_command' in d)) c.error(dp, 'HARNESS_CATALOG_MISSING_FIELD', "missing field 'get_prereq_command' (it may be empty, but upstream requires the key)", 'add get_prereq_command: | with the commands that fetch the prerequisite');
    else if (d.get_prereq_command !== null && typeof d.get_prereq_command !== 'string') c.error([...dp, 'get_prereq_command'], 'HARNESS_CATALOG_WRONG_TYPE', `'get_prereq_command' must be text, found ${typeName(d.get_prereq_command)}`);
    if (desc && pre) out.push({ description: desc, prereq_command: pre, ...(typeof d.get_prereq_command === 'string' ? { get_prereq_command: d.get_prereq_command } : {}) });
  });
  return out;
}

function validateDependencyExecutor(c: Collector, path: YamlPath, raw: Record<string, unknown>): ExecutorName | undefined {
  if (!('dependency_executor_name' in raw)) return undefined;
  const v = raw.dependency_executor_name;
  const p = [...path, 'dependency_executor_name'];
  if (v === null || v === '') {
    c.error(p, 'HARNESS_CATALOG_EMPTY_DEPENDENCY_EXECUTOR', "'dependency_executor_name' is empty (upstream: empty_dependency_executor_name)", `give one of ${EXECUTOR_NAMES.join(', ')}, or remove the key`, true);
    return undefined;
  }
  const deps = raw.dependencies;
  if (deps === undefined || (Array.isArray(deps) && deps.length === 0)) {
    c.error(p, 'HARNESS_CATALOG_INVALID_DEPENDENCY_EXECUTOR', "'dependency_executor_name' is set but the test has no dependencies (upstream: invalid_dependency_executor_name)", 'remove dependency_executor_name, or add the dependencies it runs', true);
    return undefined;
  }
  if (!EXECUTOR_NAMES.includes(v as ExecutorName)) {
    c.error(p, 'HARNESS_CATALOG_BAD_EXECUTOR', `dependency_executor_name ${JSON.stringify(v)} is not one of ${EXECUTOR_NAMES.join(', ')}`, `use one of ${EXECUTOR_NAMES.join(', ')}`);
    return undefined;
  }
  return v as ExecutorName;
}

function validateExtras(c: Collector, p: YamlPath, v: unknown): HarnessExtras | undefined {
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) {
    c.error(p, 'HARNESS_CATALOG_WRONG_TYPE', `'x-harness' must be a mapping, found ${typeName(v)}`, 'write x-harness: {techniques: [T1553.004]}');
    return undefined;
  }
  const t = v.techniques;
  if (t !== undefined && !(Array.isArray(t) && t.every((x) => typeof x === 'string' && TECHNIQUE_RE.test(x)))) {
    c.error([...p, 'techniques'], 'HARNESS_CATALOG_BAD_TECHNIQUE_ID', `x-harness.techniques must be a list of ATT&CK ids like T1553.004, found ${JSON.stringify(t)}`, 'write techniques: [T1553.004, T1105]');
  }
  const art = v.artefact;
  if (art !== undefined && !(isPlainObject(art) && Object.keys(art).every((k) => k === 'certificate') && (art.certificate === undefined || typeof art.certificate === 'string'))) {
    c.error([...p, 'artefact'], 'HARNESS_CATALOG_WRONG_TYPE', "x-harness.artefact must be { certificate: '<path the behaviour writes, may use #{args}>' }", "write artefact: { certificate: '#{harness_tmp}/#{harness_marker}.pem' }");
  }
  return v as HarnessExtras;
}
