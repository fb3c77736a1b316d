// The catalog: atomic tests (Atomic Red Team YAML, upstream schema) and our expectations for them.
import type { SourceLocation } from '../errors.js';

export type Platform = 'windows' | 'linux' | 'macos' | 'office-365' | 'azure-ad' | 'google-workspace' | 'saas' | 'iaas' | 'iaas:aws' | 'iaas:azure' | 'iaas:gcp' | 'containers' | 'esxi' | string;
export type ExecutorName = 'command_prompt' | 'powershell' | 'sh' | 'bash' | 'manual';

export interface InputArgument {
  description: string;
  type: string; // path | string | url | integer | float | ...
  default: string | number | boolean | null;
}

export interface Dependency {
  description: string;
  prereq_command: string;
  get_prereq_command?: string;
}

export interface AtomicExecutor {
  name: ExecutorName;
  command?: string;
  cleanup_command?: string;
  elevation_required?: boolean;
  steps?: string; // manual executor
}

/** Our additions, in an `x-harness` block that upstream tools ignore. */
export interface HarnessExtras {
  /** Extra ATT&CK techniques the test also exercises (e.g. T1553.004). */
  techniques?: string[];
  /** Anything else we add later is kept verbatim. */
  [key: string]: unknown;
}

export interface AtomicTest {
  name: string;
  auto_generated_guid: string;
  description: string;
  supported_platforms: Platform[];
  input_arguments?: Record<string, InputArgument>;
  dependency_executor_name?: ExecutorName;
  dependencies?: Dependency[];
  executor: AtomicExecutor;
  'x-harness'?: HarnessExtras;
  /** Where the test starts in its file (for errors and reports). */
  location: SourceLocation;
  /** The technique of the file it is in. */
  technique: string;
  /** 1-based number of the test in its file, as ART numbers them (T1588.004-1). */
  number: number;
}

export interface AtomicFile {
  attack_technique: string;
  display_name: string;
  atomic_tests: AtomicTest[];
  file: string;
}

/** Field matchers of an expectation signal (DESIGN section 5). */
export type MatcherOp = 'equals' | 'contains' | 'contains_all' | 'startswith' | 'endswith' | 'regex' | 'in' | 'exists';

export interface FieldMatcher {
  op: MatcherOp;
  /** string for most ops; string[] for contains_all / in; boolean for exists. May contain #{args}. */
  value: string | string[] | boolean | number;
  caseSensitive: boolean;
}

export type SignalSource = 'sysmon' | 'security' | 'powershell' | 'auditd' | 'sysmon-linux';

export interface Signal {
  id: string;
  source: SignalSource;
  event_id?: number;
  /** Raw field names of the source -> matchers (all must hold). */
  where: Record<string, FieldMatcher[]>;
  required: boolean;
  description?: string;
  location: SourceLocation;
}

export interface DetectionExpectation {
  /** Rule file path relative to expectations/ (e.g. rules/t1588-004-root-ca-install.aql), or a CRE rule name. */
  rule: string;
  /** `cre` for a QRadar CRE rule named by `rule`; default `aql`. */
  kind: 'aql' | 'cre';
  fires: boolean;
  /** Output columns asserted on the row tied to this execution. */
  output?: Record<string, string | number>;
  /** Why the rule's own logic cannot catch this behaviour although the seed claims it does. */
  knownGap?: string;
  location: SourceLocation;
}

export interface TestExpectation {
  guid: string;
  /** Milliseconds telemetry may take to arrive. */
  deadlineMs: number;
  signals: Signal[];
  detections: DetectionExpectation[];
  location: SourceLocation;
}

export interface ExpectationFile {
  technique: string;
  tests: TestExpectation[];
  file: string;
}

export interface RuleMeta {
  name: string;
  technique: string;
  severity: string;
  source: string;
  [key: string]: unknown;
}

export interface RuleFile {
  /** Path relative to expectations/ as expectations name it (rules/x.aql). */
  id: string;
  path: string;
  /** Exact bytes as stored (decoded UTF-8). */
  text: string;
  sha256: string;
  meta?: RuleMeta;
}

export interface Catalog {
  atomics: AtomicFile[];
  expectations: ExpectationFile[];
  rules: RuleFile[];
}
