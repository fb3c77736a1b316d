// A tiny XML model and serialiser: writers build a tree, this does all the escaping in one place.

export interface XmlEntry {
  name: string;
  attributes?: Record<string, string | number | undefined>;
  children?: XmlEntry[];
  text?: string;
}

// Characters XML 1.0 forbids (C0 controls except tab/newline/CR, lone surrogates, U+FFFE/FFFF).
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Removes ANSI colour codes and characters that cannot appear in XML. */
export function cleanText(s: string): string {
  return s.replace(ANSI, '').replace(INVALID_XML, '\uFFFD');
}

export function escapeXml(s: string): string {
  return cleanText(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function serializeXml(root: XmlEntry): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  write(root, 0, out);
  return out.join('');
}

function write(e: XmlEntry, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  const attrs = Object.entries(e.attributes ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  const kids = e.children ?? [];
  if (!kids.length && e.text === undefined) {
    out.push(`${pad}<${e.name}${attrs}/>\n`);
    return;
  }
  if (!kids.length) {
    out.push(`${pad}<${e.name}${attrs}>${escapeXml(e.text!)}</${e.name}>\n`);
    return;
  }
  out.push(`${pad}<${e.name}${attrs}>\n`);
  if (e.text !== undefined) out.push(`${pad}  ${escapeXml(e.text)}\n`);
  for (const k of kids) write(k, depth + 1, out);
  out.push(`${pad}</${e.name}>\n`);
}
