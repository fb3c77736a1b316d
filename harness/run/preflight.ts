// Sensor preflight per target (issue 5): is the telemetry the verdicts need being recorded at all? A
// missing sensor is reported up front as the reason for NO_TELEMETRY, never discovered as a "gap".
// Linux: auditd running with an execve rule (setupSensors: starts a stopped auditd; temporary rules, removed afterwards).
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

// Is auditd delivering records? The kernel sends them to the pid `auditctl -s` names, but it keeps the
// pid of a daemon that died without deregistering (SIGKILL, a VM restored from a snapshot) until it next
// fails to deliver, and those records are lost: a pid is believed only when that process is auditd.
// Without the right to run `auditctl -s`, `pidof` is all there is (running, unverified). The comm is read
// with the same rights as auditctl: with /proc mounted hidepid, a plain user cannot see the daemon.
// Sets P to the pid the kernel names; true when that process is auditd.
const LIVE_AUDITD = 'P=$($S auditctl -s 2>/dev/null | sed -n "s/^pid //p"); [ -n "$P" ] && [ "$P" != 0 ] && [ "$($S cat /proc/$P/comm 2>/dev/null)" = auditd ]';

const AUDITD_STATE = `if ${LIVE_AUDITD}; then echo AUDITD=running; `
  + 'elif [ -n "$P" ] && [ "$P" != 0 ]; then echo AUDITD=stale:$P; '
  + 'elif pidof auditd >/dev/null 2>&1; then if [ -n "$P" ]; then echo AUDITD=unregistered; else echo AUDITD=running; fi; '
  + 'else echo AUDITD=stopped; fi';

// Starts the installed auditd and waits (up to 5 s) until the kernel names it. A stale registration is no
// obstacle: the kernel tests the old connection when a new daemon registers and drops it.
const START_AUDITD = 'A=; for f in /usr/sbin/auditd /sbin/auditd; do [ -x "$f" ] && A=$f && break; done; '
  + '[ -n "$A" ] || { echo AUDITD_START=not-installed; exit 0; }; $S "$A" 2>&1; i=0; '
  + `while [ $i -lt 50 ]; do ${LIVE_AUDITD} && break; sleep 0.1; i=$((i+1)); done; echo AUDITD_START=done`;

type AuditdState = 'running' | 'stopped' | 'unregistered' | `stale:${string}`;

function auditdSensor(state: AuditdState, started: string | undefined): SensorState {
  if (state === 'running') return { name: 'auditd', ok: true, detail: started ? `auditd is running (${started})` : 'auditd is running' };
  const fix = 'start auditd on the target (systemctl start auditd), or run with --setup-sensors';
  const why = state === 'unregistered'
    ? 'an auditd process runs but the kernel does not send it records (another daemon, or one in a container)'
    : state.startsWith('stale:')
      ? `auditd is not running: the kernel still names pid ${state.slice(6)}, a daemon that ended without deregistering`
      : 'auditd is not running';
  return { name: 'auditd', ok: false, detail: `${why}: no auditd telemetry will arrive${started ? ` (${started})` : ''}`, fix };
}

async function linuxPreflight(exec: Executor, target: Target, opts: { setupSensors?: boolean; key?: string }): Promise<PreflightResult> {
  const S = sudoPrefix(target);
  const probe = async () => {
    const r = await exec.exec(`${S} ${AUDITD_STATE}; $S auditctl -l 2>&1; true`, { timeoutMs: TIMEOUT });
    const lines = r.stdout.split('\n');
    const state = (lines.find((l) => l.startsWith('AUDITD='))?.slice(7) ?? 'stopped') as AuditdState;
    const rules = lines.filter((l) => l.startsWith('-a ') || l.startsWith('-w '));
    const denied = /permission|not permitted|password is required|must be root/i.test(r.stdout + r.stderr);
    return { state, running: state === 'running', execve: rules.filter((l) => /\bexecve\b/.test(l)), denied };
  };
  let p = await probe();
  // --setup-sensors starts a stopped auditd and leaves it running: lab hosts share one kernel and one
  // daemon, so stopping it at one target's teardown would cut off the others.
  let started: string | undefined;
  if (opts.setupSensors && (p.state === 'stopped' || p.state.startsWith('stale:')) && !p.denied) {
    const r = await exec.exec(`${S} ${START_AUDITD}`, { timeoutMs: TIMEOUT });
    const before = p.state;
    p = await probe();
    if (/AUDITD_START=not-installed/.test(r.stdout)) started = 'auditd is not installed (Debian/Ubuntu: apt-get install auditd)';
    else if (p.running) started = `started by --setup-sensors${before.startsWith('stale:') ? ' after a stale registration' : ''}, left running`;
    else started = `--setup-sensors could not start it: ${(r.stdout + r.stderr).replace(/AUDITD_START=done/, '').trim().slice(0, 300) || 'no message'}`;
  }
  let added = false;
  const key = opts.key ?? 'ath-harness';
  const addCommands = ruleArgs(key).map((a) => `$S auditctl ${a}`);
  if (opts.setupSensors && p.running && p.execve.length === 0) {
    await exec.exec(`${S} ${addCommands.join('; ')}`, { timeoutMs: TIMEOUT });
    added = true;
    p = await probe();
  }
  const sensors: SensorState[] = [];
  sensors.push(auditdSensor(p.state, started));
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
