// Rehearsal: drain one of two instances behind a local nginx, relaying through Redis, with clients
// that reconnect as y-webrtc does. Prints what nginx and each client saw; exits non-zero if a client
// was lost. Needs nginx (Debian: apt-get install nginx-light) and redis-server.
// Run: npx tsx bench/signaling-drain.ts

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startRedis } from '../tests/signaling/redis-server.ts';
import { freePort, signalingServer } from '../tests/support/server-process.ts';
import type { ServerProcess } from '../tests/support/server-process.ts';

const PEERS = 6;
const DRAIN_DELAY_MS = 2_000;
const RETRY_MS = 300; // y-webrtc reconnects with backoff from about this
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function nginxConfig(dir: string, port: number, upstreams: readonly number[]): string {
  const proxy = `proxy_pass http://kaifong; proxy_next_upstream error timeout http_502 http_503; proxy_http_version 1.1;`;
  return `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format up '$request_uri $status upstream=$upstream_addr upstream_status=$upstream_status';
  access_log ${dir}/access.log up;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream kaifong {
    least_conn;
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=2 fail_timeout=5s;`).join('\n')}
  }
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    location /signal {
      ${proxy}
      proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_read_timeout 120s; proxy_send_timeout 120s;
    }
    location / { ${proxy} proxy_set_header Host $host; }
  }
}
`;
}

/** A client subscribed to one room that reconnects whenever it is closed, counting what it gets. */
class Peer {
  readonly received: string[] = [];
  readonly closes: number[] = [];
  #ws: WebSocket | null = null;
  #stopped = false;

  constructor(
    readonly name: string,
    readonly url: string,
  ) {}

  open(): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(this.url);
      this.#ws = ws;
      ws.on('open', () => {
        ws.send(JSON.stringify({ type: 'subscribe', topics: ['square'] }));
        resolve();
      });
      ws.on('message', (data: Buffer) => {
        const m = JSON.parse(data.toString()) as { type?: string; data?: string };
        if (m.type === 'publish' && m.data !== undefined) this.received.push(m.data);
      });
      ws.on('error', () => {});
      ws.on('close', (code) => {
        this.closes.push(code);
        if (!this.#stopped) setTimeout(() => void this.open(), RETRY_MS);
      });
    });
  }

  publish(data: string): void {
    this.#ws?.send(JSON.stringify({ type: 'publish', topic: 'square', data }));
  }

  stop(): void {
    this.#stopped = true;
    this.#ws?.terminate();
  }
}

async function health(server: ServerProcess): Promise<string> {
  const res = await fetch(`${server.url}/healthz`).catch(() => null);
  return res === null ? 'down' : String(res.status);
}

async function main(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'kaifong-drain-'));
  const redis = await startRedis();
  const env = { REDIS_URL: redis.url, TRUST_PROXY: '1', DRAIN_DELAY_MS: String(DRAIN_DELAY_MS) };
  const [a, b] = [signalingServer({ env }), signalingServer({ env })] as const;
  await Promise.all([a.start(), b.start()]);
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, [a.port, b.port]));
  const nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'inherit' });
  const peers: Peer[] = [];
  try {
    await sleep(500);
    const url = `ws://127.0.0.1:${port}/signal`;
    peers.push(...Array.from({ length: PEERS }, (_, i) => new Peer(`peer ${i + 1}`, url)));
    await Promise.all(peers.map((p) => p.open()));
    await sleep(300);
    console.log(`${PEERS} clients through nginx; healthz: A ${await health(a)}, B ${await health(b)}`);

    const stopping = a.stop('SIGTERM');
    await sleep(DRAIN_DELAY_MS / 4);
    console.log(`A draining; healthz: A ${await health(a)}, B ${await health(b)}`);
    const newcomer = new Peer('newcomer', url);
    await newcomer.open();
    peers.push(newcomer);
    console.log('a newcomer connected during the drain');
    console.log(`A exited with ${await stopping}; healthz: A ${await health(a)}, B ${await health(b)}`);

    await sleep(RETRY_MS * 4);
    peers[0]!.publish('after the drain');
    await sleep(500);
    for (const p of peers) console.log(`  ${p.name}: closed with ${p.closes.join(', ') || 'nothing'}`);
    const reached = peers.filter((p) => p.received.includes('after the drain')).length;
    console.log(`a publish after the drain reached ${reached} of ${peers.length} clients`);
    return reached === peers.length;
  } finally {
    for (const p of peers) p.stop();
    nginx.kill('SIGQUIT');
    await new Promise((resolve) => nginx.once('exit', resolve));
    console.log(`nginx access log (a line per closed connection):\n${readFileSync(join(dir, 'access.log'), 'utf8')}`);
    await b.stop();
    await redis.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  execFileSync('nginx', ['-v'], { stdio: 'ignore' });
} catch {
  console.error('nginx is not installed (Debian: apt-get install nginx-light)');
  process.exit(2);
}
main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
