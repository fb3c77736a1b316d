// Renders a record's element tree as event XML in the shape wevtutil / Get-WinEvent ToXml() give
// (for debugging and `--format xml`; the normal parse path never builds XML).
import type { XElement, XNode } from './dom.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
function esc(s: string, re: RegExp): string {
  return s.replace(re, (ch) => ESC[ch]);
}

function el(e: XElement, out: string[]): void {
  out.push('<', e.name);
  for (const a of e.attrs) out.push(' ', a.name, '="', esc(a.value, /[&<>"]/g), '"');
  if (e.children.length === 0) {
    out.push('/>');
    return;
  }
  out.push('>');
  for (const c of e.children) {
    if (typeof c === 'string') out.push(esc(c, /[&<>]/g));
    else el(c, out);
  }
  out.push('</', e.name, '>');
}

// The XML text of a record's materialised nodes (normally one <Event> element).
export function renderNodesXml(nodes: XNode[]): string {
  const out: string[] = [];
  for (const n of nodes) {
    if (typeof n === 'string') out.push(esc(n, /[&<>]/g));
    else el(n, out);
  }
  return out.join('');
}
