import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createProgressPrinter, formatProgress } from '../../harness/run/progress.js';
import { parseWindowsPreflight } from '../../harness/run/preflight.js';
import { linuxResidueCommand, windowsResidueCommand } from '../../harness/run/residue.js';
import { wevtutilQuery } from '../../harness/run/collect-local.js';

function sink(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const w = new Writable({ write(c, _e, cb) { text += String(c); cb(); } }) as unknown as NodeJS.WriteStream;
  (w as { isTTY: boolean }).isTTY = isTTY;
  (w as { columns: number }).columns = 60;
  return { stream: w, text: () => text };
}

describe('run: progress display', () => {
  const ev = { kind: 'test-end' as const, target: 'lnx-01', seq: 3, test: 'T1587.003-4 openssl', state: 'ran', done: 3, total: 8 };

  it('prints plain lines when not a TTY or when CI is set, without the per-test start lines', () => {
    for (const [tty, env] of [[false, {}], [true, { CI: 'true' }]] as const) {
      const s = sink(tty);
      const p = createProgressPrinter(s.stream, env);
      p({ ...ev, kind: 'test-start' });
      p(ev);
      expect(s.text()).to.equal('[3/8] lnx-01: #3 T1587.003-4 openssl: ran\n');
    }
  });

  it('redraws one line on a TTY, truncated to the width, and keeps failures on screen', () => {
    const s = sink(true);
    const p = createProgressPrinter(s.stream, {});
    p({ ...ev, kind: 'test-start' });
    p(ev);
    expect(s.text().split('\r\x1b[2K')).to.have.length(3);
    expect(s.text()).to.not.contain('\n');
    p({ kind: 'target-failed', target: 'win-ws01', detail: 'connection failed: ECONNREFUSED', done: 3, total: 8 });
    expect(s.text().endsWith('\n')).to.equal(true);
    p.finish();
    expect(formatProgress({ kind: 'cleanup', target: 't', seq: 1, state: 'residue', detail: 'file /tmp/ath-x-1.b', done: 1, total: 1 })).to.equal('[1/1] t: #1: cleanup RESIDUE: file /tmp/ath-x-1.b');
  });
});

describe('run: Windows preflight and residue commands (documented sc/reg output; Windows is a double here)', () => {
  const sc = (name: string, state: string) => `\r\nSERVICE_NAME: ${name}\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n        STATE              : 4  ${state}\r\n                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)\r\n        WIN32_EXIT_CODE    : 0  (0x0)\r\n`;
  const missing = '[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n\r\n';
  const reg = (v: string) => `\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\PowerShell\\ScriptBlockLogging\r\n    EnableScriptBlockLogging    REG_DWORD    ${v}\r\n\r\n`;

  it('is ok with Sysmon64 running and script block logging on', () => {
    const p = parseWindowsPreflight(sc('Sysmon64', 'RUNNING') + missing + reg('0x1'));
    expect(p.ok).to.equal(true);
    expect(p.sensors.map((s) => s.detail)).to.deep.equal(['service Sysmon64 is RUNNING', 'EnableScriptBlockLogging = 1']);
  });

  it('names the missing sensor and the fix', () => {
    const p = parseWindowsPreflight(missing + missing + 'ERROR: The system was unable to find the specified registry key or value.\r\n');
    expect(p.ok).to.equal(false);
    expect(p.sensors.map((s) => [s.name, s.ok])).to.deep.equal([['sysmon', false], ['powershell-scriptblock-logging', false]]);
    expect(p.sensors[0]!.fix).to.match(/install Sysmon/);
    const stopped = parseWindowsPreflight(sc('Sysmon', 'STOPPED') + reg('0x0'));
    expect(stopped.sensors.map((s) => s.detail)).to.deep.equal(['service Sysmon is STOPPED', 'EnableScriptBlockLogging = 0x0']);
  });

  it('builds residue and wevtutil commands that carry the thumbprint, marker and time as data', () => {
    const cmd = windowsResidueCommand([{ kind: 'thumbprint', thumbprint: 'AB12' }, { kind: 'marker-files', dir: 'C:\\Users\\o\'b\\AppData\\Local\\Temp', marker: 'ath-1a2b3c4d-3' }]);
    expect(cmd).to.match(/^powershell\.exe -NoProfile -NonInteractive -Command "/);
    expect(cmd).to.contain("$_.Thumbprint -eq 'AB12'");
    expect(cmd).to.contain("-LiteralPath 'C:\\Users\\o''b\\AppData\\Local\\Temp'");
    expect(cmd).to.contain("-match 'ath-1a2b3c4d-3(\\D|$)'");
    expect(() => windowsResidueCommand([{ kind: 'thumbprint', thumbprint: "x'; rm" }])).to.throw(/unsafe/);
    expect(linuxResidueCommand([{ kind: 'marker-files', dir: '/tmp', marker: 'ath-1a2b3c4d-3' }])).to.contain("-name '*ath-1a2b3c4d-3[!0-9]*'");
    expect(wevtutilQuery('Microsoft-Windows-Sysmon/Operational', Date.UTC(2026, 10, 22, 5, 15))).to.equal(
      `wevtutil.exe qe "Microsoft-Windows-Sysmon/Operational" "/q:*[System[TimeCreated[@SystemTime>='2026-11-22T05:15:00.000Z']]]" /f:xml /e:Events`,
    );
  });
});
