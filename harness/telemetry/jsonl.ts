// Already-normalised events (JSONL written by `harness events convert`) are read back as they are; each
// line is checked for the row shape so a stray line is a located warning, not a broken event.
const NUM = ['starttime', 'devicetime', 'devicetype', 'logsourceid'] as const;

/** true, or the reason the value is not a normalised event. */
export function isNormalizedEvent(v: unknown): true | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  for (const k of NUM) if (typeof o[k] !== 'number') return `normalised event lacks numeric "${k}"`;
  if (typeof o.payload !== 'string') return 'normalised event lacks "payload"';
  if (typeof o.properties !== 'object' || o.properties === null) return 'normalised event lacks "properties"';
  if (typeof o.origin !== 'object' || o.origin === null) return 'normalised event lacks "origin"';
  return true;
}
