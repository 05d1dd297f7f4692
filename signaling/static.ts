// Serves the Vite build: long-lived caching for hashed assets, revalidation for everything else,
// SPA fallback to index.html; brotli and gzip made at build time (vite.config.ts), sent as they
// are; anything without them is compressed on the fly.

import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import compression from 'compression';
import sirv from 'sirv';

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Cache-Control for files whose name carries a content hash (Vite's `assets/`). */
export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
/** Cache-Control for entry points (index.html, sw.js, manifest…): always revalidate. */
export const CACHE_REVALIDATE = 'no-cache';

const NOT_BUILT =
  'Kaifong: the app is not built on this server (no index.html in STATIC_DIR).\n' +
  'Run `npm run build`, or set STATIC_DIR. Signalling on /signal works regardless.\n';

/** A path segment starting with a dot (other than /.well-known/), raw or percent-encoded. */
const HIDDEN = /\/(?:\.|%2e)(?!well-known\/)/i;

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

// compression's types are written for Express; it only uses node's req/res.
const compress = compression() as unknown as Middleware;

/** Wrap a handler with on-the-fly gzip/brotli (negotiated by Accept-Encoding). */
export function withCompression(handler: HttpHandler): HttpHandler {
  return (req, res) => compress(req, res, () => handler(req, res));
}

export function cacheControlFor(pathname: string): string {
  return pathname.startsWith('/assets/') ? CACHE_IMMUTABLE : CACHE_REVALIDATE;
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

/** Static file handler for `dir`; answers 503 until `dir/index.html` exists. */
export function createStaticHandler(dir: string): HttpHandler {
  let serve: HttpHandler | null = null;
  const load = (): HttpHandler | null => {
    // checked per request until present, so building after the server started works
    if (!existsSync(join(dir, 'index.html'))) return null;
    const files = sirv(dir, {
      // stat per request rather than a file list cached at start: a rebuild while the server
      // runs must not serve new contents under old lengths (a few syscalls; fine at this scale)
      dev: true,
      etag: true,
      single: true,
      brotli: true,
      gzip: true,
      setHeaders: (res, pathname) => {
        res.setHeader('Cache-Control', cacheControlFor(pathname));
      },
      onNoMatch: (_req, res) => text(res, 404, 'Not found\n'),
    });
    return withCompression((req, res) => files(req, res));
  };
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      text(res, 405, 'Method not allowed\n');
      return;
    }
    if (HIDDEN.test((req.url ?? '/').split('?')[0] ?? '/')) {
      // sirv's per-request mode does not filter dotfiles itself
      text(res, 404, 'Not found\n');
      return;
    }
    serve ??= load();
    if (serve === null) text(res, 503, NOT_BUILT);
    else serve(req, res);
  };
}
