// An HTTP(S) server hardened against slow and half-open clients: Node's request timeouts, the bound
// on pending connections, and handlers whose bugs cost one request rather than the process.

import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { CONNECTIONS_CHECK_INTERVAL_MS } from './limits.ts';
import type { Limits } from './limits.ts';
import type { Logger } from './log.ts';
import type { PendingConnections } from './pending.ts';

/** What createListener needs: TLS, the limits, the pending tracker, and the two handlers. */
export interface ListenerOptions {
  /** PEM certificate and key: HTTPS. */
  readonly tls: { readonly cert: string | Buffer; readonly key: string | Buffer } | null;
  readonly limits: Limits;
  readonly pending: PendingConnections;
  readonly log: Logger;
  readonly onRequest: (req: IncomingMessage, res: ServerResponse) => void;
  readonly onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

/** A server (not listening yet) whose every connection must complete a request in time. */
export function createListener(options: ListenerOptions): Server {
  const { tls, limits, pending, log, onRequest, onUpgrade } = options;
  const guardRequest = (req: IncomingMessage, res: ServerResponse): void => {
    pending.settle(req.socket);
    try {
      onRequest(req, res);
    } catch (err) {
      log.error('request handler failed', { error: String(err) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end();
    }
  };
  const timeouts = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(CONNECTIONS_CHECK_INTERVAL_MS, limits.headersTimeoutMs / 2),
  };
  const server: Server = tls
    ? createHttpsServer({ ...timeouts, ...tls }, guardRequest)
    : createHttpServer(timeouts, guardRequest);
  // the raw TCP socket, for TLS too: a peer that never finishes its TLS handshake is pending as well
  server.on('connection', (socket: Socket) => pending.admit(socket));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    pending.settle(req.socket);
    try {
      if (onUpgrade) onUpgrade(req, socket, head);
      else socket.destroy();
    } catch (err) {
      log.error('upgrade handler failed', { error: String(err) });
      socket.destroy();
    }
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    socket.destroy();
  });
  return server;
}

/** Listen on `host:port` (0: any free port); resolves with the port. Later errors are logged, not thrown. */
export async function listen(server: Server, port: number, host: string, log: Logger): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // e.g. EMFILE on accept: without a listener node would throw it
  server.on('error', (err: NodeJS.ErrnoException) => log.error('server error', { code: err.code ?? 'unknown' }));
  return (server.address() as AddressInfo).port;
}

/** Stop listening and close every connection; resolves once closed. */
export function closeListener(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}
