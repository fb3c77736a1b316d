import { expect } from 'chai';
import { compileLike, likeToRegExp } from '../../harness/aql/index.js';

// The reference: a plain recursive LIKE matcher written from the definition (% any run, _ one character,
// everything else literal, backslash included), independent of the regex translation.
function refLike(p: string, s: string, ci: boolean): boolean {
  const P = ci ? p.toLowerCase() : p;
  const S = ci ? s.toLowerCase() : s;
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === P.length) r = j === S.length;
    else if (P[i] === '%') r = go(i + 1, j) || (j < S.length && go(i, j + 1));
    else if (j < S.length && (P[i] === '_' || P[i] === S[j])) r = go(i + 1, j + 1);
    else r = false;
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

// mulberry32: a fixed-seed PRNG so the generated cases are the same on every run.
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('LIKE against a reference matcher (generated, seed 20261122)', () => {
  const rand = rng(20261122);
  const alphabet = ['a', 'B', 'b', '\\', '.', '*', '(', '[', '$', '^', 'é', 'É', 'x'];
  const pick = () => alphabet[Math.floor(rand() * alphabet.length)];
  const gen = (n: number, wild: boolean) => Array.from({ length: Math.floor(rand() * n) }, () => (wild && rand() < 0.3 ? (rand() < 0.5 ? '%' : '_') : pick())).join('');

  it('agrees on 20,000 generated pattern/string pairs, LIKE and ILIKE, regex and fast paths', () => {
    let checked = 0;
    let matched = 0;
    for (let k = 0; k < 10_000; k++) {
      const p = gen(8, true);
      // Half the strings are derived from the pattern so that matches are common, not only misses.
      const s = rand() < 0.5 ? p.replace(/%/g, () => gen(3, false)).replace(/_/g, pick) : gen(10, false);
      for (const ci of [false, true]) {
        const want = refLike(p, s, ci);
        expect(likeToRegExp(ci ? p.toLowerCase() : p).test(ci ? s.toLowerCase() : s), `regex ${ci ? 'ILIKE' : 'LIKE'} '${p}' on '${s}'`).to.equal(want);
        expect(compileLike(p, ci)(s), `compiled ${ci ? 'ILIKE' : 'LIKE'} '${p}' on '${s}'`).to.equal(want);
        checked++;
        if (want) matched++;
      }
    }
    expect(checked).to.equal(20_000);
    expect(matched).to.be.greaterThan(2_000); // the generator really exercises matches
  });

  it('exercises the contains/prefix/suffix/exact fast paths with backslashes', () => {
    const cases: [string, string, boolean, boolean][] = [
      ['%\\SOFTWARE\\Microsoft%', 'HKLM\\SOFTWARE\\Microsoft\\x', false, true],
      ['%\\\\SOFTWARE%', 'HKLM\\SOFTWARE', false, false],
      ['%\\svchost.exe', 'C:\\Windows\\System32\\SVCHOST.EXE', true, true],
      ['%\\svchost.exe', 'C:\\Windows\\System32\\SVCHOST.EXE', false, false],
      ['C:\\%', 'C:\\x', false, true],
      ['abc', 'ABC', true, true],
      ['', '', false, true],
      ['%', '', false, true],
    ];
    for (const [p, s, ci, want] of cases) {
      expect(compileLike(p, ci)(s), `${p} ${s}`).to.equal(want);
      expect(refLike(p, s, ci)).to.equal(want);
    }
  });
});
