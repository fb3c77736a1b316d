// Polling: late telemetry is waited for until the test's deadline; a dead sensor settles at once; a
// back-end failure is retried, then INCONCLUSIVE. The back-end here is a scripted in-process double
// (events appear on a given cycle, as in a SIEM with ingestion lag); the clock is virtual.
import { expect } from 'chai';
import type { EventFetch, RuleRun, TelemetryBackend } from '../../harness/model/backend.js';
import type { Target } from '../../harness/model/config.js';
import type { NormalizedEvent } from '../../harness/model/event.js';
import { buildEvidence } from '../../harness/verdict/evidence.js';
import { pollAndJudge } from '../../harness/verdict/poll.js';
import type { ExecutionInput, SensorState } from '../../harness/verdict/types.js';
import { GUID, ROOT_KEY, THUMB, defs, detection, exec, m, signal, sysmon, view, T0 } from './fixtures.js';

const RULE = 'rules/root-ca.aql';
const sig = signal('root-store-write', { TargetObject: m('contains', 'Root\\Certificates\\#{harness_cert_thumbprint}') });
const ev = sysmon(13, { TargetObject: ROOT_KEY, Image: 'C:\\Windows\\System32\\certutil.exe' });
const THUMB_B = 'B'.repeat(40);

function scriptedBackend(script: (cycle: number) => EventFetch, name: 'local' | 'qradar' = 'qradar'): TelemetryBackend & { cycles: number } {
  const b = {
    name, cycles: 0,
    async fetchEvents() { b.cycles++; return script(b.cycles); },
    async runRules({ events }: { events: unknown[] }) { return new Map<string, RuleRun>([[RULE, { ok: true, rows: events.length ? [{ row: { store_type: 'Trusted Root CA' }, sources: [0] }] : [] }]]); },
  };
  return b;
}

async function poll(backend: TelemetryBackend, sensors: SensorState[] = [], signal?: AbortSignal) {
  let clock = T0 + 5000;
  const tests = defs([sig], [detection(RULE)]);
  tests.get(GUID)!.expectation!.deadlineMs = 60_000;
  const out = await pollAndJudge({
    backend, targets: [], tests, executions: [exec()], rules: [{ id: RULE, path: RULE, text: '', sha256: '' }], ruleChecks: new Map(), view, sensors,
    intervalMs: 10_000, now: () => clock, sleep: async (ms) => { clock += ms; }, signal,
  });
  return out;
}

describe('polling the back-end until settled or past the deadline', () => {
  it('telemetry arriving on the third cycle: DETECTED after three cycles', async () => {
    const b = scriptedBackend((c) => ({ ok: true, events: c >= 3 ? [ev] : [] }));
    const out = await poll(b);
    expect(out.judged[0].result.verdict).to.equal('DETECTED');
    expect(out.cycles).to.equal(3);
  });

  it('a back-end that may still hold events (holdMs): a local MISSED is not final before the execution end + holdMs', async () => {
    // Local: the signal's event is there at once, the rule row only from the third read (the audit reader
    // held back the rest of the behaviour). Without the hold, the MISSED of cycle 1 would be final.
    const rows = (c: number): RuleRun => ({ ok: true, rows: c >= 3 ? [{ row: { store_type: 'Trusted Root CA' }, sources: [0] }] : [] });
    let clock = T0;
    const mk = (holdMs?: number) => {
      let cycles = 0;
      return { name: 'local' as const, ...(holdMs !== undefined ? { holdMs } : {}), get cycles() { return cycles; },
        async fetchEvents(): Promise<EventFetch> { cycles++; return { ok: true, events: [ev] }; },
        async runRules() { return new Map<string, RuleRun>([[RULE, rows(cycles)]]); } };
    };
    const run = async (b: TelemetryBackend) => {
      clock = T0;
      const tests = defs([sig], [detection(RULE)]);
      tests.get(GUID)!.expectation!.deadlineMs = 30_000;
      return pollAndJudge({ backend: b, targets: [], tests, executions: [exec({ window: { start: T0 - 2000, stop: T0 } })], rules: [{ id: RULE, path: RULE, text: '', sha256: '' }], ruleChecks: new Map(), view, intervalMs: 1000, now: () => clock, sleep: async (ms) => { clock += ms; } });
    };
    const noHold = await run(mk());
    expect([noHold.judged[0].result.verdict, noHold.cycles]).to.deep.equal(['MISSED', 1]);
    const held = await run(mk(5000));
    expect(held.judged[0].result.verdict).to.equal('DETECTED');
    expect(held.cycles, 'cycles at T0 .. T0+5 s: nothing is final while the back-end may hold events').to.equal(6);
  });

  it('telemetry that never arrives: NO_TELEMETRY only once the deadline has passed (~6 cycles of 10 s for 60 s)', async () => {
    const b = scriptedBackend(() => ({ ok: true, events: [] }));
    const out = await poll(b);
    expect(out.judged[0].result.verdict).to.equal('NO_TELEMETRY');
    expect(out.cycles).to.be.within(6, 8);
  });

  it('a sensor preflight found down settles at once (waiting cannot help)', async () => {
    const b = scriptedBackend(() => ({ ok: true, events: [] }));
    const out = await poll(b, [{ target: 'win-ws01', source: 'sysmon', ok: false, detail: 'Sysmon not installed' }]);
    expect(out.cycles).to.equal(1);
    expect(out.judged[0].result.reason).to.contain('Sysmon not installed');
  });

  it('an interrupted run (SIGINT) judges once and stops waiting: unsettled results are INCONCLUSIVE, saying what was seen', async () => {
    const b = scriptedBackend(() => ({ ok: true, events: [] }));
    const ac = new AbortController();
    ac.abort();
    const out = await poll(b, [], ac.signal);
    expect(out.cycles).to.equal(1);
    expect(out.judged[0].result.verdict).to.equal('INCONCLUSIVE');
    expect(out.judged[0].result.reason).to.match(/^interrupted before the deadline; so far: NO_TELEMETRY: signal root-store-write/);
  });

  it('a back-end failure is retried; if it persists the verdict is INCONCLUSIVE, never a gap', async () => {
    const flaky = scriptedBackend((c) => (c < 2 ? { ok: false, code: 'HARNESS_QRADAR_UNAVAILABLE', error: 'HTTP 503' } : { ok: true, events: [ev] }));
    expect((await poll(flaky)).judged[0].result.verdict).to.equal('DETECTED');
    const down = scriptedBackend(() => ({ ok: false, code: 'HARNESS_QRADAR_UNAVAILABLE', error: 'HTTP 503' }));
    const out = await poll(down);
    expect(out.judged[0].result.verdict).to.equal('INCONCLUSIVE');
    expect(out.cycles).to.be.greaterThan(1);
  });
});

// A target whose log cannot be read: only a missing signal whose own sensor is down may be a gap.
describe('polling: a target whose log cannot be read', () => {
  const UNAVAILABLE: EventFetch = { ok: false, code: 'HARNESS_QRADAR_UNAVAILABLE', error: 'HTTP 503 Service Unavailable after 5 retries' };
  const WS01 = { name: 'win-ws01', os: 'windows', transport: 'ssh', port: 22, sudo: false } as Target;
  const WS02 = { name: 'win-ws02', os: 'windows', transport: 'ssh', port: 22, sudo: false } as Target;
  const ws02 = exec({ target: { name: 'win-ws02', os: 'windows', hostnames: ['WIN-WS02'] }, marker: 'ath-abcd1234-2', args: { harness_marker: 'ath-abcd1234-2', harness_cert_thumbprint: THUMB_B }, thumbprint: THUMB_B });
  const ws02Event = sysmon(13, { TargetObject: ROOT_KEY.replace(THUMB, THUMB_B), Image: 'C:\\Windows\\System32\\certutil.exe' }, T0 + 1000, 'WIN-WS02');
  // Stock Windows: Sysmon running, PowerShell script block logging off (down, but no signal here needs it).
  const stock = (target: string): SensorState[] => [
    { target, source: 'sysmon', ok: true, detail: 'service Sysmon64 is RUNNING' },
    { target, source: 'powershell', ok: false, detail: 'EnableScriptBlockLogging is not set', fix: 'enable it by GPO' },
  ];
  // A fetch that includes a host listed in `down` fails (as a search over its unreadable log source would).
  function hostBackend(down: string[], events: (t: string) => NormalizedEvent[]): TelemetryBackend {
    return {
      name: 'qradar',
      async fetchEvents({ targets }) { return targets.some((t) => down.includes(t.name)) ? UNAVAILABLE : { ok: true, events: targets.flatMap((t) => events(t.name)) }; },
      async runRules({ events: evs }) { return new Map<string, RuleRun>([[RULE, { ok: true, rows: evs.map((_, i) => ({ row: { store_type: 'Trusted Root CA' }, sources: [i] })) }]]); },
    };
  }
  async function pollTargets(backend: TelemetryBackend, targets: Target[], executions: ExecutionInput[], sensors: SensorState[], signals = [sig]) {
    let clock = T0 + 5000;
    const tests = defs(signals, [detection(RULE)]);
    tests.get(GUID)!.expectation!.deadlineMs = 60_000;
    return pollAndJudge({ backend, targets, tests, executions, rules: [{ id: RULE, path: RULE, text: '', sha256: '' }], ruleChecks: new Map(), view, sensors, intervalMs: 10_000, now: () => clock, sleep: async (ms) => { clock += ms; } });
  }

  for (const targets of [[WS01], [WS01, WS02]]) {
    it(`a down sensor no signal needs (script block logging) does not turn an outage into a gap: INCONCLUSIVE naming the read error (${targets.length} target(s))`, async () => {
      const out = await pollTargets(hostBackend(targets.map((t) => t.name), () => []), targets, [exec()], stock('win-ws01'));
      const r = out.judged[0].result;
      expect(r.verdict).to.equal('INCONCLUSIVE');
      expect(r.reason).to.equal('back-end failure while fetching events: HTTP 503 Service Unavailable after 5 retries [HARNESS_QRADAR_UNAVAILABLE]');
      expect(out.cycles).to.be.greaterThan(1);
    });

    it(`the signal's own sensor down: NO_TELEMETRY naming that sensor and the read error, settled at once (${targets.length} target(s))`, async () => {
      const sensors: SensorState[] = [{ target: 'win-ws01', source: 'sysmon', ok: false, detail: 'Sysmon not installed', fix: 'install Sysmon' }];
      const out = await pollTargets(hostBackend(targets.map((t) => t.name), () => []), targets, [exec()], sensors);
      const r = out.judged[0].result;
      expect(r.verdict).to.equal('NO_TELEMETRY');
      expect(r.reason).to.contain('sensor sysmon on win-ws01: NOT OK: Sysmon not installed; reading its log failed: HTTP 503 Service Unavailable after 5 retries (fix: install Sysmon)');
      expect(out.cycles).to.equal(1);
    });
  }

  it('two required signals, only one sensor down: NO_TELEMETRY names that one; the other is "not evaluated", not a gap', async () => {
    const ps = signal('script-block', { ScriptBlockText: m('contains', '#{harness_marker}') }, { source: 'powershell', event_id: 4104 });
    const out = await pollTargets(hostBackend(['win-ws01'], () => []), [WS01], [exec()], stock('win-ws01'), [sig, ps]);
    const r = out.judged[0].result;
    expect(r.verdict).to.equal('NO_TELEMETRY');
    expect(r.reason).to.match(/^signal script-block: .*sensor powershell on win-ws01: NOT OK: EnableScriptBlockLogging is not set; reading its log failed: HTTP 503/);
    expect(r.reason).not.to.contain('root-store-write');
    expect(r.signals.find((s) => s.id === 'root-store-write')!.reason).to.equal('not evaluated: the log of win-ws01 could not be read: HTTP 503 Service Unavailable after 5 retries [HARNESS_QRADAR_UNAVAILABLE]');
  });

  it('one host unreadable among two: the readable one is judged on its events, the other is INCONCLUSIVE (its unrelated down sensor aside)', async () => {
    const out = await pollTargets(hostBackend(['win-ws01'], (t) => (t === 'win-ws02' ? [ws02Event] : [])), [WS01, WS02], [exec(), ws02], [...stock('win-ws01'), ...stock('win-ws02')]);
    expect(out.judged.map((j) => j.result.verdict)).to.deep.equal(['INCONCLUSIVE', 'DETECTED']);
    expect(out.judged[0].result.reason).to.contain('HTTP 503 Service Unavailable');
  });
});

// Settled results are frozen: a later cycle (a transient failure, a truncated search) cannot undo them.
describe('polling: a settled result is frozen with its evidence', () => {
  const evB = sysmon(13, { TargetObject: ROOT_KEY.replace(THUMB, THUMB_B), Image: 'C:\\Windows\\System32\\certutil.exe' }, T0 + 2000);
  const B = exec({ marker: 'ath-abcd1234-2', args: { harness_marker: 'ath-abcd1234-2', harness_cert_thumbprint: THUMB_B }, thumbprint: THUMB_B });
  // Every fetch returns fresh copies (as a new Ariel search does); rule rows come from every event.
  function cycles(script: (cycle: number) => EventFetch): TelemetryBackend & { judgedCycles: number } {
    const b = {
      name: 'qradar' as const, judgedCycles: 0,
      async fetchEvents() { b.judgedCycles++; const f = script(b.judgedCycles); return f.ok ? { ok: true as const, events: f.events.map((e) => structuredClone(e)) } : f; },
      async runRules({ events }: { events: NormalizedEvent[] }) { return new Map<string, RuleRun>([[RULE, { ok: true, rows: events.map((_, i) => ({ row: { store_type: 'Trusted Root CA' }, sources: [i] })) }]]); },
    };
    return b;
  }
  async function pollTwo(backend: TelemetryBackend) {
    let clock = T0 + 5000;
    const tests = defs([sig], [detection(RULE)]);
    tests.get(GUID)!.expectation!.deadlineMs = 60_000;
    return pollAndJudge({ backend, targets: [], tests, executions: [exec(), B], rules: [{ id: RULE, path: RULE, text: '', sha256: '' }], ruleChecks: new Map(), view, intervalMs: 10_000, now: () => clock, sleep: async (ms) => { clock += ms; } });
  }

  it('DETECTED on cycle 1 stays DETECTED, with its event in the evidence, when the last cycle\'s fetch fails', async () => {
    const b = cycles((c) => (c < 4 ? { ok: true, events: [ev] } : { ok: false, code: 'HARNESS_QRADAR_UNAVAILABLE', error: 'HTTP 503 (console restarting)' }));
    const out = await pollTwo(b);
    expect(out.cycles).to.be.greaterThan(4);
    const [a, bRes] = out.judged.map((j) => j.result);
    expect(a.verdict).to.equal('DETECTED');
    expect(bRes.verdict).to.equal('INCONCLUSIVE');
    const { results, evidence } = buildEvidence([{ results: [a, bRes], events: out.fetch.ok ? out.fetch.events : [] }]);
    expect(results[0].signals[0].eventRefs).to.have.length(1);
    expect((evidence[results[0].signals[0].eventRefs[0]] as NormalizedEvent).payload).to.contain(ROOT_KEY);
    expect(out.judged[0].execEvents).to.deep.equal(results[0].signals[0].eventRefs);
  });

  it('DETECTED on cycle 1 is not re-judged when a later search is truncated (its event no longer returned)', async () => {
    const b = cycles((c) => ({ ok: true, events: c === 1 ? [ev] : [] }));
    const out = await pollTwo(b);
    expect(out.judged.map((j) => j.result.verdict)).to.deep.equal(['DETECTED', 'NO_TELEMETRY']);
    const refs = out.judged[0].result.signals[0].eventRefs;
    expect(out.fetch.ok && out.fetch.events[refs[0]].payload).to.contain(ROOT_KEY);
  });

  it('an event both the frozen result and the last fetch hold appears once in the evidence; refs stay right', async () => {
    const b = cycles((c) => ({ ok: true, events: c >= 3 ? [ev, evB] : [ev] }));
    const out = await pollTwo(b);
    expect(out.judged.map((j) => j.result.verdict)).to.deep.equal(['DETECTED', 'DETECTED']);
    expect(out.fetch.ok && out.fetch.events).to.have.length(2);
    const payloadOf = (i: number) => (out.fetch.ok ? out.fetch.events[out.judged[i].result.signals[0].eventRefs[0]].payload : '');
    expect(payloadOf(0)).to.contain(THUMB);
    expect(payloadOf(1)).to.contain(THUMB_B);
  });
});
