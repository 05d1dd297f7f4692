// Where /metrics is served. Never openly on the app's port: it tells anyone how many residents and
// rooms are online and when, and a scrape costs the server work. Either on a listener of its own
// (loopback by default) or on the app's port behind a bearer token; otherwise it answers 404.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createListener, listen } from './listener.ts';
import type { ListenerOptions } from './listener.ts';
import type { Metrics } from './metrics.ts';
import { withCompression } from './static.ts';
import type { HttpHandler } from './static.ts';
import { pathnameOf } from './upgrade-guard.ts';

/** The path Prometheus scrapes. */
export const METRICS_PATH = '/metrics';

/** Prometheus text for `metrics`. */
export function metricsHandler(metrics: Metrics): HttpHandler {
  return withCompression((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(metrics.render());
  });
}

function notFound(res: Parameters<HttpHandler>[1]): void {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end('Not found\n');
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** `handler` for requests with `Authorization: Bearer <token>`; 404 for all others (and for all when token is null). */
export function behindToken(handler: HttpHandler, token: string | null): HttpHandler {
  // hashed to equal lengths, so the comparison takes the same time however much of it matches
  const expected = token === null ? null : digest(`Bearer ${token}`);
  return (req, res) => {
    const given = req.headers.authorization;
    if (expected === null || given === undefined || !timingSafeEqual(digest(given), expected)) return notFound(res);
    handler(req, res);
  };
}

/** A listener that serves only /metrics, e.g. on 127.0.0.1 for a Prometheus on the same machine. */
export async function startMetricsListener(
  port: number,
  host: string,
  handler: HttpHandler,
  options: Omit<ListenerOptions, 'tls' | 'onRequest' | 'onUpgrade'>,
): Promise<Server> {
  const onRequest: HttpHandler = (req, res) => (pathnameOf(req) === METRICS_PATH ? handler(req, res) : notFound(res));
  const server = createListener({ ...options, tls: null, onRequest });
  await listen(server, port, host, options.log);
  return server;
}

/** The URL a listener from startMetricsListener serves /metrics at. */
export function metricsUrlOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}${METRICS_PATH}`;
}
