// Synthetic EVTX content for the value types and BinXML tokens the recorded datasets lack: a Sysmon-like
// System block and one <Data> per value type, with the value each type must render as.
import type { BNode, BRecord, BSub } from './builder.js';

const le = (n: number, bytes: number): Uint8Array => {
  const b = Buffer.alloc(bytes);
  if (bytes === 8) b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(n)));
  else for (let i = 0; i < bytes; i++) b[i] = Number((BigInt(n) >> BigInt(8 * i)) & 0xffn);
  return b;
};
const wstr = (s: string): Uint8Array => Buffer.from(`${s}\0`, 'utf16le');
const u16 = (n: number): Uint8Array => le(n, 2);
const u32 = (n: number): Uint8Array => le(n, 4);

// The binary form of a SID string (revision, count, 48-bit big-endian authority, little-endian sub-authorities).
export function sid(s: string): Uint8Array {
  const [, rev, auth, ...subs] = s.split('-');
  const b = Buffer.alloc(8 + 4 * subs.length);
  b[0] = Number(rev);
  b[1] = subs.length;
  b.writeUIntBE(Number(auth), 2, 6);
  subs.forEach((x, i) => b.writeUInt32LE(Number(x), 8 + 4 * i));
  return b;
}

// FILETIME ticks of 2021-11-02T14:15:23.6767020Z
export const FT = 132803361236767020n;
const ft = (t: bigint): Uint8Array => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(t);
  return b;
};

/** The System block every synthetic record shares; substitutions 0..7 fill it. */
export function systemNodes(): BNode[] {
  return [
    {
      el: 'System',
      children: [
        { el: 'Provider', attrs: [['Name', [{ sub: 0, type: 1 }]], ['Guid', [{ sub: 1, type: 0x0f }]]] },
        { el: 'EventID', children: [{ sub: 2, type: 6 }] },
        { el: 'Level', children: [{ sub: 3, type: 4 }] },
        { el: 'Keywords', children: [{ sub: 4, type: 0x15 }] },
        { el: 'TimeCreated', attrs: [['SystemTime', [{ sub: 5, type: 0x11 }]]] },
        { el: 'EventRecordID', children: [{ sub: 6, type: 0x0a }] },
        { el: 'Execution', attrs: [['ProcessID', [{ sub: 7, type: 8 }]], ['ThreadID', [{ text: '42' }]]] },
        { el: 'Channel', children: [{ text: 'Microsoft-Windows-Sysmon/Operational' }] },
        { el: 'Computer', children: [{ text: 'WS01.lab.local' }] },
        { el: 'Security', attrs: [['UserID', [{ sub: 8, type: 0x13, optional: true }]]] },
      ],
    },
  ];
}

// Substitutions 0..8 for systemNodes: provider, GUID, event id, level, keywords, time, record id, pid, SID.
export function systemSubs(recordId: number, eventId: number, userSid: string | null): BSub[] {
  const guid = Buffer.from([0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9]);
  return [
    { type: 1, bytes: wstr('Microsoft-Windows-Sysmon') },
    { type: 0x0f, bytes: guid },
    { type: 6, bytes: u16(eventId) },
    { type: 4, bytes: Uint8Array.of(4) },
    { type: 0x15, bytes: Buffer.from('0000000000000080', 'hex') },
    { type: 0x11, bytes: ft(FT) },
    { type: 0x0a, bytes: le(recordId, 8) },
    { type: 8, bytes: u32(1234) },
    userSid ? { type: 0x13, bytes: sid(userSid) } : { type: 0, bytes: new Uint8Array(0) },
  ];
}

/** [name, type, bytes, what it must render as] — one Data element each, substitution index 9 + i. */
export const TYPED: Array<[string, number, Uint8Array, string]> = [
  ['WString', 0x01, wstr('C:\\Windows\\System32\\certutil.exe -addstore Root c:\\t\\ca.cer'), 'C:\\Windows\\System32\\certutil.exe -addstore Root c:\\t\\ca.cer'],
  ['Unicode', 0x01, wstr('Ünïcødé – 証明書 <&>'), 'Ünïcødé – 証明書 <&>'],
  ['AnsiString', 0x02, Buffer.from('ansi text\0', 'latin1'), 'ansi text'],
  ['Int8', 0x03, Uint8Array.of(0xfe), '-2'],
  ['UInt8', 0x04, Uint8Array.of(0xfe), '254'],
  ['Int16', 0x05, u16(0xfffe), '-2'],
  ['UInt16', 0x06, u16(65534), '65534'],
  ['Int32', 0x07, u32(0xfffffffe), '-2'],
  ['UInt32', 0x08, u32(4294967294), '4294967294'],
  ['Int64', 0x09, Buffer.from('feffffffffffffff', 'hex'), '-2'],
  ['UInt64', 0x0a, Buffer.from('feffffffffffffff', 'hex'), '18446744073709551614'],
  ['Real32', 0x0b, Buffer.from(new Float32Array([1.5]).buffer), '1.5'],
  ['Real64', 0x0c, Buffer.from(new Float64Array([0.1]).buffer), '0.1'],
  ['Real64Whole', 0x0c, Buffer.from(new Float64Array([3]).buffer), '3.0'],
  ['BoolTrue', 0x0d, u32(1), 'True'],
  ['BoolFalse', 0x0d, u32(0), 'False'],
  ['Binary', 0x0e, Buffer.from('deadbeef00', 'hex'), '3q2+7wA='],
  ['Guid', 0x0f, Buffer.from('0123456789abcdef0123456789abcdef', 'hex'), '{67452301-ab89-efcd-0123-456789abcdef}'],
  ['SizeT', 0x10, le(4096, 8), '4096'],
  ['FileTime', 0x11, ft(FT), '2021-11-02T14:15:23.6767020Z'],
  ['SystemTime', 0x12, Buffer.from(new Uint16Array([2020, 10, 2, 20, 11, 50, 54, 825]).buffer), '2020-10-20T11:50:54.8250000Z'],
  ['Sid', 0x13, sid('S-1-5-21-2261457211-1283403626-3207602914-1001'), 'S-1-5-21-2261457211-1283403626-3207602914-1001'],
  ['Hex32', 0x14, u32(0x3001f), '0x0003001f'],
  ['Hex64', 0x15, Buffer.from('1f00030000000000', 'hex'), '0x000000000003001f'],
];

export const TYPES_TEMPLATE_ID = 0x1001;

// One record: the System block plus EventData with every typed value, CDATA, an entity reference.
export function typesRecord(recordId: number): BRecord {
  const data: BNode[] = TYPED.map(([name, type], i) => ({ el: 'Data', attrs: [['Name', [{ text: name }]]], children: [{ sub: 9 + i, type }] }));
  data.push({ el: 'Data', attrs: [['Name', [{ text: 'Entity' }]]], children: [{ text: 'a ' }, { entity: 'amp' }, { text: ' b' }] });
  data.push({ el: 'Data', attrs: [['Name', [{ text: 'CData' }]]], children: [{ cdata: 'x < y' }] });
  data.push({ el: 'Data', attrs: [['Name', [{ text: 'Optional' }]]], children: [{ sub: 9 + TYPED.length, type: 1, optional: true }] });
  return {
    id: recordId,
    template: { id: TYPES_TEMPLATE_ID, nodes: [{ el: 'Event', attrs: [['xmlns', [{ text: 'http://schemas.microsoft.com/win/2004/08/events/event' }]]], children: [...systemNodes(), { el: 'EventData', children: data }] }] },
    subs: [...systemSubs(recordId, 1, 'S-1-5-18'), ...TYPED.map(([, type, bytes]) => ({ type, bytes })), { type: 0, bytes: new Uint8Array(0) }],
  };
}

/** Expected EventData of typesRecord. */
export function typesExpected(): Record<string, string> {
  const e: Record<string, string> = Object.fromEntries(TYPED.map(([n, , , v]) => [n, v]));
  e.Entity = 'a & b';
  e.CData = 'x < y';
  e.Optional = '';
  return e;
}

// A record whose UserData is a nested BinXML value (type 0x21) with its own template, like EventLog 1102.
export function nestedRecord(recordId: number): BRecord {
  const inner = {
    id: 0x2002,
    nodes: [{ el: 'LogFileCleared', children: [{ el: 'SubjectUserName', children: [{ sub: 0, type: 1 }] }, { el: 'SubjectDomainName', children: [{ sub: 1, type: 1 }] }] }] as BNode[],
  };
  return {
    id: recordId,
    template: { id: 0x2001, nodes: [{ el: 'Event', children: [...systemNodes(), { el: 'UserData', children: [{ sub: 9, type: 0x21 }] }] }] },
    subs: [...systemSubs(recordId, 1102, null), { nested: { template: inner, subs: [{ type: 1, bytes: wstr('admmig') }, { type: 1, bytes: wstr('OFFSEC') }] } }],
  };
}

// Arrays (type | 0x80), a character reference and a processing instruction: python-evtx cannot render
// these (it raises on non-string arrays, drops character references), so they get fixed expectations.
export function arrayRecord(recordId: number, withCharRef = true): BRecord {
  const arr: Array<[string, number, Uint8Array, string]> = [
    ['WStringArray', 0x81, Buffer.from('one\0two\0three\0', 'utf16le'), 'one, two, three'],
    ['UInt32Array', 0x88, Buffer.concat([u32(1), u32(2), u32(3)]), '1, 2, 3'],
    ['Hex64Array', 0x95, Buffer.concat([le(1, 8), le(255, 8)]), '0x0000000000000001, 0x00000000000000ff'],
  ];
  const data: BNode[] = arr.map(([name, type], i) => ({ el: 'Data', attrs: [['Name', [{ text: name }]]], children: [{ sub: 9 + i, type }] }));
  if (withCharRef) {
    data.push({ el: 'Data', attrs: [['Name', [{ text: 'CharRef' }]]], children: [{ text: 'tab' }, { charref: 0x41 }] });
    data.push({ el: 'Data', attrs: [['Name', [{ text: 'PI' }]]], children: [{ pi: 'target', data: 'x=1' }] });
  }
  ARRAY_EXPECTED = { ...Object.fromEntries(arr.map(([n, , , v]) => [n, v])), ...(withCharRef ? { CharRef: 'tabA', PI: '<?target x=1?>' } : {}) };
  return {
    id: recordId,
    template: { id: 0x3001, nodes: [{ el: 'Event', children: [...systemNodes(), { el: 'EventData', children: data }] }] },
    subs: [...systemSubs(recordId, 3, 'S-1-5-18'), ...arr.map(([, type, bytes]) => ({ type, bytes }))],
  };
}
export let ARRAY_EXPECTED: Record<string, string> = {};
