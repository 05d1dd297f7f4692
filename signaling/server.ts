// HTTP(S) + WebSocket front: routes, upgrades, heartbeat and graceful shutdown.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv6 } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HubSocket } from './hub-socket.ts';
import type { Client } from './hub.ts';
import { Hub } from './hub.ts';
import { CLOSE_GOING_AWAY, DEFAULT_LIMITS, HEARTBEAT_SLICES, PENDING_GRACE_MS } from './limits.ts';
import { closeListener, createListener, listen } from './listener.ts';
import type { Limits } from './limits.ts';
import { silentLogger } from './log.ts';
import type { Logger } from './log.ts';
import { METRICS_PATH, behindToken, metricsHandler, metricsUrlOf, startMetricsListener } from './metrics-endpoint.ts';
import { Metrics } from './metrics.ts';
import type { Gauges } from './metrics.ts';
import { OriginPolicy } from './origin.ts';
import { PendingConnections } from './pending.ts';
import { SIGNAL_PATH } from './protocol.ts';
import type { Relay } from './relay.ts';
import { SignalUrls } from './signal-urls.ts';
import { createStaticHandler } from './static.ts';
import type { HttpHandler } from './static.ts';
import { UpgradeGuard, pathnameOf } from './upgrade-guard.ts';

export { addressKey } from './address.ts';
export { SIGNAL_PATH } from './protocol.ts';

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
  /** Overrides the signalling URLs in /config.json (default: PUBLIC_URL, else this server's address). */
  readonly signalingUrls?: readonly string[] | null;
  /** The app's address as residents open it (`https://board.example.hk`): advertised, and an allowed origin. */
  readonly publicUrl?: string | null;
  readonly limits?: Partial<Limits>;
  readonly logger?: Logger;
  /** Relay through Redis pub/sub when set. */
  readonly redisUrl?: string | null;
  /** PEM certificate and key: serve HTTPS/WSS. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer } | null;
  /** Origins besides the app's own whose pages may open WebSockets (e.g. `https://app.example`). */
  readonly allowedOrigins?: readonly string[];
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  readonly trustProxy?: boolean;
  /** A listener of its own for /metrics (0: any free port); null: none. */
  readonly metricsPort?: number | null;
  /** Where that listener binds; loopback by default. */
  readonly metricsHost?: string;
  /** Serve /metrics on the app's port too, to requests with `Authorization: Bearer <token>`. */
  readonly metricsToken?: string | null;
  /** Time /healthz reports draining before connections are closed, so a balancer can react. */
  readonly drainDelayMs?: number;
}

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  /** Live counts, for tests and the bench. */
  stats(): { connections: number; topics: number; subscriptions: number; dropped: number };
  readonly metrics: Metrics;
  /** /metrics on its own listener, or null when METRICS_PORT is not set. */
  readonly metricsUrl: string | null;
  /** Graceful: drain, close clients with 1001, stop; bounded by `limits.shutdownTimeoutMs`. */
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Resets before ws takes over must not become uncaught errors; one function for every socket, taken off once ws listens. */
const ignore = (): void => {};

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.logger ?? silentLogger;
  const tls = options.tls ?? null;
  const trustProxy = options.trustProxy ?? false;
  const iceServers = options.iceServers ?? [];
  const publicUrl = options.publicUrl ?? null;
  const signalUrls = new SignalUrls({
    signalingUrls: options.signalingUrls ?? null,
    publicUrl,
    tlsCert: tls?.cert ?? null,
    bindHost: options.host ?? '127.0.0.1',
    log,
  });

  let relay: Relay | null = null;
  const metrics: Metrics = new Metrics((): Gauges => ({
    connections: hub.clients.size,
    topics: hub.rooms.size,
    subscriptions: hub.rooms.subscriptions,
    addresses: guard.addresses.addresses,
    pending: pending.size,
    relayUp: relay === null ? null : relay.up ? 1 : 0,
  }));
  const origins = new OriginPolicy([
    ...(options.allowedOrigins ?? []),
    ...(publicUrl === null ? [] : [new URL(publicUrl).origin]),
  ]);
  const guard = new UpgradeGuard({ limits, metrics, trustProxy, originAllowed: (req) => origins.allows(req) });
  const pending = new PendingConnections({
    maxPerAddress: limits.maxPendingPerAddress,
    graceMs: PENDING_GRACE_MS,
    maxTotal: limits.maxPendingConnections,
    timeoutMs: limits.handshakeTimeoutMs,
    onAbandon: (reason) => metrics.abandon(reason),
  });
  const hub: Hub = new Hub(limits, metrics, log);
  if (options.redisUrl) {
    // loaded only when used: ioredis is dead weight on a single laptop
    const { RedisRelay } = await import('./relay.ts');
    relay = new RedisRelay({
      url: options.redisUrl,
      deliver: (t, raw) => hub.deliver(t, Buffer.from(raw)),
      metrics,
      log,
    });
    hub.useRelay(relay);
  }

  const files: HttpHandler | null = options.staticDir ? createStaticHandler(options.staticDir) : null;
  const renderMetrics = metricsHandler(metrics);
  const guardedMetrics = behindToken(renderMetrics, options.metricsToken ?? null);

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    switch (pathnameOf(req)) {
      case '/healthz':
        return guard.draining ? json(res, 503, { status: 'draining' }) : json(res, 200, { status: 'ready' });
      case METRICS_PATH:
        return guardedMetrics(req, res);
      case '/config.json': {
        const scheme = forwardedProto(req) ?? (tls ? 'wss' : 'ws');
        return json(res, 200, { signaling: signalUrls.forRequest(req, scheme, port), iceServers });
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
    WebSocket: HubSocket<Client>,
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', ignore);
    const address = guard.admit(req, socket);
    if (address === null) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('error', ignore); // ws listens for them now: one listener less on every connection
      if (guard.draining) ws.close(CLOSE_GOING_AWAY, 'server shutting down');
      else hub.attach(ws, socket, address);
    });
  };

  const server = createListener({ tls, limits, pending, log, onRequest, onUpgrade });
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1', log);
  const metricsHost = options.metricsHost ?? '127.0.0.1';
  const metricsServer =
    options.metricsPort === undefined || options.metricsPort === null
      ? null
      : await startMetricsListener(options.metricsPort, metricsHost, renderMetrics, { limits, pending, log });
  const heartbeat = setInterval(() => hub.heartbeat.tick(), limits.heartbeatIntervalMs / HEARTBEAT_SLICES);
  heartbeat.unref();

  let closing: Promise<void> | null = null;
  const shutdown = async (): Promise<void> => {
    guard.draining = true;
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
    if (metricsServer !== null) await closeListener(metricsServer);
    await relay?.stop();
    await closed;
  };

  const host = options.host ?? '127.0.0.1';
  const urlHost = isIPv6(host) ? `[${host}]` : host;
  return {
    port,
    url: `${tls ? 'https' : 'http'}://${urlHost}:${port}`,
    metricsUrl: metricsServer === null ? null : metricsUrlOf(metricsServer, metricsHost),
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
