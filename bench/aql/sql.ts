// The same queries for SQLite (better-sqlite3) and DuckDB, derived mechanically from the AQL text so the
// predicates are the same bytes: quoted properties -> columns, LOGSOURCETYPENAME(devicetype) -> a join on
// a dsm table, DATEFORMAT -> strftime, the time clause -> a starttime range. Backslashes are literal in
// both engines' string literals and neither has a default LIKE escape, as in AQL. SQLite's LIKE is
// ASCII case-insensitive by default (PRAGMA case_sensitive_like = OFF), which is exactly ILIKE on this
// ASCII data; seed 2's LOWER(x) LIKE 'lowercase' is the same under either setting. DuckDB has ILIKE.
import type { NormalizedEvent } from '../../harness/model/event.js';

export const COLUMNS = ['starttime', 'devicetime', 'devicetype', 'logsourcename', 'sourceip', 'username', 'eventid', 'hostname', 'username_p', 'image', 'commandline', 'parentimage', 'targetobject', 'process_path', 'process_commandline'] as const;

// One event as a row of COLUMNS.
export function rowOf(e: NormalizedEvent): (string | number | null)[] {
  const p = e.properties;
  const s = (k: string) => (p[k] === undefined ? null : (p[k] as string | number | null));
  return [e.starttime, e.devicetime, e.devicetype, e.logsourcename, e.sourceip, e.username, Number(p.EventID), s('HostName'), s('UserName'), s('Image'), s('CommandLine'), s('ParentImage'), s('TargetObject'), s('Process Path'), s('Process CommandLine')];
}

// Translates one of the seed queries (AQL text) into SQL for a dialect, with the window as a starttime range.
export function toSql(aql: string, dialect: 'sqlite' | 'duckdb', window: { start: number; stop: number }, now: number): string {
  const fmt = (col: string) => (dialect === 'sqlite' ? `strftime('%Y-%m-%d %H:%M:%S', ${col} / 1000, 'unixepoch')` : `strftime(epoch_ms(${col}), '%Y-%m-%d %H:%M:%S')`);
  let q = aql
    .replace(/DATEFORMAT\((\w+),\s*'[^']*'\)/g, (_m, col: string) => fmt(col))
    .replace(/logsourcename\(logsourceid\)/gi, 'logsourcename')
    .replace(/LOGSOURCETYPENAME\(devicetype\)/g, 'dsm.name')
    .replace(/"HostName"/g, 'hostname').replace(/"UserName"/g, 'username_p').replace(/"EventID"/g, 'eventid')
    .replace(/"TargetObject"/g, 'targetobject').replace(/"Image"/g, 'image').replace(/"CommandLine"/g, 'commandline').replace(/"ParentImage"/g, 'parentimage')
    .replace(/"Process Path"/g, 'process_path').replace(/"Process CommandLine"/g, 'process_commandline')
    .replace(/LOGSOURCETIME > NOW\(\) - 1 DAYS|devicetime > NOW\(\) - 1 DAYS/, `devicetime > ${now - 86_400_000}`)
    .replace(/eventid IN \('12', '13'\)/, 'eventid IN (12, 13)')
    .replace(/FROM events/, 'FROM ev JOIN dsm ON dsm.id = ev.devicetype');
  if (dialect === 'sqlite') q = q.replace(/ILIKE/g, 'LIKE');
  q = q.replace(/\s*LAST \d+ (HOURS|DAYS)\s*$/, '');
  const range = `starttime >= ${window.start} AND starttime < ${window.stop}`;
  q = /ORDER BY/.test(q) ? q.replace(/ORDER BY/, `AND ${range}\nORDER BY`) : `${q}\n  AND ${range}`;
  return q;
}
