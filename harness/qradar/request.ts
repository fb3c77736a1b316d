// One Ariel HTTP call with the fault policy: bounded retries with exponential back-off and jitter on
// 503/1010, 500/1020 and network errors for idempotent calls. A non-idempotent POST is retried only when
// QRadar answered with an error (so nothing was created) or the request certainly never left this host;
// a POST whose connection dropped after sending is never re-sent (it may have created a search).
import type { ArielAuth } from './auth.js';
import { authHeaders } from './auth.js';
import { errorFromResponse, QRadarError } from './errors.js';
import { TLS_ERRORS, TransportError, type HttpResponse, type Transport } from './http.js';
import type { ArielStats } from './types.js';

export interface CallOptions {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  idempotent: boolean;
  expect: number[];
  /** Extra time on top of the request timeout (Prefer: wait). */
  extraTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface RequesterOptions {
  base: URL;
  version: string;
  auth: ArielAuth;
  transport: Transport;
  requestTimeoutMs: number;
  retries: number;
  backoffMs: number;
  random: () => number;
  redact: (s: string) => string;
  stats: ArielStats;
}

export interface ArielResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

// Sleeps, waking early (and rejecting) when the signal aborts.
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// Exponential back-off with jitter: base * 2^attempt, scaled by a random factor in [0.5, 1).
export function backoffDelay(base: number, attempt: number, random: () => number): number {
  return Math.min(30_000, base * 2 ** attempt) * (0.5 + random() / 2);
}

// Performs one logical call (with retries) and parses the JSON body.
export async function callAriel<T = unknown>(o: RequesterOptions, what: string, c: CallOptions): Promise<ArielResponse<T>> {
  const url = new URL(c.path, o.base);
  for (const [k, v] of Object.entries(c.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { Accept: 'application/json', Version: o.version, ...authHeaders(o.auth), ...c.headers };
  let body: string | undefined;
  if (c.form) {
    body = new URLSearchParams(c.form).toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  for (let attempt = 0; ; attempt++) {
    let res: HttpResponse;
    o.stats.requests++;
    try {
      res = await o.transport({ method: c.method, url, headers, body, timeoutMs: o.requestTimeoutMs + (c.extraTimeoutMs ?? 0), signal: c.signal });
    } catch (e) {
      if (c.signal?.aborted) throw new QRadarError('HARNESS_QRADAR_ABORTED', `${what}: aborted`, { phase: 'query' });
      const te = e instanceof TransportError ? e : new TransportError(String((e as Error)?.message ?? e), true);
      if (te.errno && TLS_ERRORS.has(te.errno)) {
        throw new QRadarError('HARNESS_QRADAR_TLS', o.redact(`${what}: the TLS certificate of ${o.base.host} was not trusted (${te.errno})`), { phase: 'connect', fix: 'set qradar.caFile (or HARNESS_QRADAR_CA_FILE) to the PEM bundle of the CA that signed the console certificate; verification is never turned off' });
      }
      const mayRetry = c.idempotent || !te.sent;
      if (mayRetry && attempt < o.retries) {
        o.stats.retries++;
        await sleep(backoffDelay(o.backoffMs, attempt, o.random), c.signal);
        continue;
      }
      const detail = mayRetry ? `after ${attempt + 1} attempt(s)` : 'the connection dropped after the request was sent, so it is not re-sent (it may have created a search)';
      throw new QRadarError('HARNESS_QRADAR_NETWORK', o.redact(`${what}: network error talking to ${o.base.host}: ${te.message}${te.errno ? ` (${te.errno})` : ''}; ${detail}`), { phase: 'connect', retryable: true, fix: 'check qradar.url, DNS, routing and firewalls to the console; the verdicts of this run are INCONCLUSIVE, rerun when the console is reachable' });
    }
    if (c.expect.includes(res.status)) return { status: res.status, headers: res.headers, body: parseJson(o, what, res) as T };
    const err = errorFromResponse(what, res.status, tryJson(res.body), o.redact);
    // 503/1010 and 500/1020 mean the call did nothing, so even a search POST may be repeated.
    const transient = res.status === 503 || (res.status === 500 && (err.qradarCode === 1020 || err.qradarCode === undefined)) || err.qradarCode === 1010;
    if (transient && attempt < o.retries) {
      o.stats.retries++;
      await sleep(backoffDelay(o.backoffMs, attempt, o.random), c.signal);
      continue;
    }
    throw err;
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseJson(o: RequesterOptions, what: string, res: HttpResponse): unknown {
  if (res.body === '') return null;
  try {
    return JSON.parse(res.body);
  } catch {
    throw new QRadarError('HARNESS_QRADAR_BAD_RESPONSE', o.redact(`${what}: HTTP ${res.status} with a body that is not JSON: ${res.body.slice(0, 120)}`), { phase: 'query', fix: 'qradar.url must point at the console itself (https://<console>), not a login page or proxy' });
  }
}
