// The HTTP server on loopback that serves the harness's certificates for `#{harness_url}` (the urlcache
// behaviour). Targets reach it through the executor's reverse forward of their 127.0.0.1:8080.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const TARGET_URL_PORT = 8080;

export interface CertServer {
  readonly port: number;
  /** Serves `der` at `/<marker>.cer` until removed. */
  add(marker: string, der: Buffer): void;
  remove(marker: string): void;
  /** The URL as the target sees it: through the reverse forward (port 8080), or directly for a local target. */
  urlFor(marker: string, local?: boolean): string;
  /** Requests served per path, for the artefact check and tests. */
  hits(marker: string): number;
  close(): Promise<void>;
}

// Starts the server on 127.0.0.1 on a free port.
export async function startCertServer(): Promise<CertServer> {
  const files = new Map<string, Buffer>();
  const hitCount = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]!.replace(/^\/+/, ''));
    const marker = name.replace(/\.cer$/, '');
    const der = files.get(marker);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (!der) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    hitCount.set(marker, (hitCount.get(marker) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/pkix-cert', 'content-length': der.length });
    res.end(req.method === 'HEAD' ? undefined : der);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    add: (m, der) => void files.set(m, der),
    remove: (m) => void files.delete(m),
    urlFor: (m, local) => `http://127.0.0.1:${local ? port : TARGET_URL_PORT}/${m}.cer`,
    hits: (m) => hitCount.get(m) ?? 0,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
