// The HTTP transport of the Ariel client: node:https with an Agent that trusts the configured CA bundle
// (TLS verified by default; no undici dependency), node:http only when a lab explicitly allows it.
// Network failures are classified so the client knows whether a POST may have reached the server.
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A network-level failure. `sent` is false when the request certainly never reached the server. */
export class TransportError extends Error {
  readonly sent: boolean;
  readonly errno?: string;
  constructor(message: string, sent: boolean, errno?: string) {
    super(message);
    this.sent = sent;
    this.errno = errno;
  }
}

export type Transport = (req: HttpRequest) => Promise<HttpResponse>;

// Errors raised before any byte of the request could reach the server.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);

/** TLS errors are configuration problems, not transient faults: never retried. */
export const TLS_ERRORS = new Set(['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);

// Builds a transport over node:http(s); `ca` (PEM) is added to the trust used to verify the console.
export function nodeTransport(opts: { ca?: string | Buffer } = {}): Transport {
  const httpsAgent = new HttpsAgent({ keepAlive: true, ca: opts.ca, rejectUnauthorized: true, maxSockets: 16 });
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  return (req) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const isHttps = req.url.protocol === 'https:';
      const fn = isHttps ? httpsRequest : httpRequest;
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body);
      let connected = false;
      const r = fn(req.url, { method: req.method, headers, agent: isHttps ? httpsAgent : httpAgent, signal: req.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (e) => reject(new TransportError(`response interrupted: ${e.message}`, true, (e as NodeJS.ErrnoException).code)));
      });
      r.on('socket', (s) => {
        // A reused keep-alive socket is already connected; a new one reports connect/secureConnect.
        if (!s.connecting) connected = true;
        else s.once(isHttps ? 'secureConnect' : 'connect', () => (connected = true));
      });
      r.setTimeout(req.timeoutMs, () => r.destroy(Object.assign(new Error(`no response within ${req.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      r.on('error', (e: NodeJS.ErrnoException) => {
        const code = e.code ?? e.name;
        const sent = connected && !NOT_SENT.has(code ?? '');
        reject(new TransportError(e.message, sent, code));
      });
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
}
