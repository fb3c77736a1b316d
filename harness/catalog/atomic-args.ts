// Validation of a test's `input_arguments` exactly as upstream's validator enforces it: declared arguments
// must be used in a command, used `#{args}` must be declared, and each default must fit its type.
import { isIP } from 'node:net';
import type { InputArgument } from '../model/catalog.js';
import type { YamlPath } from '../util/yaml.js';
import { BUILTIN_ARGS, placeholdersIn } from './args.js';
import { checkKeys, isPlainObject, typeName, type Collector } from './schema.js';

// Upstream accepts these spellings of `type` (its discriminated union lists both cases).
const ARG_TYPES: Record<string, 'url' | 'string' | 'path' | 'integer' | 'float'> = {
  url: 'url', Url: 'url', string: 'string', String: 'string', path: 'path', Path: 'path', integer: 'integer', Integer: 'integer', float: 'float', Float: 'float',
};
const ARG_NAME_RE = /^[\w-]+$/;
// Upstream's DomainName pattern (lower-case host names), one of the three forms a `url` default may take.
const DOMAIN_RE = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/;
const URL_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/;
const INT_RE = /^\s*[+-]?\d+\s*$/;

/** The commands upstream scans for `#{args}`: command + cleanup (or manual steps), and every dependency's prereq and get_prereq. */
export function commandTexts(test: Record<string, unknown>): string[] {
  const out: string[] = [];
  const ex = test.executor;
  if (isPlainObject(ex)) {
    if (ex.name === 'manual') out.push(str(ex.steps));
    else out.push(str(ex.command), str(ex.cleanup_command));
  }
  if (Array.isArray(test.dependencies)) {
    for (const d of test.dependencies) if (isPlainObject(d)) out.push(str(d.prereq_command), str(d.get_prereq_command));
  }
  return out.filter((s) => s !== '');
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Validates `input_arguments` of the test at `path`; returns the parsed arguments (undefined when absent). */
export function validateInputArguments(c: Collector, path: YamlPath, test: Record<string, unknown>): Record<string, InputArgument> | undefined {
  const used = new Set(commandTexts(test).flatMap((t) => placeholdersIn(t)));
  const present = Object.prototype.hasOwnProperty.call(test, 'input_arguments');
  const raw = test.input_arguments;
  const argsPath = [...path, 'input_arguments'];
  if (present && (raw === null || raw === undefined)) {
    c.error(argsPath, 'HARNESS_CATALOG_EMPTY_INPUT_ARGUMENTS', "'input_arguments' is empty (upstream: empty_input_arguments)", 'declare the arguments under it, or remove the key', true);
    return undefined;
  }
  if (present && !isPlainObject(raw)) {
    c.error(argsPath, 'HARNESS_CATALOG_WRONG_TYPE', `'input_arguments' must be a mapping of argument name to {description, type, default}, found ${typeName(raw)}`);
    return undefined;
  }
  const args: Record<string, InputArgument> = {};
  for (const [name, spec] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    const p = [...argsPath, name];
    if (name.length < 2 || !ARG_NAME_RE.test(name)) {
      c.error(p, 'HARNESS_CATALOG_BAD_ARGUMENT_NAME', `input argument name ${JSON.stringify(name)} must be at least 2 characters of letters, digits, _ or -`, 'rename the argument (and its #{uses})', true);
    }
    if (!used.has(name)) {
      c.error(p, 'HARNESS_CATALOG_UNUSED_ARGUMENT', `input argument '${name}' is not used in any of the commands (upstream: unused_input_argument)`, `use #{${name}} in the command, cleanup or dependencies, or remove the argument`, true);
    }
    const arg = validateArgument(c, p, name, spec);
    if (arg) args[name] = arg;
  }
  for (const name of used) {
    if (Object.prototype.hasOwnProperty.call(raw ?? {}, name)) continue;
    const builtin = BUILTIN_ARGS[name];
    c.error(present ? argsPath : [...path, 'executor'], 'HARNESS_CATALOG_MISSING_ARGUMENT', `#{${name}} is used but not defined in input_arguments (upstream: missing_input_argument)`,
      builtin ? `declare it: ${name}: {description: ${JSON.stringify(builtin.description)}, type: ${builtin.type}, default: ${JSON.stringify(builtin.default)}} (the harness overrides the default per execution)` : `add ${name}: {description, type, default} under input_arguments, or fix the placeholder's spelling`,
      present);
  }
  return present ? args : undefined;
}

function validateArgument(c: Collector, p: YamlPath, name: string, spec: unknown): InputArgument | undefined {
  if (!isPlainObject(spec)) {
    c.error(p, 'HARNESS_CATALOG_WRONG_TYPE', `input argument '${name}' must be a mapping {description, type, default}, found ${typeName(spec)}`);
    return undefined;
  }
  checkKeys(c, p, spec, ['description', 'type', 'default'], 'HARNESS_CATALOG_UNKNOWN_FIELD', `input argument '${name}'`);
  let ok = true;
  if (typeof spec.description !== 'string') {
    c.error(spec.description === undefined ? p : [...p, 'description'], 'HARNESS_CATALOG_WRONG_TYPE', `input argument '${name}' needs a text 'description', found ${typeName(spec.description)}`, 'describe the argument in a sentence');
    ok = false;
  }
  const type = typeof spec.type === 'string' ? ARG_TYPES[spec.type] : undefined;
  if (!type) {
    c.error(spec.type === undefined ? p : [...p, 'type'], 'HARNESS_CATALOG_BAD_ARGUMENT_TYPE', `input argument '${name}' has type ${JSON.stringify(spec.type ?? null)}; expected one of url, string, path, integer, float`, 'set type to url, string, path, integer or float');
    return undefined;
  }
  if (!Object.prototype.hasOwnProperty.call(spec, 'default')) {
    c.error(p, 'HARNESS_CATALOG_MISSING_FIELD', `input argument '${name}' has no 'default'`, 'add default: <value> (or default: null)');
    return undefined;
  }
  const d = spec.default;
  const dp = [...p, 'default'];
  if (d !== null) {
    if (type === 'url' && !(typeof d === 'string' && isUrlLike(d))) {
      c.error(dp, 'HARNESS_CATALOG_BAD_ARGUMENT_DEFAULT', `input argument '${name}' is of type url but its default ${JSON.stringify(d)} is not a URL, domain name or IP address (upstream: url_parsing)`, 'give a URL like https://host/path, or change the type to path or string');
      ok = false;
    } else if (type === 'integer' && !isIntegerLike(d)) {
      c.error(dp, 'HARNESS_CATALOG_BAD_ARGUMENT_DEFAULT', `input argument '${name}' is of type integer but its default ${JSON.stringify(d)} is not an integer (upstream: int_parsing)`, 'give a whole number, or change the type to path or string');
      ok = false;
    } else if (type === 'float' && typeof d !== 'number') {
      c.error(dp, 'HARNESS_CATALOG_BAD_ARGUMENT_DEFAULT', `input argument '${name}' is of type float but its default ${JSON.stringify(d)} is not a number (upstream: float_type)`, 'give a number like 1.5, or change the type to path or string');
      ok = false;
    } else if ((type === 'string' || type === 'path') && typeof d !== 'string') {
      c.error(dp, 'HARNESS_CATALOG_BAD_ARGUMENT_DEFAULT', `input argument '${name}' is of type ${type} but its default is ${typeName(d)} (upstream: string_type)`, 'quote the default to make it text');
      ok = false;
    }
  }
  if (name in BUILTIN_ARGS && (d === null || d === '')) {
    c.error(dp, 'HARNESS_CATALOG_BUILTIN_NO_DEFAULT', `built-in argument '${name}' needs a usable default so upstream tools can run the test`, `e.g. default: ${JSON.stringify(BUILTIN_ARGS[name]!.default)}`);
    ok = false;
  }
  return ok ? { description: spec.description as string, type: spec.type as string, default: d as InputArgument['default'] } : undefined;
}

function isUrlLike(s: string): boolean {
  if (DOMAIN_RE.test(s) || isIP(s) !== 0) return true;
  if (!URL_RE.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

function isIntegerLike(d: unknown): boolean {
  if (typeof d === 'number') return Number.isInteger(d);
  return typeof d === 'string' && INT_RE.test(d);
}
