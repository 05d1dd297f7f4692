// Shared helpers for the signalling tests: real servers on port 0, a small WebSocket test client.
// Servers as child processes: tests/support/server-process.ts.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { ClientOptions, RawData } from 'ws';
import { startServer } from '../../signaling/server.ts';
import type { RunningServer, ServerOptions } from '../../signaling/server.ts';

export const wsUrl = (server: RunningServer): string => `${server.url.replace(/^http/, 'ws')}/signal`;

/** Starts servers and closes every one of them in `closeAll` (call it from afterEach/afterAll). */
export class ServerPool {
  readonly #servers: RunningServer[] = [];
  readonly #clients: TestClient[] = [];

  async start(options: ServerOptions = {}): Promise<RunningServer> {
    const server = await startServer({ port: 0, host: '127.0.0.1', staticDir: null, ...options });
    this.#servers.push(server);
    return server;
  }

  async client(server: RunningServer | string, options?: ClientOptions): Promise<TestClient> {
    const client = await TestClient.connect(typeof server === 'string' ? server : wsUrl(server), options);
    this.#clients.push(client);
    return client;
  }

  async closeAll(): Promise<void> {
    for (const c of this.#clients.splice(0)) c.terminate();
    await Promise.all(this.#servers.splice(0).map((s) => s.close()));
  }
}

export interface Received {
  readonly text: string;
  readonly json: unknown;
}

/** A WebSocket client that queues what it receives, for step-by-step assertions. */
export class TestClient {
  readonly received: Received[] = [];
  readonly #waiters: (() => void)[] = [];
  closeCode: number | null = null;
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: RawData) => {
      const text = (data as Buffer).toString('utf8');
      let json: unknown = undefined;
      try {
        json = JSON.parse(text);
      } catch {
        // servers only send JSON; leave undefined so the assertion shows the text
      }
      this.received.push({ text, json });
      for (const wake of this.#waiters.splice(0)) wake();
    });
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => {
      ws.on('close', (code) => {
        this.closeCode = code;
        for (const wake of this.#waiters.splice(0)) wake();
        resolve(code);
      });
    });
  }

  static connect(url: string, options?: ClientOptions): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Wait for the next received message matching `match` (consumed from the queue). */
  async next(match: (m: Received) => boolean = () => true, timeoutMs = 3_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex(match);
      if (i >= 0) return this.received.splice(i, 1)[0] as Received;
      if (this.closeCode !== null) throw new Error(`closed (${this.closeCode}) while waiting for a message`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a message');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Round trip a ping so everything sent before it has been processed by the server. */
  async sync(): Promise<void> {
    this.send({ type: 'ping' });
    await this.next((m) => (m.json as { type?: unknown } | undefined)?.type === 'pong');
  }

  terminate(): void {
    this.ws.terminate();
  }
}

export const isPublish =
  (topic: string) =>
  (m: Received): boolean => {
    const j = m.json as { type?: unknown; topic?: unknown } | undefined;
    return j?.type === 'publish' && j.topic === topic;
  };

/** A throwaway directory shaped like a Vite build. */
export function makeStaticDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kaifong-static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><title>Kaifong</title></head><body>${'<p>街坊</p>'.repeat(200)}</body></html>`,
  );
  writeFileSync(join(dir, 'assets', 'index-B1a2c3d4.js'), `console.log(${JSON.stringify('x'.repeat(4000))})\n`);
  writeFileSync(join(dir, 'assets', 'index-D5e6f7a8.css'), 'body{margin:0}\n'.repeat(200));
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("install",()=>{})\n');
  writeFileSync(join(dir, 'registerSW.js'), 'navigator.serviceWorker.register("/sw.js")\n');
  writeFileSync(join(dir, 'workbox-1a2b3c4d.js'), '/* workbox */\n');
  writeFileSync(join(dir, 'manifest.webmanifest'), JSON.stringify({ name: 'Kaifong', start_url: '/' }));
  writeFileSync(join(dir, 'icon-192.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll until `check` returns true or fail after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A WebSocket upgrade written by hand on a raw socket: the status it got and the socket, still open on 101. */
export function rawUpgrade(
  port: number,
  headers: Readonly<Record<string, string>> = {},
  localAddress = '127.0.0.1',
): Promise<{ status: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    let head = '';
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      if (head.includes('\r\n')) return;
      head += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      if (status !== undefined) resolve({ status: Number(status), socket });
    });
    socket.once('close', () => reject(new Error(`closed without a status line: ${JSON.stringify(head)}`)));
    const lines = Object.entries({
      Host: `127.0.0.1:${port}`,
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version': '13',
      ...headers,
    }).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`GET /signal HTTP/1.1\r\n${lines.join('')}\r\n`);
  });
}

/** One HTTP request written by hand, with any Host or none (HTTP/1.0 keeps the body unchunked); resolves once the server closes. */
export function rawRequest(port: number, head: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.once('error', reject);
    socket.once('close', () => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(`${head.replace(/\r?\n/g, '\r\n')}Connection: close\r\n\r\n`);
  });
}
