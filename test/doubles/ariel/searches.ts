// Ariel API test double: the search store and its state machine (reference qradar-aql.md 1.3 and 1.9).
// WAIT -> EXECUTE -> (SORTING when the query orders) -> COMPLETED, driven by configurable delays and the
// double's clock; CANCELED keeps the rows found so far; ERROR carries error_messages; DELETE removes it;
// an identical query string within the de-duplication window returns the same search.
import { randomUUID } from 'node:crypto';

export type DoubleStatus = 'WAIT' | 'EXECUTE' | 'SORTING' | 'COMPLETED' | 'CANCELED' | 'ERROR';

export interface StateDelays {
  waitMs: number;
  executeMs: number;
  sortingMs: number;
}

export interface DoubleSearch {
  id: string;
  query: string;
  createdAt: number;
  rows: Record<string, unknown>[];
  table: 'events' | 'flows';
  sorts: boolean;
  delays: StateDelays;
  forced?: { status: 'CANCELED' | 'ERROR'; at: number; messages?: { code: number; message: string; severity: string; contexts: string[] }[] };
  saveResults: boolean;
  retentionMs: number;
  deleted: boolean;
}

// Status of a search at a time, from its delays (or the forced CANCELED/ERROR state).
export function statusAt(s: DoubleSearch, now: number): DoubleStatus {
  const t = now - s.createdAt;
  if (s.forced && now >= s.forced.at) return s.forced.status;
  if (t < s.delays.waitMs) return 'WAIT';
  if (t < s.delays.waitMs + s.delays.executeMs) return 'EXECUTE';
  if (s.sorts && t < s.delays.waitMs + s.delays.executeMs + s.delays.sortingMs) return 'SORTING';
  return 'COMPLETED';
}

// Progress 0..100 rising with elapsed time; 100 at COMPLETED.
export function progressAt(s: DoubleSearch, now: number): number {
  const total = s.delays.waitMs + s.delays.executeMs + (s.sorts ? s.delays.sortingMs : 0);
  const st = statusAt(s, now);
  if (st === 'COMPLETED') return 100;
  if (total <= 0) return 0;
  return Math.min(99, Math.floor((100 * Math.max(0, now - s.createdAt - s.delays.waitMs)) / Math.max(1, total - s.delays.waitMs)));
}

// Rows visible now: all when COMPLETED, the share found so far when CANCELED early.
export function rowsAt(s: DoubleSearch, now: number): Record<string, unknown>[] {
  const st = statusAt(s, now);
  if (st === 'COMPLETED') return s.rows;
  if (st === 'CANCELED') return s.rows.slice(0, Math.floor((s.rows.length * progressAt({ ...s, forced: undefined }, s.forced!.at)) / 100));
  return [];
}

// The JSON search object as Ariel returns it.
export function searchObject(s: DoubleSearch, now: number): Record<string, unknown> {
  const status = statusAt(s, now);
  const done = status === 'COMPLETED';
  return {
    cursor_id: s.id,
    search_id: s.id,
    status,
    completed: done,
    progress: progressAt(s, now),
    progress_details: [],
    record_count: done ? s.rows.length : rowsAt(s, now).length,
    processed_record_count: done ? s.rows.length : 0,
    query_execution_time: done ? Math.max(0, now - s.createdAt) : 0,
    query_string: s.query,
    error_messages: status === 'ERROR' ? (s.forced?.messages ?? []) : [],
    desired_retention_time_msec: s.retentionMs,
    save_results: s.saveResults,
    snapshot: null,
    subsearch_ids: [],
    data_file_count: 0,
    data_total_size: 0,
    index_file_count: 0,
    index_total_size: 0,
    compressed_data_file_count: 0,
    compressed_data_total_size: 0,
  };
}

// The double's searches by id, with de-duplication and retention.
export class SearchStore {
  private readonly byId = new Map<string, DoubleSearch>();
  /** Searches really created (a de-duplicated POST does not count). */
  created = 0;

  constructor(private readonly dedupeWindowMs: number) {}

  // The live search with this exact query string created within the de-duplication window.
  findDuplicate(query: string, now: number): DoubleSearch | undefined {
    for (const s of this.byId.values()) if (!s.deleted && s.query === query && now - s.createdAt <= this.dedupeWindowMs) return s;
    return undefined;
  }

  add(init: Omit<DoubleSearch, 'id' | 'deleted' | 'saveResults'>): DoubleSearch {
    const s: DoubleSearch = { ...init, id: randomUUID(), deleted: false, saveResults: false };
    this.byId.set(s.id, s);
    this.created++;
    return s;
  }

  // A live search, or undefined when unknown, deleted or expired by retention.
  get(id: string, now: number): DoubleSearch | undefined {
    const s = this.byId.get(id);
    if (!s || s.deleted) return undefined;
    if (!s.saveResults && now - s.createdAt > s.retentionMs) {
      s.deleted = true;
      return undefined;
    }
    return s;
  }

  /** Searches neither deleted nor expired (a client must DELETE what it creates). */
  live(now: number): DoubleSearch[] {
    return [...this.byId.keys()].map((id) => this.get(id, now)).filter((s): s is DoubleSearch => !!s);
  }
}
