// `harness tune --backend qradar`: the changed rule (and the rule it replaces) re-run in QRadar over the
// original run window, restricted to the run's hosts. Rows are tied to executions as the verdicts tie
// them: one signal fetch over the window (fetchEvents), one search per rule (runRules) whose rows carry
// the events they came from; an execution's events are the ones its signals were judged on, found again
// in QRadar's answer by the join key (starttime, logsourceid, payload). If QRadar no longer returns all of
// them (retention, a changed log source) and the rule did not fire on those it returned, nothing is proven:
// INCONCLUSIVE, never a flip to MISSED.
import { HarnessError } from '../errors.js';
import type { EventFetch, RuleRun, TelemetryBackend } from '../model/backend.js';
import type { RuleFile } from '../model/catalog.js';
import type { Target } from '../model/config.js';
import type { NormalizedEvent } from '../model/event.js';
import type { RunReport, TestResult, Verdict } from '../model/report.js';
import { eventKey } from '../qradar/rows.js';
import type { TimeWindow } from '../telemetry/types.js';
import { isRuleRejection } from './rules.js';
import { sha256Hex } from '../catalog/rules.js';
import { baselineCounts, evidenceRefs, latest, outcomeOf, settledAfter, verdictWith, type TuneInput, type TuneOutcome, type TuneRow, type TuneRule } from './tune.js';

export interface QRadarTuneInput extends TuneInput {
  backend: Pick<TelemetryBackend, 'fetchEvents' | 'runRules'>;
  /** The run's hosts (with their qradar: mapping), as reportTargets() picks them. */
  targets: Target[];
  /** The original run window (runWindow()); the back-end widens it by qradar.windowSlack. */
  window: TimeWindow;
  /** The rule the run used, re-run beside the new one (`recheck`): --replace, or the catalog's rule when its sha256 is the report's. */
  recheckRule?: TuneRule;
}

export interface QRadarTuneOutcome extends TuneOutcome {
  window: TimeWindow;
  /** Events QRadar returned for the window (-1 when the fetch failed). */
  fetched: number;
  /** Why the event fetch failed (every re-judged row is then INCONCLUSIVE). */
  fetchError?: string;
}

/** The run window of a report: startedAt..finishedAt, widened to every execution's own times. */
export function runWindow(report: RunReport): TimeWindow {
  const times = [report.startedAt, report.finishedAt, ...report.results.flatMap((r) => (r.execution ? [r.execution.startedAt, r.execution.finishedAt] : []))]
    .map((s) => Date.parse(s)).filter((n) => Number.isFinite(n));
  if (!times.length) throw new HarnessError('HARNESS_TUNE_NO_WINDOW', `report ${report.runId} has no usable startedAt/finishedAt`, { fix: 'tune against a report written by `harness run`' });
  return { start: Math.min(...times), stop: Math.max(...times) };
}

/** Results the tune re-evaluates (they expect the rule and their outcome can change). */
export function resultsToRejudge(report: RunReport, replaces: string): TestResult[] {
  return report.results.filter((r) => {
    const idx = r.detections.findIndex((d) => d.rule === replaces);
    return idx >= 0 && !settledAfter(r, idx);
  });
}

/** The targets of those results, from the targets file of the run (report.json keeps names, not QRadar mappings). */
export function reportTargets(report: RunReport, replaces: string, available: Target[], targetsFile: string): Target[] {
  const names = [...new Set(resultsToRejudge(report, replaces).map((r) => r.target))];
  const missing = names.filter((n) => !available.some((t) => t.name === n));
  if (missing.length) {
    throw new HarnessError('HARNESS_TUNE_TARGET_UNKNOWN', `the run's target(s) ${missing.join(', ')} are not in ${targetsFile}: their QRadar log source (qradar: mapping) is needed to restrict the searches to the run's hosts`, {
      location: { file: targetsFile },
      fix: 'pass the targets file the run used with --targets F (report.json stores target names only)',
    });
  }
  return available.filter((t) => names.includes(t.name));
}

function asRuleFile(id: string, r: TuneRule): RuleFile {
  return { id, path: r.path ?? id, text: r.text, sha256: sha256Hex(r.text) };
}

// A rule run over the fetched events, with each row's sources moved to the evidence events of the same key.
function toEvidence(run: RuleRun | undefined, fetchedToEvidence: number[][]): RuleRun | undefined {
  if (!run || !run.ok) return run;
  return { ok: true, rows: run.rows.map((x) => ({ row: x.row, sources: [...new Set(x.sources.flatMap((i) => fetchedToEvidence[i] ?? []))] })) };
}

/** Re-judges every result expecting the replaced rule with the new (and the old) rule run in QRadar. */
export async function tuneRuleInQRadar(t: QRadarTuneInput): Promise<QRadarTuneOutcome> {
  const req = { window: t.window, targets: t.targets };
  const newFile = asRuleFile(`${t.replaces}#new`, t.newRule);
  const oldFile = t.recheckRule ? asRuleFile(`${t.replaces}#old`, t.recheckRule) : undefined;
  const needed = resultsToRejudge(t.report, t.replaces).length > 0;
  const fetch: EventFetch = needed ? await t.backend.fetchEvents(req) : { ok: true, events: [] };
  // The same text twice is one search: Ariel de-duplicates identical queries into one search id, which the
  // first of two concurrent lifecycles would DELETE under the other.
  const same = oldFile?.text === newFile.text;
  const runs = fetch.ok && needed ? await t.backend.runRules({ ...req, rules: oldFile && !same ? [newFile, oldFile] : [newFile], events: fetch.events }) : new Map<string, RuleRun>();
  if (same && oldFile && runs.has(newFile.id)) runs.set(oldFile.id, runs.get(newFile.id)!);
  const failed = (): RuleRun => (fetch.ok ? { ok: false, code: 'HARNESS_TUNE_NOT_RUN', error: 'the rule search was not run' } : fetch);
  // Which evidence events QRadar returned again: fetched index -> evidence indexes of the same key.
  const evidenceByKey = new Map<string, number[]>();
  t.evidence.forEach((e, i) => {
    const k = eventKey(e.starttime, e.logsourceid, e.payload);
    evidenceByKey.set(k, [...(evidenceByKey.get(k) ?? []), i]);
  });
  const fetched = fetch.ok ? fetch.events : [];
  const fetchedToEvidence = fetched.map((e) => evidenceByKey.get(eventKey(e.starttime, e.logsourceid, e.payload)) ?? []);
  const returned = new Set(fetchedToEvidence.flat());
  const newRun = toEvidence(runs.get(newFile.id) ?? failed(), fetchedToEvidence);
  const oldRun = oldFile ? toEvidence(runs.get(oldFile.id) ?? failed(), fetchedToEvidence) : undefined;
  const rejected = newRun && !newRun.ok && isRuleRejection(newRun.code) ? `${newRun.error} [${newRun.code}]` : undefined;

  const rows: TuneRow[] = [];
  for (const r of t.report.results) {
    const idx = r.detections.findIndex((d) => d.rule === t.replaces);
    if (idx < 0) continue;
    const row = { technique: r.technique, guid: r.guid, test: r.test, target: r.target, before: r.verdict };
    const settled = settledAfter(r, idx);
    if (settled) {
      rows.push({ ...row, ...settled });
      continue;
    }
    const refs = evidenceRefs(r).filter((i) => t.evidence[i] !== undefined);
    const mine = refs.filter((i) => returned.has(i));
    const judgeWith = (rule: TuneRule, run: RuleRun | undefined) => judgeOne(t, r, idx, rule, run, refs, mine);
    const after = judgeWith(t.newRule, newRun);
    const recheck = t.recheckRule ? judgeWith(t.recheckRule, oldRun) : undefined;
    rows.push({ ...row, ...after, ...(recheck ? { recheck: recheck.after, ...(recheck.explanation ? { recheckExplanation: recheck.explanation } : {}) } : {}) });
  }
  return { ...outcomeOf(rows, baselineCounts(t, rejected), rejected), window: t.window, fetched: fetch.ok ? fetched.length : -1, ...(fetch.ok ? {} : { fetchError: `${fetch.error} [${fetch.code}]` }) };
}

// One result's verdict with one rule's QRadar run; unproven when QRadar lacks some of its events and no row ties.
function judgeOne(t: QRadarTuneInput, r: TestResult, idx: number, rule: TuneRule, run: RuleRun | undefined, refs: number[], mine: number[]): { after: Verdict; explanation?: string } {
  const missing = refs.length - mine.length;
  if (run?.ok && missing > 0) {
    const own = new Set(mine);
    if (!run.rows.some((x) => x.sources.some((s) => own.has(s)))) {
      return { after: 'INCONCLUSIVE', explanation: `QRadar returned ${mine.length} of the ${refs.length} event(s) this result was judged on for the run window (aged out of Ariel, or the target's log source changed): the rule did not fire on those, which proves nothing about the others` };
    }
  }
  const events = mine.map((i) => t.evidence[i]!);
  const now = latest(events.length ? events : refs.map((i) => t.evidence[i]!));
  // As in a QRadar run: QRadar decides what it rejects; the embedded engine only explains a miss.
  const c = t.engine.check(rule, now);
  const check = c.rejected ? {} : c;
  return verdictWith(r, idx, { rule: t.replaces, location: rule.path ?? rule.id, output: t.outputs?.get(r.guid), run, check, mine, events: t.evidence as NormalizedEvent[], view: t.view });
}
