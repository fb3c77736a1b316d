// `npm run bench:parse`: auditd parsing against ausearch, and EVTX parsing (bench/parse/evtx.ts, when
// present) against libevtx and python-evtx, on the same files in the same run.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchAuditd } from './auditd.js';

await benchAuditd();
const evtx = join(import.meta.dirname, 'evtx.ts');
if (existsSync(evtx)) {
  const m = (await import('./evtx.js')) as { benchEvtx?: () => Promise<unknown> };
  if (m.benchEvtx) await m.benchEvtx();
} else console.log('evtx: bench/parse/evtx.ts not present');
