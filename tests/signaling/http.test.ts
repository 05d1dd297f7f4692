import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../signaling/server.ts';
import { ServerPool, makeStaticDir } from './helpers.ts';

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function getRaw(port: number, path: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const METRICS_TOKEN = 'http-test-metrics-token';

const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self' ws: wss: http: https:; worker-src 'self' blob:; manifest-src 'self'; " +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

function expectSecurityHeaders(res: Response): void {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['content-security-policy']).toBe(CSP);
}

describe('static app', () => {
  const pool = new ServerPool();
  const statics = makeStaticDir();
  let server: RunningServer;
  beforeAll(async () => {
    server = await pool.start({ staticDir: statics.dir, metricsToken: METRICS_TOKEN });
  });
  afterAll(async () => {
    await pool.closeAll();
    statics.cleanup();
  });

  it('serves index.html with no-cache and security headers', async () => {
    const res = await get(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body.toString()).toContain('<title>Kaifong</title>');
    expectSecurityHeaders(res);
  });

  it.each(['/assets/index-B1a2c3d4.js', '/assets/index-D5e6f7a8.css'])(
    'serves hashed %s as immutable',
    async (path) => {
      const res = await get(`${server.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expectSecurityHeaders(res);
    },
  );

  it.each(['/index.html', '/sw.js', '/registerSW.js', '/workbox-1a2b3c4d.js', '/manifest.webmanifest'])(
    'serves %s with no-cache',
    async (path) => {
      const res = await get(`${server.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
    },
  );

  it('falls back to index.html for app routes but 404s for missing files', async () => {
    const route = await get(`${server.url}/post/abc123`);
    expect(route.status).toBe(200);
    expect(route.body.toString()).toContain('<title>Kaifong</title>');
    expect(route.headers['cache-control']).toBe('no-cache');
    expect((await get(`${server.url}/assets/missing-0000.js`)).status).toBe(404);
    expect((await get(`${server.url}/nothing.png`)).status).toBe(404);
  });

  it('compresses with gzip and brotli', async () => {
    const plain = await get(`${server.url}/assets/index-B1a2c3d4.js`);
    const gz = await get(`${server.url}/assets/index-B1a2c3d4.js`, { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    const br = await get(`${server.url}/`, { 'Accept-Encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toContain('<title>Kaifong</title>');
  });

  it('answers revalidation with 304', async () => {
    const first = await get(`${server.url}/sw.js`);
    const etag = first.headers.etag;
    expect(etag).toBeTruthy();
    expect((await get(`${server.url}/sw.js`, { 'If-None-Match': String(etag) })).status).toBe(304);
  });

  it('serves a rebuilt file with its new contents and length', async () => {
    const before = await get(`${server.url}/sw.js`);
    writeFileSync(join(statics.dir, 'sw.js'), '/* rebuilt, and longer than before */\n'.repeat(3));
    const after = await get(`${server.url}/sw.js`);
    expect(after.body.toString()).toBe('/* rebuilt, and longer than before */\n'.repeat(3));
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('hides dotfiles and refuses traversal', async () => {
    writeFileSync(join(statics.dir, '.env'), 'SECRET=1');
    // raw paths: a URL object would normalise the dots away before sending
    for (const path of ['/.env', '/%2eenv', '/assets/../.env', '/assets/%2e%2e/.env', '/%2e%2e/%2e%2e/etc/passwd']) {
      const res = await getRaw(server.port, path);
      expect(res.status, path).toBe(404);
      expect(res.body.toString(), path).not.toContain('SECRET');
    }
  });

  it('refuses other methods', async () => {
    expect((await get(`${server.url}/`, {}, 'POST')).status).toBe(405);
  });

  it('serves /config.json for the address it was reached at, not cached', async () => {
    const res = await get(`${server.url}/config.json`, { Host: `localhost:${server.port}` });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(res.body.toString())).toEqual({
      signaling: [`ws://localhost:${server.port}/signal`],
      iceServers: [],
    });
    expectSecurityHeaders(res);
  });

  it('/healthz is ready and /metrics is Prometheus text', async () => {
    const health = await get(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toEqual({ status: 'ready' });
    const metrics = await get(`${server.url}/metrics`, { Authorization: `Bearer ${METRICS_TOKEN}` });
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = metrics.body.toString();
    for (const name of [
      'signaling_connections',
      'signaling_topics',
      'signaling_messages_in_total',
      'signaling_messages_out_total',
      'signaling_bytes_in_total',
      'signaling_drops_total',
      'signaling_fanout_seconds_bucket',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name.replace(/_bucket$/, '')} `, 'm'));
    }
  });
});

describe('configuration variants', () => {
  const pool = new ServerPool();
  afterAll(() => pool.closeAll());

  it('uses SIGNALING_URLS and ICE servers when given', async () => {
    const iceServers = [{ urls: 'stun:stun.example:3478' }];
    const server = await pool.start({
      signalingUrls: ['wss://a.example/signal', 'wss://b.example/signal'],
      iceServers,
    });
    const res = await get(`${server.url}/config.json`);
    expect(JSON.parse(res.body.toString())).toEqual({
      signaling: ['wss://a.example/signal', 'wss://b.example/signal'],
      iceServers,
    });
  });

  it('still runs without a built app: 503 with a clear message', async () => {
    const server = await pool.start({ staticDir: '/nonexistent/kaifong-dist' });
    const res = await get(`${server.url}/`);
    expect(res.status).toBe(503);
    expect(res.body.toString()).toMatch(/not built/);
    expectSecurityHeaders(res);
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
  });
});
