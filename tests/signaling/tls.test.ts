import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { checkServerIdentity as checkIdentity } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../signaling/config.ts';
import type { RunningServer } from '../../signaling/server.ts';
import { ServerPool, isPublish, sleep } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'kaifong-tls-'));
const certPath = join(dir, 'cert.pem');
const keyPath = join(dir, 'key.pem');
const pool = new ServerPool();
let server: RunningServer;
let ca: Buffer;

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:board.test,DNS:*.compound.test',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'ignore' },
  );
  ca = readFileSync(certPath);
  // through the env parser, as main.ts does it
  const { options } = configFromEnv({ TLS_CERT: certPath, TLS_KEY: keyPath, PORT: '0', STATIC_DIR: '/nonexistent' });
  server = await pool.start(options);
});

afterAll(async () => {
  await pool.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

function getJson(path: string, host?: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const headers = host === undefined ? {} : { Host: host };
    // a forged Host is the point here; the certificate is still checked against 127.0.0.1
    const checkServerIdentity = (_host: string, cert: PeerCertificate): Error | undefined =>
      checkIdentity('127.0.0.1', cert);
    const req = request(`${server.url}${path}`, { ca, agent: false, headers, checkServerIdentity }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS', () => {
  it('serves HTTPS with the configured certificate', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await getJson('/healthz')).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('advertises a wss:// signalling URL', async () => {
    const { body } = await getJson('/config.json');
    expect(body).toEqual({ signaling: [`wss://127.0.0.1:${server.port}/signal`], iceServers: [] });
  });

  it('advertises a host the certificate covers, and nothing else', async () => {
    const { port } = server;
    const signaling = async (host: string): Promise<unknown> =>
      ((await getJson('/config.json', host)).body as { signaling: unknown }).signaling;
    expect(await signaling(`board.test:${port}`)).toEqual([`wss://board.test:${port}/signal`]);
    expect(await signaling(`a.compound.test:${port}`)).toEqual([`wss://a.compound.test:${port}/signal`]);
    for (const forged of [`a.b.compound.test:${port}`, `compound.test:${port}`, `evil.example:${port}`, 'board.test']) {
      expect(await signaling(forged), forged).toEqual([`wss://127.0.0.1:${port}/signal`]);
    }
  });

  it('speaks the protocol over WSS', async () => {
    const url = `wss://127.0.0.1:${server.port}/signal`;
    const [a, b] = await Promise.all([pool.client(url, { ca }), pool.client(url, { ca })]);
    a.send({ type: 'subscribe', topics: ['secure'] });
    b.send({ type: 'subscribe', topics: ['secure'] });
    await Promise.all([a.sync(), b.sync()]);
    a.send({ type: 'publish', topic: 'secure', data: 'over tls' });
    expect((await b.next(isPublish('secure'))).json).toMatchObject({ data: 'over tls', clients: 2 });
  });

  it('rejects a client that does not trust the certificate', async () => {
    await expect(pool.client(`wss://127.0.0.1:${server.port}/signal`)).rejects.toThrow(/self-signed|certificate/i);
  });
});

describe('TLS handshake timeout', () => {
  it('closes a socket that never starts TLS, but not a WSS client that finished its handshake', async () => {
    const { options } = configFromEnv({ TLS_CERT: certPath, TLS_KEY: keyPath, HANDSHAKE_TIMEOUT_MS: '300' });
    const quick = await pool.start({ ...options, port: 0, staticDir: null });
    const client = await pool.client(`wss://127.0.0.1:${quick.port}/signal`, { ca });
    const silent = connect(quick.port, '127.0.0.1');
    const opened = Date.now();
    await new Promise((resolve) => silent.once('close', resolve));
    expect(Date.now() - opened).toBeGreaterThanOrEqual(250);
    await sleep(200); // well past the timeout for the client too
    await client.sync();
    expect(quick.metrics.abandoned.get('timeout')).toBe(1);
  });
});
