// A loopback TCP relay: listens on host:port and pipes each connection to another local address.
// Used by the local executor to honour forwardRemotePort when the two ports differ.
import { createServer, connect, type Socket } from 'node:net';
import { HarnessError } from '../errors.js';
import type { PortForward } from './types.js';

// Starts the relay; resolves once it listens.
export async function relay(listenHost: string, listenPort: number, toHost: string, toPort: number): Promise<PortForward> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(toPort, toHost);
    sockets.add(inbound).add(outbound);
    const drop = (): void => { inbound.destroy(); outbound.destroy(); sockets.delete(inbound); sockets.delete(outbound); };
    inbound.on('error', drop).on('close', drop);
    outbound.on('error', drop).on('close', drop);
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new HarnessError('HARNESS_EXEC_FORWARD', `cannot listen on ${listenHost}:${listenPort}: ${e.message}`, { phase: 'exec', fix: 'free that port or choose another', cause: e })));
    server.listen(listenPort, listenHost, () => resolve());
  });
  return {
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
