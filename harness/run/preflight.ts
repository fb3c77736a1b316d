// Sensor preflight per target (issue 5): is the telemetry the verdicts need being recorded at all? A
// missing sensor is reported up front as the reason for NO_TELEMETRY, never discovered as a "gap".
// Linux: auditd running with an execve rule (setupSensors: temporary rules, removed afterwards).
// Windows: the Sysmon service present and PowerShell script block logging on.
import type { Executor } from '../exec/types.js';
import type { Target } from '../model/config.js';

export interface SensorState {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface Preflight {
  ok: boolean;
  sensors: SensorState[];
}

export interface PreflightResult {
  preflight: Preflight;
  /** Removes what setupSensors added (temporary audit rules); safe to call more than once. */
  teardown(): Promise<void>;
}

const TIMEOUT = 30_000;

// Checks (and with setupSensors, sets up) the sensors of one connected target.
export async function runPreflight(exec: Executor, target: Target, opts: { setupSensors?: boolean; key?: string } = {}): Promise<PreflightResult> {
  try {
    return exec.os === 'windows' ? { preflight: await windowsPreflight(exec, target), teardown: async () => undefined } : await linuxPreflight(exec, target, opts);
  } catch (e) {
    const detail = `preflight could not run: ${(e as Error).message}`;
    return { preflight: { ok: false, sensors: [{ name: 'preflight', ok: false, detail }] }, teardown: async () => undefined };
  }
}

// `sudo -n` for audit control when the target allows it and the login is not root.
function sudoPrefix(target: Target): string {
  return target.sudo ? 'S=; [ "$(id -u)" = 0 ] || S="sudo -n";' : 'S=;';
}

// Rules with this key are the harness's own temporary ones; one key per target, since lab hosts share a kernel.
function ruleArgs(key: string): string[] {
  return ['b64', 'b32'].map((arch) => `-a always,exit -F arch=${arch} -S execve -k ${key}`);
}

async function linuxPreflight(exec: Executor, target: Target, opts: { setupSensors?: boolean; key?: string }): Promise<PreflightResult> {
  const S = sudoPrefix(target);
  const probe = async () => {
    const r = await exec.exec(`${S} if pidof auditd >/dev/null 2>&1; then echo AUDITD=running; else echo AUDITD=stopped; fi; $S auditctl -l 2>&1; true`, { timeoutMs: TIMEOUT });
    const lines = r.stdout.split('\n');
    const running = lines.includes('AUDITD=running');
    const rules = lines.filter((l) => l.startsWith('-a ') || l.startsWith('-w '));
    const denied = /permission|not permitted|password is required|must be root/i.test(r.stdout + r.stderr);
    return { running, execve: rules.filter((l) => /\bexecve\b/.test(l)), denied };
  };
  let p = await probe();
  let added = false;
  const key = opts.key ?? 'ath-harness';
  const addCommands = ruleArgs(key).map((a) => `$S auditctl ${a}`);
  if (opts.setupSensors && p.running && p.execve.length === 0) {
    await exec.exec(`${S} ${addCommands.join('; ')}`, { timeoutMs: TIMEOUT });
    added = true;
    p = await probe();
  }
  const sensors: SensorState[] = [];
  sensors.push(p.running
    ? { name: 'auditd', ok: true, detail: 'auditd is running' }
    : { name: 'auditd', ok: false, detail: 'auditd is not running: no auditd telemetry will arrive', fix: 'start auditd on the target (systemctl start auditd)' });
  if (p.execve.length > 0) sensors.push({ name: 'auditd-execve-rule', ok: true, detail: `execve rule: ${p.execve[0]}${added ? ' (temporary, added by --setup-sensors)' : ''}` });
  else if (p.denied) sensors.push({ name: 'auditd-execve-rule', ok: false, detail: `cannot list audit rules as ${target.user ?? 'this user'} (auditctl -l denied)`, fix: 'give the harness user sudo for auditctl, or set sudo: true on the target' });
  else sensors.push({ name: 'auditd-execve-rule', ok: false, detail: 'no audit rule records execve: process executions will not be logged', fix: `run with --setup-sensors, or add a rule: auditctl ${ruleArgs('harness')[0]}` });
  let removed = false;
  const teardown = async () => {
    if (!added || removed) return;
    removed = true;
    await exec.exec(`${S} ${ruleArgs(key).map((a) => `$S auditctl ${a.replace(/^-a /, '-d ')}`).join('; ')}; true`, { timeoutMs: TIMEOUT }).catch(() => undefined);
  };
  return { preflight: { ok: sensors.every((s) => s.ok), sensors }, teardown };
}

const SBL_KEY = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLogging';

async function windowsPreflight(exec: Executor, _target: Target): Promise<Preflight> {
  // sc.exe and reg.exe by full name: in a PowerShell login shell `sc` is Set-Content.
  const r = await exec.exec(`sc.exe query Sysmon64 & sc.exe query Sysmon & reg.exe query ${SBL_KEY} /v EnableScriptBlockLogging`, { timeoutMs: TIMEOUT });
  return parseWindowsPreflight(r.stdout);
}

// Reads `sc query` and `reg query` output (exported for tests on recorded output).
export function parseWindowsPreflight(out: string): Preflight {
  const sensors: SensorState[] = [];
  const services = [...out.matchAll(/SERVICE_NAME:\s*(\S+)[\s\S]*?STATE\s*:\s*\d+\s+(\w+)/g)].map((m) => ({ name: m[1]!, state: m[2]! }));
  const sysmon = services.find((s) => /^sysmon(64)?$/i.test(s.name));
  if (!sysmon) sensors.push({ name: 'sysmon', ok: false, detail: 'no Sysmon service (neither Sysmon64 nor Sysmon)', fix: 'install Sysmon with a configuration that logs process creation (1) and registry events (12/13)' });
  else if (sysmon.state.toUpperCase() !== 'RUNNING') sensors.push({ name: 'sysmon', ok: false, detail: `service ${sysmon.name} is ${sysmon.state}`, fix: `start it: sc.exe start ${sysmon.name}` });
  else sensors.push({ name: 'sysmon', ok: true, detail: `service ${sysmon.name} is RUNNING` });
  const sbl = /EnableScriptBlockLogging\s+REG_DWORD\s+0x([0-9a-f]+)/i.exec(out);
  if (sbl && parseInt(sbl[1]!, 16) === 1) sensors.push({ name: 'powershell-scriptblock-logging', ok: true, detail: 'EnableScriptBlockLogging = 1' });
  else sensors.push({
    name: 'powershell-scriptblock-logging', ok: false,
    detail: sbl ? `EnableScriptBlockLogging = 0x${sbl[1]}` : 'EnableScriptBlockLogging is not set: no 4104 events',
    fix: `reg add ${SBL_KEY} /v EnableScriptBlockLogging /t REG_DWORD /d 1 /f (or the Group Policy setting)`,
  });
  return { ok: sensors.every((s) => s.ok), sensors };
}
