// The `qradar` TelemetryBackend: per poll cycle, one signal-fetch search (the events of the run's hosts
// with the properties the expectations need) and one search per rule, never one per expectation.
// Rows are tied to the fetched events through hidden columns. Any failure becomes { ok: false } so the
// verdicts are INCONCLUSIVE, never MISSED. Aggregate rules (GROUP BY / COUNT...) cannot carry the hidden
// columns: when one returns rows they cannot be tied, so it reports ok: false with
// HARNESS_QRADAR_AGGREGATE_UNTIED instead of a false MISSED; with no row at all it is a clean "not fired".
import { isHarnessError } from '../errors.js';
import type { BackendRequest, EventFetch, RuleRun, TelemetryBackend } from '../model/backend.js';
import type { RuleFile } from '../model/catalog.js';
import type { QRadarConfig } from '../model/config.js';
import type { NormalizedEvent } from '../model/event.js';
import type { ArielClient } from './client.js';
import type { OffenseRef } from './types.js';
import { planRuleSearchDetailed, planSignalFetch, type RuleSearchPlan } from './plan.js';
import { eventKey, indexEvents, rowToEvent, tieRow } from './rows.js';

export interface QRadarBackendOptions {
  client: ArielClient;
  /** windowSlackMs (qradar.windowSlack): the one place QRadar's ingestion slack is applied; every search
   *  window is the request window widened by it. Callers (the poll) pass the run window unwidened. */
  config: Pick<QRadarConfig, 'hostField' | 'windowSlackMs' | 'maxConcurrentSearches'>;
  /** Property names (as the deployment names them) the expectations' signals read. */
  properties: string[];
  /** CRE rule names expectations assert on (checked with RULENAME(creEventList) on the fetched events). */
  creRules?: string[];
  /** LIMIT of the signal fetch and of rule searches (default 100000); reaching it makes the result { ok: false }. */
  limit?: number;
  /** Longest a single search may run before it is canceled. */
  searchTimeoutMs?: number;
  now?: () => number;
}

// The TelemetryBackend over QRadar: per poll cycle one signal fetch and one search per rule.
export class QRadarBackend implements TelemetryBackend {
  readonly name = 'qradar' as const;
  private cycle = 0;
  private readonly firstSeen = new Map<string, number>();
  private readonly creNames = new WeakMap<NormalizedEvent, string[]>();
  private readonly now: () => number;
  private readonly limit: number;

  constructor(private readonly o: QRadarBackendOptions) {
    this.now = o.now ?? Date.now;
    this.limit = o.limit ?? 100_000;
  }

  /** Searches made so far (for the frugality check and the run report). */
  get stats() {
    return { ...this.o.client.stats, cycles: this.cycle };
  }

  // One poll cycle's event fetch: a single Ariel search over the run's hosts.
  async fetchEvents(req: BackendRequest): Promise<EventFetch> {
    this.cycle++;
    try {
      const aql = planSignalFetch({ window: req.window, slackMs: this.o.config.windowSlackMs, targets: req.targets, hostField: this.o.config.hostField, properties: this.o.properties, creRules: (this.o.creRules?.length ?? 0) > 0, limit: this.limit, uniquifier: this.cycle });
      const { rows } = await this.o.client.search(aql, { timeoutMs: this.o.searchTimeoutMs });
      // A fetch cut at its LIMIT may lack the very events a signal needs: never a NO_TELEMETRY from that.
      if (rows.length >= this.limit) return truncated('the signal fetch', this.limit);
      const seenAt = this.now();
      const events = rows.map((r) => {
        const e = rowToEvent(r, this.o.properties);
        const k = eventKey(e.starttime, e.logsourceid, e.payload);
        if (!this.firstSeen.has(k)) this.firstSeen.set(k, seenAt);
        if (Array.isArray(r.ath_rules)) this.creNames.set(e, r.ath_rules.map(String));
        return e;
      });
      events.sort((a, b) => a.starttime - b.starttime || a.logsourceid - b.logsourceid);
      return { ok: true, events };
    } catch (e) {
      return failure(e);
    }
  }

  // One search per rule for this cycle (bounded concurrency), rows tied to `events` by index.
  async runRules(req: BackendRequest & { rules: RuleFile[]; events: NormalizedEvent[] }): Promise<Map<string, RuleRun>> {
    const out = new Map<string, RuleRun>();
    const index = indexEvents(req.events);
    const limit = Math.max(1, this.o.config.maxConcurrentSearches);
    // Rules whose planned searches are the same text run as one search: Ariel de-duplicates identical
    // queries into one search, and the first to finish would DELETE it under the other. Two rules can
    // differ only in their time clause or trailing space and still plan to the same text.
    const byPlan = new Map<string, { rules: RuleFile[]; plan: RuleSearchPlan | { error: unknown } }>();
    for (const rule of req.rules) {
      let plan: RuleSearchPlan | { error: unknown };
      try {
        plan = this.plan(rule, req);
      } catch (e) {
        plan = { error: e };
      }
      const key = 'aql' in plan ? plan.aql : `error:${rule.id}`;
      const g = byPlan.get(key);
      if (g) g.rules.push(rule);
      else byPlan.set(key, { rules: [rule], plan });
    }
    const queue = [...byPlan.values()];
    const worker = async () => {
      for (let g = queue.shift(); g; g = queue.shift()) {
        const run = 'aql' in g.plan ? await this.runOne(g.rules[0]!, g.plan, index) : failure(g.plan.error);
        for (const rule of g.rules) out.set(rule.id, run);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
    for (const name of this.o.creRules ?? []) out.set(name, this.creRun(name, req.events));
    return out;
  }

  private plan(rule: RuleFile, req: BackendRequest): RuleSearchPlan {
    return planRuleSearchDetailed(rule.text, { window: req.window, slackMs: this.o.config.windowSlackMs, targets: req.targets, hostField: this.o.config.hostField, limit: this.limit, uniquifier: Math.max(1, this.cycle) });
  }

  private async runOne(rule: RuleFile, plan: RuleSearchPlan, index: Map<string, number[]>): Promise<RuleRun> {
    try {
      const { rows } = await this.o.client.search(plan.aql, { timeoutMs: this.o.searchTimeoutMs });
      // Cut at the LIMIT it was sent with (the rule's own, when smaller than the back-end's): the rows of
      // this execution may be among those left out, so no verdict is drawn from it.
      const limit = plan.limit ?? this.limit;
      if (rows.length >= limit) return truncated(rule.id, limit);
      if (plan.aggregate) {
        if (rows.length === 0) return { ok: true, rows: [] };
        return { ok: false, code: 'HARNESS_QRADAR_AGGREGATE_UNTIED', error: `${rule.id} is an aggregate rule (GROUP BY or an aggregate function): its ${rows.length} row(s) cannot be tied to one execution's events, so no verdict is drawn from it` };
      }
      return { ok: true, rows: rows.map((r) => tieRow(r, index)) };
    } catch (e) {
      return failure(e);
    }
  }

  // A CRE rule "fires" on the fetched events whose RULENAME(creEventList) names it.
  private creRun(name: string, events: NormalizedEvent[]): RuleRun {
    const rows: { row: Record<string, unknown>; sources: number[] }[] = [];
    events.forEach((e, i) => {
      if (this.creNames.get(e)?.includes(name)) rows.push({ row: { rule: name, starttime: e.starttime, logsource: e.logsourcename }, sources: [i] });
    });
    return { ok: true, rows };
  }

  /** Offenses updated since `sinceMs` that name the CRE rule called `ruleName` (rule id via /api/analytics/rules). */
  async offensesForRule(ruleName: string, sinceMs: number): Promise<{ ok: true; ruleIds: number[]; offenses: OffenseRef[] } | { ok: false; code: string; error: string }> {
    try {
      const ids = (await this.o.client.rules({ name: ruleName })).map((r) => r.id);
      if (ids.length === 0) return { ok: false, code: 'HARNESS_QRADAR_RULE_UNKNOWN', error: `QRadar has no analytics rule named ${JSON.stringify(ruleName)}` };
      const offenses = (await this.o.client.offenses({ sinceMs })).filter((o) => (o.rules ?? []).some((r) => ids.includes(r.id)));
      return { ok: true, ruleIds: ids, offenses };
    } catch (e) {
      return failure(e);
    }
  }

  /** Ingestion latency of an event: when a poll first saw it minus its start time (undefined if never fetched). */
  ingestionLatencyMs(e: NormalizedEvent): number | undefined {
    const seen = this.firstSeen.get(eventKey(e.starttime, e.logsourceid, e.payload));
    return seen === undefined ? undefined : Math.max(0, seen - e.starttime);
  }

  async close(): Promise<void> {}
}

function truncated(what: string, limit: number): { ok: false; code: string; error: string } {
  return { ok: false, code: 'HARNESS_QRADAR_TRUNCATED', error: `${what} returned ${limit} rows, the search LIMIT: rows beyond it may be missing, so no verdict is drawn from it (raise the back-end limit or restrict the targets)` };
}

function failure(e: unknown): { ok: false; code: string; error: string } {
  if (isHarnessError(e)) return { ok: false, code: e.code, error: e.message };
  return { ok: false, code: 'HARNESS_QRADAR_INTERNAL', error: String((e as Error)?.message ?? e) };
}
