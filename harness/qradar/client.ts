// The Ariel client: search lifecycle (create with a form body, wait with Prefer: wait, page results with
// Range, cancel on deadline, DELETE always), AQL validation and the discovery/offense endpoints.
// Every error is a QRadarError carrying QRadar's code and message and the fix; the secret is redacted
// from all of them and is only ever sent in a request header.
import { readFileSync } from 'node:fs';
import { redactor, secretsOf, type ArielAuth } from './auth.js';
import { QRadarError } from './errors.js';
import { nodeTransport, type Transport } from './http.js';
import { callAriel, sleep, type CallOptions, type RequesterOptions } from './request.js';
import type { AnalyticsRule, AqlMessage, ArielStats, CustomPropertyDef, OffenseRef, SearchObject } from './types.js';

export { QRadarError } from './errors.js';
export type { SearchObject, ArielStats, AqlMessage } from './types.js';

export interface ArielClientOptions {
  url: string;
  version: string;
  auth: ArielAuth;
  /** PEM bundle trusted for the console certificate (added to Node's default trust). */
  caFile?: string;
  allowHttp?: boolean;
  requestTimeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  /** Pause between status polls when the console does not honour Prefer: wait. */
  pollIntervalMs?: number;
  /** Replaces the node:https transport (tests of fault handling). */
  fetchImpl?: Transport;
  random?: () => number;
}

export interface WaitOptions {
  /** Absolute time (epoch ms) after which the search is canceled and the wait fails. */
  deadlineMs: number;
  waitSeconds?: number;
  signal?: AbortSignal;
}

const RUNNING = new Set(['WAIT', 'EXECUTE', 'SORTING']);

// The Ariel REST client (one per console); counts what it does in `stats`.
export class ArielClient {
  readonly stats: ArielStats = { searchesCreated: 0, requests: 0, retries: 0, deletes: 0, deleteFailures: 0 };
  private readonly req: RequesterOptions;
  private readonly pollIntervalMs: number;
  readonly redact: (s: string) => string;

  constructor(opts: ArielClientOptions) {
    this.redact = redactor(secretsOf(opts.auth));
    let base: URL;
    try {
      base = new URL(opts.url);
    } catch {
      throw new QRadarError('HARNESS_QRADAR_URL', `qradar.url is not a URL: ${this.redact(opts.url)}`, { phase: 'config', fix: 'set qradar.url (or HARNESS_QRADAR_URL) to https://<console host>' });
    }
    if (base.protocol === 'http:' && !opts.allowHttp) {
      throw new QRadarError('HARNESS_QRADAR_INSECURE_URL', `refusing plain http for QRadar (${base.origin}): the token would cross the network in clear text`, { phase: 'config', fix: 'use https://, or for a lab only set qradar.allowHttp: true' });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new QRadarError('HARNESS_QRADAR_URL', `qradar.url must be https:// (got ${base.protocol})`, { phase: 'config', fix: 'set qradar.url to https://<console host>' });
    }
    // Accept https://console, https://console/ and https://console/api.
    base = new URL(base.href.replace(/\/+$/, '').replace(/\/api$/, '') + '/');
    let ca: Buffer | undefined;
    if (opts.caFile) {
      try {
        ca = readFileSync(opts.caFile);
      } catch (e) {
        throw new QRadarError('HARNESS_QRADAR_CA_FILE', `cannot read the CA bundle ${opts.caFile} (qradar.caFile): ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { phase: 'config', fix: 'point qradar.caFile (or HARNESS_QRADAR_CA_FILE) at a readable PEM file holding the console CA certificate' });
      }
    }
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.req = {
      base,
      version: opts.version,
      auth: opts.auth,
      transport: opts.fetchImpl ?? nodeTransport({ ca }),
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
      retries: opts.retries ?? 4,
      backoffMs: opts.backoffMs ?? 500,
      random: opts.random ?? Math.random,
      redact: this.redact,
      stats: this.stats,
    };
  }

  private call<T>(what: string, c: CallOptions) {
    return callAriel<T>(this.req, what, c);
  }

  // Creates a search (POST, form body); a 201 is never re-sent.
  async createSearch(aql: string): Promise<SearchObject> {
    const r = await this.call<SearchObject>('create Ariel search', { method: 'POST', path: 'api/ariel/searches', form: { query_expression: aql }, idempotent: false, expect: [201, 200] });
    this.stats.searchesCreated++;
    return checkSearch(r.body, this.redact);
  }

  // Reads the status once, long-polling up to waitSeconds (200 when completed, 206 when the wait expired).
  async status(id: string, waitSeconds = 0, signal?: AbortSignal): Promise<SearchObject> {
    const headers: Record<string, string> = waitSeconds > 0 ? { Prefer: `wait=${waitSeconds}` } : {};
    const r = await this.call<SearchObject>(`status of search ${id}`, { method: 'GET', path: `api/ariel/searches/${encodeURIComponent(id)}`, headers, idempotent: true, expect: [200, 206], extraTimeoutMs: waitSeconds * 1000, signal });
    return checkSearch(r.body, this.redact);
  }

  // Waits until COMPLETED; ERROR/CANCELED throw; the deadline cancels the search and throws.
  async waitForSearch(id: string, opts: WaitOptions): Promise<SearchObject> {
    const waitSeconds = opts.waitSeconds ?? 10;
    for (;;) {
      const remaining = opts.deadlineMs - Date.now();
      if (remaining <= 0 || opts.signal?.aborted) {
        await this.cancel(id).catch(() => undefined);
        const why = opts.signal?.aborted ? 'was aborted' : 'did not complete before its deadline';
        throw new QRadarError('HARNESS_QRADAR_SEARCH_TIMEOUT', `Ariel search ${id} ${why}; it was canceled`, { phase: 'timeout', fix: 'raise the expectation deadline or qradar.requestTimeoutMs, or narrow the rule; check the console for a busy Ariel (searches stuck in WAIT)' });
      }
      const wait = Math.max(0, Math.min(waitSeconds, Math.floor(remaining / 1000)));
      const began = Date.now();
      const s = await this.status(id, wait, opts.signal);
      if (s.status === 'COMPLETED') return s;
      if (s.status === 'ERROR') {
        const msgs = (s.error_messages ?? []).map((m) => `${m.code ?? ''} ${m.message}`.trim()).join('; ');
        throw new QRadarError('HARNESS_QRADAR_SEARCH_ERROR', this.redact(`Ariel search ${id} ended in ERROR${msgs ? `: ${msgs}` : ''}`), { phase: 'query', fix: 'run `harness qradar validate` on the rule and check the console; the verdicts are INCONCLUSIVE', details: { errorMessages: s.error_messages ?? [] } });
      }
      if (s.status === 'CANCELED') {
        throw new QRadarError('HARNESS_QRADAR_SEARCH_CANCELED', `Ariel search ${id} was canceled on the console`, { phase: 'query', fix: 'someone (or Ariel) canceled the search; rerun' });
      }
      if (!RUNNING.has(s.status)) {
        throw new QRadarError('HARNESS_QRADAR_BAD_RESPONSE', this.redact(`Ariel search ${id} has an unknown status ${String(s.status)}`), { phase: 'query', fix: 'check qradar.version matches the console API' });
      }
      // A console that ignores Prefer: wait answers at once: pace the polls.
      if (Date.now() - began < wait * 1000 - 50 || wait === 0) await sleep(Math.min(this.pollIntervalMs, opts.deadlineMs - Date.now()), opts.signal).catch(() => undefined);
    }
  }

  // Fetches all rows page by page with Range: items=x-y; 404/1003 (not ready) is waited out, bounded.
  // `total` is the completed search's record_count: without a Content-Range (unverified on /results,
  // reference 1.4) it is the only way to know a short page is not the end.
  async results(id: string, opts: { pageSize?: number; signal?: AbortSignal; total?: number } = {}): Promise<Record<string, unknown>[]> {
    const pageSize = opts.pageSize ?? 1000;
    const rows: Record<string, unknown>[] = [];
    let notReady = 0;
    for (let start = 0; ; ) {
      let r;
      try {
        r = await this.call<Record<string, unknown>>(`results of search ${id}`, { method: 'GET', path: `api/ariel/searches/${encodeURIComponent(id)}/results`, headers: { Range: `items=${start}-${start + pageSize - 1}` }, idempotent: true, expect: [200, 206], signal: opts.signal });
      } catch (e) {
        if (e instanceof QRadarError && e.qradarCode === 1003 && notReady < this.req.retries) {
          notReady++;
          await sleep(this.pollIntervalMs, opts.signal);
          continue;
        }
        throw e;
      }
      const page = tableOf(r.body);
      if (!page) throw new QRadarError('HARNESS_QRADAR_BAD_RESPONSE', `results of search ${id}: the body has no "events" or "flows" array`, { phase: 'query', fix: 'check qradar.version matches the console API' });
      rows.push(...page);
      const total = parseContentRange(r.headers['content-range']) ?? opts.total;
      if (page.length === 0) {
        if (total !== undefined && rows.length < total) {
          throw new QRadarError('HARNESS_QRADAR_TRUNCATED', `results of search ${id}: an empty page after ${rows.length} of ${total} rows`, { phase: 'query', fix: 'rerun; if it persists, check the console (the search results may have expired)' });
        }
        break;
      }
      // With a total, page until it is reached (a console may return shorter pages than asked).
      if (total !== undefined) {
        if (start + page.length >= total) break;
      } else if (page.length !== pageSize) break; // short page: the end; longer: Range ignored, that was all
      start += page.length;
    }
    return rows;
  }

  // Asks QRadar to stop the search (it keeps the rows collected so far).
  async cancel(id: string): Promise<void> {
    await this.call(`cancel search ${id}`, { method: 'POST', path: `api/ariel/searches/${encodeURIComponent(id)}`, query: { status: 'CANCELED' }, idempotent: true, expect: [200] });
  }

  // Deletes the search; one already gone (404) counts as deleted.
  async delete(id: string): Promise<void> {
    try {
      await this.call(`delete search ${id}`, { method: 'DELETE', path: `api/ariel/searches/${encodeURIComponent(id)}`, idempotent: true, expect: [202, 200, 204] });
      this.stats.deletes++;
    } catch (e) {
      if (e instanceof QRadarError && e.httpStatus === 404) return;
      this.stats.deleteFailures++;
      throw e;
    }
  }

  // The whole lifecycle: create, wait, page the results, and DELETE in finally.
  async search(aql: string, opts: Partial<WaitOptions> & { timeoutMs?: number; pageSize?: number } = {}): Promise<{ rows: Record<string, unknown>[]; search: SearchObject }> {
    const deadlineMs = opts.deadlineMs ?? Date.now() + (opts.timeoutMs ?? 300_000);
    const created = await this.createSearch(aql);
    try {
      const done = created.status === 'COMPLETED' ? created : await this.waitForSearch(created.search_id, { deadlineMs, waitSeconds: opts.waitSeconds, signal: opts.signal });
      const total = typeof done.record_count === 'number' ? done.record_count : undefined;
      const rows = await this.results(created.search_id, { pageSize: opts.pageSize, signal: opts.signal, ...(total !== undefined ? { total } : {}) });
      return { rows, search: done };
    } finally {
      await this.delete(created.search_id).catch(() => undefined);
    }
  }

  // Validates AQL without running it (/api/ariel/validators/aql); [] means valid.
  async validate(aql: string): Promise<AqlMessage[]> {
    const r = await this.call<{ error_messages?: AqlMessage[] | null }>('validate AQL', { method: 'POST', path: 'api/ariel/validators/aql', form: { query_expression: aql }, idempotent: true, expect: [200] });
    return r.body?.error_messages ?? [];
  }

  // Custom property definitions of the deployment (to write a property profile).
  async customProperties(): Promise<CustomPropertyDef[]> {
    const r = await this.call<CustomPropertyDef[]>('list custom properties', { method: 'GET', path: 'api/config/event_sources/custom_properties/regex_properties', idempotent: true, expect: [200] });
    return Array.isArray(r.body) ? r.body : [];
  }

  // Offenses updated since an epoch-ms time (first page of up to `max`).
  async offenses(opts: { sinceMs: number; max?: number }): Promise<OffenseRef[]> {
    const r = await this.call<OffenseRef[]>('list offenses', { method: 'GET', path: 'api/siem/offenses', query: { filter: `last_updated_time >= ${Math.floor(opts.sinceMs)}`, fields: 'id,description,status,start_time,last_updated_time,event_count,rules' }, headers: { Range: `items=0-${(opts.max ?? 500) - 1}` }, idempotent: true, expect: [200, 206] });
    return Array.isArray(r.body) ? r.body : [];
  }

  // Analytics (CRE) rules with this exact name.
  async rules(opts: { name: string }): Promise<AnalyticsRule[]> {
    const r = await this.call<AnalyticsRule[]>('find analytics rule', { method: 'GET', path: 'api/analytics/rules', query: { filter: `name="${opts.name.replace(/"/g, '\\"')}"`, fields: 'id,name,type,enabled,origin,identifier' }, idempotent: true, expect: [200] });
    return Array.isArray(r.body) ? r.body : [];
  }
}

function checkSearch(body: SearchObject, redact: (s: string) => string): SearchObject {
  if (!body || typeof body.search_id !== 'string' || typeof body.status !== 'string') {
    throw new QRadarError('HARNESS_QRADAR_BAD_RESPONSE', redact(`QRadar returned something that is not a search object: ${JSON.stringify(body).slice(0, 120)}`), { phase: 'query', fix: 'check qradar.url and qradar.version' });
  }
  return body;
}

// The rows of a results body: {"events": [...]} or {"flows": [...]}.
export function tableOf(body: unknown): Record<string, unknown>[] | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { events?: unknown; flows?: unknown };
  const t = b.events ?? b.flows;
  return Array.isArray(t) ? (t as Record<string, unknown>[]) : undefined;
}

// `items 0-49/1234` or `items */3` -> the total, when the header is present and well formed.
export function parseContentRange(h: string | undefined): number | undefined {
  const m = h ? /items\s+(?:\d+-\d+|\*)\/(\d+)/.exec(h) : null;
  return m ? Number(m[1]) : undefined;
}
