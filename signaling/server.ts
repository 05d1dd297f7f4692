// HTTP(S) + WebSocket front: routes, upgrade admission, heartbeat and graceful shutdown.

import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIPv6 } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { Hub } from './hub.ts';
import { AddressCounter, CLOSE_GOING_AWAY, DEFAULT_LIMITS, HEARTBEAT_SLICES } from './limits.ts';
import type { Limits } from './limits.ts';
import { silentLogger } from './log.ts';
import type { Logger } from './log.ts';
import { Metrics } from './metrics.ts';
import type { Gauges, RejectReason } from './metrics.ts';
import type { Relay } from './relay.ts';
import { createStaticHandler, withCompression } from './static.ts';
import type { HttpHandler } from './static.ts';

/** The WebSocket path clients connect to. */
export const SIGNAL_PATH = '/signal';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss: http: https:; " +
    "worker-src 'self' blob:; manifest-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
});

export interface ServerOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Directory of the built app; null serves no files. */
  readonly staticDir?: string | null;
  readonly iceServers?: readonly unknown[];
  /** Overrides the signalling URLs in /config.json (default: derived from the request). */
  readonly signalingUrls?: readonly string[] | null;
  readonly limits?: Partial<Limits>;
  readonly logger?: Logger;
  /** Relay through Redis pub/sub when set. */
  readonly redisUrl?: string | null;
  /** PEM certificate and key: serve HTTPS/WSS. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer } | null;
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  readonly trustProxy?: boolean;
  /** Time /healthz reports draining before connections are closed, so a balancer can react. */
  readonly drainDelayMs?: number;
}

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  /** Live counts, for tests and the bench. */
  stats(): { connections: number; topics: number; subscriptions: number; dropped: number };
  readonly metrics: Metrics;
  /** Graceful: drain, close clients with 1001, stop; bounded by `limits.shutdownTimeoutMs`. */
  close(): Promise<void>;
}

/** Key for per-address limits: IPv4 as is, IPv6 by /64 (one host usually owns the whole /64). */
export function addressKey(ip: string): string {
  if (ip.startsWith('::ffff:') && ip.includes('.')) return ip.slice(7);
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::')
    ? [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, '').toLowerCase())
    .join(':')}::/64`;
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const value = Array.isArray(forwarded) ? forwarded.at(-1) : forwarded;
    // the rightmost entry is the one our own proxy appended
    const last = value?.split(',').at(-1)?.trim();
    if (last) return addressKey(last);
  }
  return addressKey(req.socket.remoteAddress ?? 'unknown');
}

const REJECT_STATUS: Record<RejectReason, string> = {
  address_limit: '429 Too Many Requests',
  capacity: '503 Service Unavailable',
  draining: '503 Service Unavailable',
  bad_path: '404 Not Found',
};

function refuseUpgrade(socket: Duplex, reason: RejectReason): void {
  socket.end(`HTTP/1.1 ${REJECT_STATUS[reason]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function pathnameOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.logger ?? silentLogger;
  const tls = options.tls ?? null;
  const trustProxy = options.trustProxy ?? false;
  const iceServers = options.iceServers ?? [];
  const signalingUrls = options.signalingUrls ?? null;

  const addresses = new AddressCounter(limits.maxConnectionsPerAddress);
  let sockets = 0;
  let draining = false;
  let relay: Relay | null = null;

  const metrics: Metrics = new Metrics((): Gauges => ({
    connections: hub.clients.size,
    topics: hub.rooms.size,
    subscriptions: hub.rooms.subscriptions,
    addresses: addresses.addresses,
    relayUp: relay === null ? null : relay.up ? 1 : 0,
  }));
  const hub: Hub = new Hub(limits, metrics, log);
  if (options.redisUrl) {
    // loaded only when used: ioredis is dead weight on a single laptop
    const { RedisRelay } = await import('./relay.ts');
    relay = new RedisRelay({ url: options.redisUrl, deliver: (t, raw) => hub.deliver(t, raw), metrics, log });
    hub.useRelay(relay);
  }

  const files: HttpHandler | null = options.staticDir ? createStaticHandler(options.staticDir) : null;
  const renderMetrics = withCompression((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(metrics.render());
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    switch (pathnameOf(req)) {
      case '/healthz':
        return draining ? json(res, 503, { status: 'draining' }) : json(res, 200, { status: 'ready' });
      case '/metrics':
        return renderMetrics(req, res);
      case '/config.json': {
        const proto = forwardedProto(req) ?? (tls ? 'wss' : 'ws');
        const host = req.headers.host ?? `${options.host ?? '127.0.0.1'}:${port}`;
        return json(res, 200, { signaling: signalingUrls ?? [`${proto}://${host}${SIGNAL_PATH}`], iceServers });
      }
      case SIGNAL_PATH:
        res.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' });
        return void res.end('WebSocket upgrade required\n');
    }
    if (files) return files(req, res);
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('Kaifong signalling server: no app is served here (STATIC_DIR not set).\n');
  };

  const forwardedProto = (req: IncomingMessage): 'ws' | 'wss' | null => {
    if (!trustProxy) return null;
    const value = req.headers['x-forwarded-proto'];
    const proto = (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
    return proto === 'https' ? 'wss' : proto === 'http' ? 'ws' : null;
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => {}); // resets before ws takes over must not become uncaught errors
    const reject = (reason: RejectReason): void => {
      metrics.reject(reason);
      refuseUpgrade(socket, reason);
    };
    if (pathnameOf(req) !== SIGNAL_PATH) return reject('bad_path');
    if (draining) return reject('draining');
    if (sockets >= limits.maxConnections) return reject('capacity');
    const address = clientAddress(req, trustProxy);
    if (!addresses.acquire(address)) return reject('address_limit');
    // count from here (not from the open event) so pending handshakes cannot overshoot the caps
    sockets++;
    socket.once('close', () => {
      sockets--;
      addresses.release(address);
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (draining) ws.close(CLOSE_GOING_AWAY, 'server shutting down');
      else hub.attach(ws, address);
    });
  };

  // a bug in a handler must cost one request, not the process
  const guardRequest = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      onRequest(req, res);
    } catch (err) {
      log.error('request handler failed', { error: String(err) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end();
    }
  };
  const guardUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    try {
      onUpgrade(req, socket, head);
    } catch (err) {
      log.error('upgrade handler failed', { error: String(err) });
      socket.destroy();
    }
  };

  const server: Server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key }, guardRequest)
    : createHttpServer(guardRequest);
  server.on('upgrade', guardUpgrade);
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // e.g. EMFILE on accept: without a listener node would throw it
  server.on('error', (err: NodeJS.ErrnoException) => log.error('server error', { code: err.code ?? 'unknown' }));
  const port = (server.address() as AddressInfo).port;
  const heartbeat = setInterval(() => hub.heartbeat(), limits.heartbeatIntervalMs / HEARTBEAT_SLICES);
  heartbeat.unref();

  let closing: Promise<void> | null = null;
  const shutdown = async (): Promise<void> => {
    draining = true;
    if (options.drainDelayMs) await delay(options.drainDelayMs);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    hub.closeAll(CLOSE_GOING_AWAY, 'server shutting down');
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      hub.whenEmpty(),
      new Promise((resolve) => (timer = setTimeout(resolve, limits.shutdownTimeoutMs))),
    ]);
    clearTimeout(timer);
    hub.terminateAll();
    await hub.whenEmpty();
    clearInterval(heartbeat);
    metrics.stop();
    server.closeAllConnections();
    await relay?.stop();
    await closed;
  };

  const host = options.host ?? '127.0.0.1';
  const urlHost = isIPv6(host) ? `[${host}]` : host;
  return {
    port,
    url: `${tls ? 'https' : 'http'}://${urlHost}:${port}`,
    metrics,
    stats: () => ({
      connections: hub.clients.size,
      topics: hub.rooms.size,
      subscriptions: hub.rooms.subscriptions,
      dropped: metrics.dropped,
    }),
    close: () => (closing ??= shutdown()),
  };
}
