// The streaming line reader over real files: chunk boundaries (1 MiB reads) inside multi-byte UTF-8
// characters and inside lines, a line longer than a chunk, CRLF, empty lines, no final newline.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLineBatches, readLines } from '../../harness/telemetry/lines.js';

const CHUNK = 1 << 20;

async function linesOf(text: string | Buffer, opts: { start?: number } = {}): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ath-lines-'));
  try {
    const file = join(dir, 'f.log');
    writeFileSync(file, text);
    const out: string[] = [];
    for await (const batch of readLineBatches(file, opts)) out.push(...batch);
    const single: string[] = [];
    for await (const l of readLines(file, opts)) single.push(l);
    expect(single).to.deep.equal(out);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('line reader (real files, 1 MiB chunks)', () => {
  it('splits on \\n, drops a \\r before it, keeps empty lines and a last line without newline', async () => {
    expect(await linesOf('a\r\nb\n\nc')).to.deep.equal(['a', 'b', '', 'c']);
    expect(await linesOf('a\nb\n')).to.deep.equal(['a', 'b']);
    expect(await linesOf('')).to.deep.equal([]);
  });

  it('a UTF-8 character cut by the chunk boundary, and a line across chunks, come out whole', async () => {
    const pad = 'x'.repeat(CHUNK - 2);
    const text = `${pad}é€😀\nsecond ü\n${'y'.repeat(CHUNK + 10)}\nend`;
    const lines = await linesOf(text);
    expect(lines).to.deep.equal([`${pad}é€😀`, 'second ü', 'y'.repeat(CHUNK + 10), 'end']);
  });

  it('ASCII and non-ASCII chunks decode alike (the ASCII fast path changes nothing)', async () => {
    const ascii = Array.from({ length: 20_000 }, (_, i) => `type=SYSCALL msg=audit(1700000000.${String(i % 1000).padStart(3, '0')}:${i}): comm="ls"`);
    const mixed = ascii.map((l, i) => (i % 997 === 0 ? `${l} name="café"` : l));
    expect(await linesOf(`${ascii.join('\n')}\n`)).to.deep.equal(ascii);
    expect(await linesOf(`${mixed.join('\n')}\n`)).to.deep.equal(mixed);
  });

  it('reads from a byte offset', async () => {
    expect(await linesOf('first\nsecond\nthird', { start: 6 })).to.deep.equal(['second', 'third']);
  });
});
