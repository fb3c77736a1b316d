// Fuzzing the auditd parser: thousands of mutated copies of real records (fixed seed, so a failure
// reproduces). It must never throw or hang, and a damaged line may only affect its own event.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAuditText, type AuditEvent } from '../../harness/telemetry/parsers/auditd.js';
import { prng as rng } from '../helpers/prng.js';

const base = [
  ...readFileSync(join(import.meta.dirname, 'fixtures', 'enriched-audit.log'), 'utf8').trim().split('\n'),
  ...readFileSync(join(import.meta.dirname, 'fixtures', 'enriched-audit.ausearch-i.txt'), 'utf8').trim().split('\n').slice(0, 30),
];


const ALPHABET = ['"', "'", '=', ' ', '(', ')', ':', '\x1d', '\0', '[', ']', '{', '}', 'a1_len=99', 'a1[7]=', 'argc=9999', '\\', 'é', '\ud800', '----', 'type=EOE msg=audit(1.1:1): '];

function mutate(line: string, r: () => number): string {
  const pos = Math.floor(r() * (line.length + 1));
  switch (Math.floor(r() * 5)) {
    case 0: return line.slice(0, pos); // truncated
    case 1: return line.slice(0, pos) + ALPHABET[Math.floor(r() * ALPHABET.length)] + line.slice(pos);
    case 2: return line.slice(0, pos) + line.slice(pos + 1 + Math.floor(r() * 20));
    case 3: return line.slice(0, pos) + String.fromCharCode(Math.floor(r() * 128)) + line.slice(pos + 1);
    default: return line.slice(pos) + line.slice(0, pos); // rotated: header in the middle
  }
}

const key = (e: AuditEvent): string => `${e.timeRaw}:${e.serial}`;
const sig = (e: AuditEvent): string => JSON.stringify([e.type, e.cmdline, e.exe, e.cwd, e.created, e.pid]);

describe('auditd parser fuzz (mutated real records, fixed seed)', function () {
  this.timeout(60_000);

  it('survives 4000 single-line mutations; events untouched by the damage come out unchanged', () => {
    const raw = base.slice(0, 94).join('\n');
    const clean = new Map(parseAuditText(raw).map((e) => [key(e), sig(e)]));
    const r = rng(0x5eed);
    let warned = 0;
    for (let i = 0; i < 4000; i++) {
      const lines = base.slice(0, 94);
      const at = Math.floor(r() * lines.length);
      const original = lines[at]!;
      lines[at] = mutate(original, r);
      let n = 0;
      const evs = parseAuditText(lines.join('\n'), { onWarning: () => n++ });
      warned += n;
      const hit = new Set([/audit\(([^)]*)\)/.exec(original)?.[1], /audit\(([^)]*)\)/.exec(lines[at]!)?.[1]]);
      for (const e of evs) {
        if (hit.has(key(e)) || lines[at]!.includes(String(e.serial))) continue;
        expect(sig(e), `iteration ${i}, event ${key(e)}, mutated line ${at}: ${JSON.stringify(lines[at]).slice(0, 120)}`).to.equal(clean.get(key(e)));
      }
    }
    expect(warned, 'some mutations must have produced warnings').to.be.greaterThan(100);
  });

  it('survives 2000 documents of shuffled, duplicated and multiply-mutated lines without throwing', () => {
    const r = rng(42);
    for (let i = 0; i < 2000; i++) {
      const lines: string[] = [];
      const n = 1 + Math.floor(r() * 40);
      for (let j = 0; j < n; j++) {
        let l = base[Math.floor(r() * base.length)]!;
        const m = Math.floor(r() * 4);
        for (let k = 0; k < m; k++) l = mutate(l, r);
        lines.push(l);
      }
      const evs = parseAuditText(lines.join(r() < 0.5 ? '\n' : '\r\n'));
      for (const e of evs) expect(e.raw.length).to.be.greaterThan(0);
    }
  });
});
