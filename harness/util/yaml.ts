// YAML loading that remembers where every node came from, so validation errors can say file:line:column.
import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isPair, isScalar, type Node, type Document } from 'yaml';
import type { Diagnostic, SourceLocation } from '../errors.js';

export type YamlPath = readonly (string | number)[];

export interface LoadedYaml {
  file: string;
  /** Plain JS value (null for an empty document). */
  value: unknown;
  /** Location of the node at `path` (or of its nearest existing ancestor). */
  locate(path: YamlPath): SourceLocation;
  /** Location of the key of a map entry (for "unknown field" errors). */
  locateKey(path: YamlPath): SourceLocation;
  /** Syntax errors and warnings (duplicate keys, bad indentation, ...). value is null if any error. */
  diagnostics: Diagnostic[];
}

function readText(file: string): { text?: string; diagnostic?: Diagnostic } {
  let st;
  try {
    st = statSync(file);
  } catch {
    return { diagnostic: { severity: 'error', code: 'HARNESS_FILE_NOT_FOUND', message: `file not found`, location: { file }, fix: 'check the path' } };
  }
  if (st.isDirectory()) {
    return { diagnostic: { severity: 'error', code: 'HARNESS_FILE_IS_DIRECTORY', message: `expected a YAML file, found a directory`, location: { file }, fix: 'name a .yaml file inside it' } };
  }
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (e) {
    return { diagnostic: { severity: 'error', code: 'HARNESS_FILE_UNREADABLE', message: `cannot read file: ${(e as Error).message}`, location: { file } } };
  }
}

/** Parses YAML text; `file` is only used in locations. */
export function parseYaml(text: string, file: string): LoadedYaml {
  const lc = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  let doc: Document.Parsed | undefined;
  try {
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (e) {
    diagnostics.push({ severity: 'error', code: 'HARNESS_YAML_SYNTAX', message: (e as Error).message, location: { file } });
  }
  const at = (offset: number | undefined): SourceLocation => {
    if (offset === undefined) return { file };
    const p = lc.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  if (doc) {
    for (const err of doc.errors) {
      diagnostics.push({ severity: 'error', code: 'HARNESS_YAML_SYNTAX', message: firstLine(err.message), location: at(err.pos[0]), fix: 'fix the YAML syntax at that position' });
    }
    for (const w of doc.warnings) {
      diagnostics.push({ severity: 'warning', code: 'HARNESS_YAML_WARNING', message: firstLine(w.message), location: at(w.pos[0]) });
    }
  }
  const ok = doc && doc.errors.length === 0;
  let value: unknown = null;
  if (ok) {
    try {
      value = doc!.toJS({ maxAliasCount: 100 });
    } catch (e) {
      diagnostics.push({ severity: 'error', code: 'HARNESS_YAML_SYNTAX', message: (e as Error).message, location: { file } });
    }
  }
  if (ok && text.trim() === '') {
    diagnostics.push({ severity: 'error', code: 'HARNESS_YAML_EMPTY', message: 'the file is empty', location: { file, line: 1, column: 1 }, fix: 'add content or remove the file' });
  }

  const walk = (path: YamlPath, wantKey: boolean): SourceLocation => {
    if (!doc) return { file };
    let node: unknown = doc.contents;
    let best: SourceLocation = at(rangeStart(node));
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) return best;
        if (wantKey && i === path.length - 1) return at(rangeStart(pair.key));
        node = pair.value;
        best = at(rangeStart(node) ?? rangeStart(pair.key));
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) return best;
        node = item;
        best = at(rangeStart(node));
      } else {
        return best;
      }
    }
    return best;
  };

  return { file, value, diagnostics, locate: (p) => walk(p, false), locateKey: (p) => walk(p, true) };
}

/** Reads and parses a YAML file; missing files, directories and empty files become diagnostics. */
export function loadYamlFile(file: string): LoadedYaml {
  const { text, diagnostic } = readText(file);
  if (diagnostic) {
    return { file, value: null, diagnostics: [diagnostic], locate: () => ({ file }), locateKey: () => ({ file }) };
  }
  return parseYaml(text!, file);
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as Node | undefined)?.range;
  return r ? r[0] : undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
