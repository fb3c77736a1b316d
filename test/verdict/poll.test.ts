// Polling: late telemetry is waited for until the test's deadline; a dead sensor settles at once; a
// back-end failure is retried, then INCONCLUSIVE. The back-end here is a scripted in-process double
// (events appear on a given cycle, as in a SIEM with ingestion lag); the clock is virtual.
import { expect } from 'chai';
import type { EventFetch, RuleRun, TelemetryBackend } from '../../harness/model/backend.js';
import { pollAndJudge } from '../../harness/verdict/poll.js';
import type { SensorState } from '../../harness/verdict/types.js';
import { GUID, ROOT_KEY, defs, detection, exec, m, signal, sysmon, view, T0 } from './fixtures.js';

const RULE = 'rules/root-ca.aql';
const sig = signal('root-store-write', { TargetObject: m('contains', 'Root\\Certificates\\#{harness_cert_thumbprint}') });
const ev = sysmon(13, { TargetObject: ROOT_KEY, Image: 'C:\\Windows\\System32\\certutil.exe' });

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
