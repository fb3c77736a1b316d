// Adapters from the orchestrator's outcomes (harness/run) to the verdict core's inputs: one
// ExecutionInput per outcome, and the preflight sensor states keyed by telemetry source.
import type { SignalSource } from '../model/catalog.js';
import type { ExecutionOutcome, TargetRun } from '../run/orchestrator.js';
import type { ExecutionInput, SensorState } from './types.js';

/** The verdict core's view of one orchestrator outcome. */
export function executionInputOf(o: ExecutionOutcome): ExecutionInput {
  const t = o.planned.target;
  const hostnames = [t.name, o.identity?.hostname, t.qradar?.hostname, t.transport === 'ssh' ? t.address : undefined, t.qradar?.sourceIp].filter((x): x is string => !!x);
  const identity = o.identity && (o.identity.uid !== undefined || o.identity.auid !== undefined) ? { uid: o.identity.uid, auid: o.identity.auid } : undefined;
  return {
    guid: o.planned.test.auto_generated_guid,
    target: { name: t.name, os: t.os, hostnames, ...(t.qradar?.logSourceName ? { logSourceNames: [t.qradar.logSourceName] } : {}), ...(identity ? { identity } : {}) },
    marker: o.marker,
    args: o.args,
    ...(o.skipped ? { skipped: o.skipped } : {}),
    ...(o.notExecuted ? { notExecuted: o.notExecuted } : {}),
    ...(!o.ran && !o.skipped && !o.notExecuted ? { notExecuted: 'the behaviour did not run' } : {}),
    execution: o.execution,
    ...(o.thumbprint ? { thumbprint: o.thumbprint } : {}),
    window: o.window,
  };
}

const SOURCES_BY_OS: Record<string, SignalSource[]> = { linux: ['auditd', 'sysmon-linux'], windows: ['sysmon', 'security', 'powershell'] };

/** Preflight sensors by telemetry source (auditd-execve-rule -> auditd; a failed preflight -> every source of the OS). */
export function sensorStatesOf(targets: TargetRun[]): SensorState[] {
  const out: SensorState[] = [];
  for (const tr of targets) {
    const target = tr.target.name;
    if (!tr.connected) {
      for (const source of SOURCES_BY_OS[tr.target.os] ?? []) out.push({ target, source, ok: false, detail: `could not connect: ${tr.error ?? 'unknown error'}` });
      continue;
    }
    for (const s of tr.preflight.sensors) {
      const sources: SignalSource[] = s.name.startsWith('audit') ? ['auditd'] : s.name.startsWith('sysmon') ? (tr.target.os === 'linux' ? ['sysmon-linux'] : ['sysmon']) : s.name.startsWith('powershell') ? ['powershell'] : s.name.startsWith('security') ? ['security'] : SOURCES_BY_OS[tr.target.os] ?? [];
      for (const source of sources) out.push({ target, source, ok: s.ok, detail: s.detail, ...(s.fix ? { fix: s.fix } : {}) });
    }
  }
  return out;
}
