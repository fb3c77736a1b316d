// Search planning: turns a user's rule into the Ariel search one poll cycle runs, and builds the one
// signal-fetch search per cycle. The rule's own time clause is replaced by absolute START/STOP epoch ms
// (the run window widened by the ingestion slack: unique per run, so Ariel's de-duplication of identical
// queries cannot hand back an old search), LIMIT goes before it, and the WHERE becomes
// `(<original WHERE>) AND (<restriction to the run's hosts>)`. No other byte of the rule changes.
import { isIP } from 'node:net';
import type { Target } from '../model/config.js';
import type { QRadarConfig } from '../model/config.js';
import type { TimeWindow } from '../telemetry/types.js';
import { QRadarError } from './errors.js';
import { aqlString, findClauses, isAggregate, spliceAql } from './aql-splice.js';
import { replaceTimeWindow } from './window.js';

export type HostField = QRadarConfig['hostField'];

/** Hidden columns added to non-aggregate rules so each row can be joined to the event it came from. */
export const TIE_COLUMNS = {
  starttime: 'ath_starttime',
  logsourceid: 'ath_logsourceid',
  payload: 'ath_payload',
} as const;

export const HIDDEN_PREFIX = 'ath_';

export interface SearchPlanOptions {
  window: TimeWindow;
  /** Added before the start and after the stop (ingestion delay, clock skew). */
  slackMs: number;
  targets: Target[];
  hostField: HostField;
  /** LIMIT added when the rule has none. */
  limit?: number;
  /** Extra milliseconds added to STOP (the poll cycle number): makes each cycle's query text unique. */
  uniquifier?: number;
}

export interface RuleSearchPlan {
  aql: string;
  /** The LIMIT the search was sent with (the rule's own or the back-end's, the smaller): as many rows back means rows may be missing. */
  limit?: number;
  aggregate: boolean;
  /** Hidden column aliases that were added (strip them from returned rows). */
  hidden: string[];
}

// The host field a target is searched by, from target.qradar, falling back to its address for sourceIp.
export function targetRestriction(t: Target, hostField: HostField): string {
  const q = t.qradar ?? {};
  if (hostField === 'logSourceName') {
    if (q.logSourceName) return `LOGSOURCENAME(logsourceid) = ${aqlString(q.logSourceName)}`;
  } else if (hostField === 'sourceIp') {
    // The target's address stands in only when it is an IP: a host name never equals sourceip, and that
    // search would come back empty (a false NO_TELEMETRY) instead of refusing.
    const ip = q.sourceIp ?? (t.address && isIP(t.address) ? t.address : undefined);
    if (ip) return `sourceip = ${aqlString(ip)}`;
  } else if (q.hostname) {
    return `LOWER(identityhostname) = ${aqlString(q.hostname.toLowerCase())}`;
  }
  const key = hostField === 'logSourceName' ? 'logSourceName' : hostField === 'sourceIp' ? 'sourceIp' : 'hostname';
  throw new QRadarError('HARNESS_QRADAR_TARGET_UNMAPPED', `target ${t.name} has no qradar.${key}, so its events cannot be selected in QRadar (qradar.hostField is ${hostField})`, {
    phase: 'config',
    location: t.file ? { file: t.file } : undefined,
    fix: `add qradar: { ${key}: '...' } to target ${t.name} in the targets file (as QRadar names this host), or change qradar.hostField`,
  });
}

// The restriction to the run's hosts: one condition per target, ORed.
export function hostRestriction(targets: Target[], hostField: HostField): string {
  if (targets.length === 0) throw new QRadarError('HARNESS_QRADAR_NO_TARGETS', 'a QRadar search needs at least one target to restrict to', { phase: 'config', fix: 'pass the run targets to the search plan' });
  const parts = [...new Set(targets.map((t) => targetRestriction(t, hostField)))];
  return parts.join(' OR ');
}

// The absolute window of a search: run window widened by the slack.
export function searchWindow(o: Pick<SearchPlanOptions, 'window' | 'slackMs' | 'uniquifier'>): TimeWindow {
  return { start: o.window.start - o.slackMs, stop: o.window.stop + o.slackMs + (o.uniquifier ?? 0) };
}

// Plans a rule's search with details (aggregate or not, hidden tie columns).
export function planRuleSearchDetailed(ruleText: string, o: SearchPlanOptions & { tie?: boolean }): RuleSearchPlan {
  const clauses = findClauses(ruleText);
  // QRadar rejects a LIMIT written after the time clause (reference 2.1); moving it would make the harness
  // run a rule the console never runs. The harness does not repair rules: this one is rejected as QRadar would.
  if (clauses.limit !== undefined && clauses.time !== undefined && clauses.limit > clauses.time) {
    throw new QRadarError('HARNESS_QRADAR_AQL_INVALID', 'LIMIT comes after the time clause: QRadar rejects this query (LIMIT must come before LAST/START), so the rule never runs on the console', {
      phase: 'query',
      fix: 'move the LIMIT in front of the time clause in the rule (`harness aql lint` reports it as HARNESS_AQL_LIMIT_AFTER_TIME)',
    });
  }
  const aggregate = isAggregate(clauses);
  const own = clauses.limit !== undefined ? Number(ruleText.slice(clauses.toks[clauses.limit + 1]!.start, clauses.toks[clauses.limit + 1]!.end)) : undefined;
  const limits = [own, o.limit].filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  const limit = limits.length ? Math.min(...limits) : undefined;
  const hidden = !aggregate && o.tie !== false ? Object.values(TIE_COLUMNS) : [];
  const hiddenColumns = hidden.length ? [`starttime AS ${TIE_COLUMNS.starttime}`, `logsourceid AS ${TIE_COLUMNS.logsourceid}`, `UTF8(payload) AS ${TIE_COLUMNS.payload}`] : [];
  const restricted = spliceAql(ruleText, { restriction: hostRestriction(o.targets, o.hostField), hiddenColumns });
  const aql = replaceTimeWindow(restricted, searchWindow(o), { limit: o.limit });
  return { aql, aggregate, hidden, ...(limit !== undefined ? { limit } : {}) };
}

// The AQL text of a rule's search for one poll cycle.
export function planRuleSearch(ruleText: string, o: SearchPlanOptions): string {
  return planRuleSearchDetailed(ruleText, o).aql;
}

export interface SignalFetchOptions extends SearchPlanOptions {
  /** Property names (as the deployment names them) the expectations need. */
  properties: string[];
  /** Also select RULENAME(creEventList) (expectations naming CRE rules). */
  creRules?: boolean;
}

/** Core columns of the signal fetch and the NormalizedEvent field each fills. */
export const FETCH_CORE: [expr: string, alias: string][] = [
  ['starttime', 'ath_starttime'],
  ['devicetime', 'ath_devicetime'],
  ['devicetype', 'ath_devicetype'],
  ['logsourceid', 'ath_logsourceid'],
  ['LOGSOURCENAME(logsourceid)', 'ath_logsourcename'],
  ['LOGSOURCETYPENAME(devicetype)', 'ath_logsourcetypename'],
  ['sourceip', 'ath_sourceip'],
  ['username', 'ath_username'],
  ['UTF8(payload)', 'ath_payload'],
];

// Alias of the i-th requested property in the signal fetch.
export function propertyAlias(i: number): string {
  return `ath_p${i}`;
}

// The one signal-fetch search of a poll cycle: core fields, payload and the needed properties of the run's hosts.
export function planSignalFetch(o: SignalFetchOptions): string {
  const w = searchWindow(o);
  const cols = FETCH_CORE.map(([e, a]) => `${e} AS ${a}`);
  o.properties.forEach((p, i) => cols.push(`"${p.replace(/"/g, '""')}" AS ${propertyAlias(i)}`));
  if (o.creRules) cols.push('RULENAME(creEventList) AS ath_rules');
  return `SELECT ${cols.join(', ')} FROM events WHERE ${hostRestriction(o.targets, o.hostField)} LIMIT ${Math.floor(o.limit ?? 100_000)} START ${Math.floor(w.start)} STOP ${Math.floor(w.stop)}`;
}
