// The Ariel API test double: an HTTP or HTTPS server (self-signed CA made at start) that follows
// reference qradar-aql.md 1.9 point by point: SEC/Basic auth (401/403), query_expression as query
// parameter or form body (JSON body -> 422/1005), SELECT only and AQL parse errors -> 422/2000, the
// search state machine with configurable delays, 404/1003 before completion and 404/1002 when unknown,
// Range/Content-Range, Prefer: wait (200 or 206), cancel, DELETE (202 then 404/1002), de-duplication of
// identical queries, Version checks, retention, and injectable faults. It is a double, not QRadar.
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { NormalizedEvent } from '../../../harness/model/event.js';
import { doubleCerts } from './certs.js';
import type { DoubleEngine } from './engine.js';
import { send, sendError } from './errors.js';
import { authorized, queryExpression } from './requests.js';
import { SearchStore, searchObject, statusAt, rowsAt, type DoubleSearch, type StateDelays } from './searches.js';

export type DoubleFault =
  | { kind: 'status'; status: number; code: number; message?: string }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number };

export interface FaultRule {
  method?: string;
  /** Matched against the request path (without query string). */
  path?: RegExp;
  fault: DoubleFault;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

export interface ArielDoubleOptions {
  https?: boolean;
  engine: DoubleEngine;
  tokens?: string[];
  users?: Record<string, string>;
  /** Tokens that authenticate but lack the capability (403). */
  forbiddenTokens?: string[];
  versions?: string[];
  delays?: Partial<StateDelays>;
  ingestDelayMs?: number;
  dedupeWindowMs?: number;
  retentionMs?: number;
  customProperties?: Record<string, unknown>[];
  offenses?: Record<string, unknown>[];
  rules?: Record<string, unknown>[];
  clock?: () => number;
  /** Most rows one results page returns, whatever Range asks (a console with a page cap). */
  pageCap?: number;
  /**
   * CRE rules QRadar's pipeline would have matched on an event. When given, a select item
   * `RULENAME(creEventList) AS alias` is answered from it (the embedded engine has no CRE).
   */
  creHits?: (e: NormalizedEvent) => string[];
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  url: string;
}

const DEFAULT_VERSIONS = ['12.0', '13.0', '13.1', '14.0', '15.0', '16.0', '17.0', '18.0', '19.0', '20.0', '26.0'];

// The Ariel API test double server.
export class ArielDouble {
  readonly store: SearchStore;
  readonly requests: LoggedRequest[] = [];
  caPem = '';
  url = '';
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly faults: FaultRule[] = [];
  private readonly ingested: { event: NormalizedEvent; visibleAt: number }[] = [];
  private nextSearch: { delays?: Partial<StateDelays>; error?: string[]; cancelAfterMs?: number }[] = [];
  private readonly clock: () => number;

  constructor(readonly o: ArielDoubleOptions) {
    this.store = new SearchStore(o.dedupeWindowMs ?? 60_000);
    this.clock = o.clock ?? Date.now;
  }

  /** Searches really created (de-duplicated POSTs excluded). */
  get searchesCreated(): number {
    return this.store.created;
  }

  // Starts listening on 127.0.0.1 (random port); https with a fresh CA unless https: false.
  async start(): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    if (this.o.https !== false) {
      const certs = doubleCerts();
      this.caPem = certs.caPem;
      this.server = createHttps({ key: certs.keyPem, cert: certs.certPem }, handler);
    } else {
      this.server = createHttp(handler);
    }
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.url = `${this.o.https !== false ? 'https' : 'http'}://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // Events become searchable ingestDelayMs after this call (QRadar's ingestion lag).
  ingest(events: NormalizedEvent[]): void {
    const at = this.clock() + (this.o.ingestDelayMs ?? 0);
    for (const event of events) this.ingested.push({ event, visibleAt: at });
  }

  injectFault(rule: FaultRule): void {
    this.faults.push({ times: 1, ...rule });
  }

  /** The next created search gets these delays, ends in ERROR with these messages, or is canceled on the console. */
  shapeNextSearch(shape: { delays?: Partial<StateDelays>; error?: string[]; cancelAfterMs?: number }): void {
    this.nextSearch.push(shape);
  }

  private visibleEvents(now: number): NormalizedEvent[] {
    return this.ingested.filter((x) => x.visibleAt <= now).map((x) => x.event);
  }

  private takeFault(method: string, path: string): DoubleFault | undefined {
    const i = this.faults.findIndex((f) => (!f.method || f.method === method) && (!f.path || f.path.test(path)) && (f.times ?? 1) > 0);
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.faults.splice(i, 1);
    return f.fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url ?? '/', 'http://double');
    const query = Object.fromEntries(u.searchParams.entries());
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: u.pathname, query, headers: { ...req.headers }, body, url: req.url ?? '' });
    const fault = this.takeFault(method, u.pathname);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'status') return sendError(res, fault.status, fault.code, fault.message ?? 'injected fault');
    if (!authorized(req, res, this.o)) return;
    const version = typeof req.headers.version === 'string' ? req.headers.version : undefined;
    const versions = this.o.versions ?? DEFAULT_VERSIONS;
    if (version !== undefined && !versions.includes(version) && !versions.some((v) => v.split('.')[0] === version)) {
      return sendError(res, 422, 1005, `Version ${version} is not supported`);
    }
    const vh = { Version: version ?? versions[versions.length - 1]! };
    try {
      await this.route(method, u.pathname, query, body, req, res, vh);
    } catch (e) {
      sendError(res, 500, 1020, `double internal error: ${(e as Error).message}`);
    }
  }

  private async route(method: string, path: string, query: Record<string, string>, body: string, req: IncomingMessage, res: ServerResponse, vh: Record<string, string>): Promise<void> {
    const now = this.clock();
    const m = /^\/api\/ariel\/searches\/([^/]+)(\/results)?$/.exec(path);
    if (path === '/api/ariel/searches' && method === 'POST') return this.create(query, body, req, res, vh);
    if (path === '/api/ariel/searches' && method === 'GET') return send(res, 200, this.store.live(now).map((s) => s.id), vh);
    if (path === '/api/ariel/validators/aql' && method === 'POST') {
      const aql = queryExpression(query, body, req, res);
      if (aql === undefined) return;
      const msgs = this.o.engine.validate(aql);
      return send(res, 200, { error_messages: msgs.map((message) => ({ code: 2000, contexts: [], message, severity: 'ERROR' })) }, vh);
    }
    if (path === '/api/ariel/databases' && method === 'GET') return send(res, 200, ['events', 'flows', 'simarc'], vh);
    if (path === '/api/config/event_sources/custom_properties/regex_properties' && method === 'GET') return send(res, 200, this.o.customProperties ?? [], vh);
    if (path === '/api/siem/offenses' && method === 'GET') return this.offenses(query, res, vh);
    if (path === '/api/analytics/rules' && method === 'GET') {
      const name = /^name\s*=\s*"(.*)"$/.exec(query.filter ?? '')?.[1]?.replace(/\\"/g, '"');
      return send(res, 200, (this.o.rules ?? []).filter((r) => name === undefined || r.name === name), vh);
    }
    if (!m) return sendError(res, 404, 1002, `no such endpoint: ${method} ${path}`);
    const s = this.store.get(decodeURIComponent(m[1]!), now);
    if (!s) return sendError(res, 404, 1002, `Search ${m[1]} does not exist.`);
    if (m[2]) return method === 'GET' ? this.results(s, req, res, vh) : sendError(res, 404, 1002, `no such endpoint: ${method} ${path}`);
    if (method === 'GET') return this.status(s, req, res, vh);
    if (method === 'POST') {
      if (query.status !== undefined) {
        if (query.status !== 'CANCELED') return sendError(res, 422, 1005, `status must be CANCELED, got ${query.status}`);
        if (statusAt(s, now) !== 'COMPLETED' && statusAt(s, now) !== 'ERROR') s.forced = { status: 'CANCELED', at: now };
      } else if (query.save_results === 'true') s.saveResults = true;
      return send(res, 200, searchObject(s, now), vh);
    }
    if (method === 'DELETE') {
      s.deleted = true;
      return send(res, 202, searchObject(s, now), vh);
    }
    return sendError(res, 404, 1002, `no such endpoint: ${method} ${path}`);
  }

  private create(query: Record<string, string>, body: string, req: IncomingMessage, res: ServerResponse, vh: Record<string, string>): void {
    const aql = queryExpression(query, body, req, res);
    if (aql === undefined) return;
    const now = this.clock();
    if (!/^\s*select\b/i.test(aql)) return sendError(res, 422, 2000, 'Only SELECT statements are supported');
    const dup = this.store.findDuplicate(aql, now);
    if (dup) return send(res, 201, searchObject(dup, now), vh);
    let rows: Record<string, unknown>[];
    try {
      rows = this.evaluate(aql, now);
    } catch (e) {
      return sendError(res, 422, 2000, `Invalid AQL: ${(e as Error).message}`);
    }
    const shape = this.nextSearch.shift() ?? {};
    const delays = { waitMs: 20, executeMs: 30, sortingMs: 20, ...this.o.delays, ...shape.delays };
    const s = this.store.add({ query: aql, createdAt: now, rows, table: /\bfrom\s+flows\b/i.test(aql) ? 'flows' : 'events', sorts: /\border\s+by\b/i.test(aql), delays, retentionMs: this.o.retentionMs ?? 86_400_000 });
    if (shape.error) s.forced = { status: 'ERROR', at: now + delays.waitMs, messages: shape.error.map((message) => ({ code: 1020, contexts: [], message, severity: 'ERROR' })) };
    if (shape.cancelAfterMs !== undefined) s.forced = { status: 'CANCELED', at: now + shape.cancelAfterMs };
    send(res, 201, searchObject(s, now), vh);
  }

  // Runs the engine; RULENAME(creEventList) AS x is emulated from creHits on the rows' source events.
  private evaluate(aql: string, now: number): Record<string, unknown>[] {
    const events = this.visibleEvents(now);
    const m = /,\s*RULENAME\(creEventList\)\s+AS\s+(\w+)/i.exec(aql);
    if (!m || !this.o.creHits || !this.o.engine.runWithSources) return this.o.engine.run(aql, events, now);
    const stripped = aql.slice(0, m.index) + aql.slice(m.index + m[0].length);
    return this.o.engine.runWithSources(stripped, events, now).map(({ row, sources }) => ({ ...row, [m[1]!]: [...new Set(sources.flatMap((i) => this.o.creHits!(events[i]!)))] }));
  }

  // Status; Prefer: wait=N blocks until COMPLETED or N seconds, then 200 (completed) or 206.
  private async status(s: DoubleSearch, req: IncomingMessage, res: ServerResponse, vh: Record<string, string>): Promise<void> {
    const wait = /wait=(\d+)/.exec(String(req.headers.prefer ?? ''));
    if (!wait) return send(res, 200, searchObject(s, this.clock()), vh);
    const until = this.clock() + Number(wait[1]) * 1000;
    const ended = () => ['COMPLETED', 'CANCELED', 'ERROR'].includes(statusAt(s, this.clock())) || s.deleted;
    while (!ended() && this.clock() < until && !req.socket.destroyed) await new Promise((r) => setTimeout(r, 5));
    send(res, statusAt(s, this.clock()) === 'COMPLETED' ? 200 : 206, searchObject(s, this.clock()), vh);
  }

  private results(s: DoubleSearch, req: IncomingMessage, res: ServerResponse, vh: Record<string, string>): void {
    const now = this.clock();
    const st = statusAt(s, now);
    if (st !== 'COMPLETED' && st !== 'CANCELED') return sendError(res, 404, 1003, 'Search results not found. The search is still in progress.');
    const rows = rowsAt(s, now);
    const range = req.headers.range;
    if (range === undefined) return send(res, 200, { [s.table]: rows }, vh);
    const m = /^items=(\d+)-(\d+)$/.exec(String(range).trim());
    if (!m || Number(m[2]) < Number(m[1])) return sendError(res, 422, 1005, `The Range header must be of the form items=x-y, got ${String(range)}`);
    const from = Number(m[1]);
    const to = Math.min(Number(m[2]), rows.length - 1, from + (this.o.pageCap ?? Infinity) - 1);
    if (from >= rows.length) return send(res, 200, { [s.table]: [] }, { ...vh, 'Content-Range': `items */${rows.length}` });
    send(res, 200, { [s.table]: rows.slice(from, to + 1) }, { ...vh, 'Content-Range': `items ${from}-${to}/${rows.length}` });
  }

  private offenses(query: Record<string, string>, res: ServerResponse, vh: Record<string, string>): void {
    const f = /^(\w+)\s*(>=|>)\s*(\d+)$/.exec(query.filter ?? '');
    if (query.filter && !f) return sendError(res, 422, 1010, `unsupported filter in the double: ${query.filter}`);
    const list = (this.o.offenses ?? []).filter((o) => !f || (f[2] === '>=' ? Number(o[f[1]!]) >= Number(f[3]) : Number(o[f[1]!]) > Number(f[3])));
    send(res, 200, list, vh);
  }
}
