import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_GOING_AWAY } from '../../signaling/limits.ts';
import { signalingServer, type ServerProcess } from '../support/server-process.ts';
import { ServerPool, TestClient, isPublish, wsUrl } from './helpers.ts';

const pool = new ServerPool();
const spawned: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(spawned.splice(0).map((server) => server.kill()));
  await pool.closeAll();
});

/** A signalling server process, not started yet, killed after the test. */
function serverProcess(env: Record<string, string>): ServerProcess {
  const server = signalingServer({ env });
  spawned.push(server);
  return server;
}

describe('graceful shutdown in process', () => {
  it('reports draining, refuses newcomers, closes clients with 1001, then stops', async () => {
    const server = await pool.start({ drainDelayMs: 300 });
    const a = await pool.client(server);
    a.send({ type: 'subscribe', topics: ['r'] });
    await a.sync();

    const closing = server.close();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'draining' });
    await expect(TestClient.connect(wsUrl(server))).rejects.toThrow(/503/);
    // still relaying during the drain window
    a.send({ type: 'publish', topic: 'r', data: 'last words' });
    expect((await a.next(isPublish('r'))).json).toMatchObject({ data: 'last words' });

    expect(await a.closed).toBe(CLOSE_GOING_AWAY);
    await closing;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('is bounded even when a client never completes the close handshake', async () => {
    const server = await pool.start({ limits: { shutdownTimeoutMs: 300 } });
    // a raw socket that upgrades, then ignores everything the server sends
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.resume(); // read and discard: it never answers the close frame
    socket.write(
      'GET /signal HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await expect.poll(() => server.stats().connections).toBe(1);
    const socketClosed = new Promise((resolve) => socket.once('close', resolve));
    const started = Date.now();
    await server.close();
    await socketClosed;
    // 300 ms shutdown bound plus slack; without the bound ws would wait 30 s for the handshake
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(server.stats().connections).toBe(0);
  });
});

describe('main.ts as a process', () => {
  it('prints the listening line, then exits 0 on SIGTERM after closing clients with 1001', async () => {
    const server = serverProcess({ LOG_LEVEL: 'error' });
    await server.start();
    const { port, lines } = server;
    // the listening line is printed whatever LOG_LEVEL says
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'info', msg: 'listening', port, host: '127.0.0.1' });
    const a = await pool.client(`ws://127.0.0.1:${port}/signal`);
    await a.sync();
    const stopped = server.stop('SIGTERM');
    expect(await a.closed).toBe(CLOSE_GOING_AWAY);
    expect(await stopped).toBe(0);
  });

  it('exits on SIGINT too', async () => {
    const server = serverProcess({});
    await server.start();
    expect(await server.stop('SIGINT')).toBe(0);
  });

  it('refuses a bad configuration with a readable error', async () => {
    const server = serverProcess({ ICE_SERVERS: '{"urls":"stun:x"}' });
    await expect(server.start()).rejects.toThrow(/exited \(2\) before it was ready/);
    expect(await server.exited).toBe(2);
    expect(JSON.parse(server.lines.join('\n'))).toMatchObject({
      level: 'error',
      msg: 'bad configuration',
      error: expect.stringMatching(/ICE_SERVERS/),
    });
  });
});
