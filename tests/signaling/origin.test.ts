// Cross-site sockets (issue 9, attack 2): any page a resident visited could open 128 sockets from
// the resident's address and lock the whole compound behind that NAT out with 429.

import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CONNECTIONS_PER_ADDRESS } from '../../signaling/limits.ts';
import { ServerPool, TestClient, isPublish, rawUpgrade, wsUrl } from './helpers.ts';

const pool = new ServerPool();
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await pool.closeAll();
});

async function upgrade(port: number, headers: Record<string, string>): Promise<number> {
  const { status, socket } = await rawUpgrade(port, headers);
  sockets.push(socket);
  return status;
}

describe('Origin on WebSocket upgrades', () => {
  it("refuses a hostile origin's 200 upgrades with 403 before counting them; the app's own page still connects", async () => {
    // the old default cap: had they been counted, the last 72 would have been 429 and so would the app
    const server = await pool.start({ limits: { maxConnectionsPerAddress: 128 } });
    const hostile = await Promise.all(
      Array.from({ length: 200 }, () => upgrade(server.port, { Origin: 'https://evil.example' })),
    );
    expect(hostile.filter((status) => status === 403)).toHaveLength(200);
    expect(server.metrics.rejects.get('origin')).toBe(200);
    expect(server.metrics.rejects.get('address_limit')).toBeUndefined();

    // same address, the app's own origin: a real client subscribes and publishes
    const own = await pool.client(wsUrl(server), { origin: `http://127.0.0.1:${server.port}` });
    const peer = await pool.client(server); // a Node peer: no Origin at all
    own.send({ type: 'subscribe', topics: ['compound'] });
    peer.send({ type: 'subscribe', topics: ['compound'] });
    await Promise.all([own.sync(), peer.sync()]);
    own.send({ type: 'publish', topic: 'compound', data: 'hello' });
    expect((await peer.next(isPublish('compound'))).json).toMatchObject({ data: 'hello', clients: 2 });
    expect(server.stats().connections).toBe(2);
  });

  it.each([
    ['a sandboxed frame or file: page', 'null'],
    ['a page on another port of the same host', 'http://127.0.0.1:1'],
    ['a non-web scheme', 'chrome-extension://abcdefghijklmnop'],
    ['garbage', 'not a url'],
  ])('refuses %s', async (_what, origin) => {
    const server = await pool.start();
    expect(await upgrade(server.port, { Origin: origin })).toBe(403);
  });

  it('refuses a matching Origin when the Host header is malformed', async () => {
    const server = await pool.start();
    expect(await upgrade(server.port, { Host: 'evil.example/x', Origin: 'http://evil.example/x' })).toBe(403);
    expect(await upgrade(server.port, { Host: 'user@evil.example', Origin: 'http://evil.example' })).toBe(403);
  });

  it('accepts the same host under any name it was reached by, and configured extra origins', async () => {
    const server = await pool.start({ allowedOrigins: ['https://app.example', 'http://localhost:5173'] });
    const { port } = server;
    expect(await upgrade(port, { Host: `localhost:${port}`, Origin: `http://LOCALHOST:${port}` })).toBe(101);
    expect(await upgrade(port, { Host: 'board.example', Origin: 'https://board.example:443' })).toBe(101);
    expect(await upgrade(port, { Origin: 'https://app.example' })).toBe(101);
    expect(await upgrade(port, { Origin: 'http://localhost:5173' })).toBe(101);
    expect(await upgrade(port, { Origin: 'https://app.example.evil' })).toBe(403);
    expect(await upgrade(port, {})).toBe(101);
  });
});

describe('per-address cap', () => {
  it(`lets a compound behind one NAT in: 300 connections from one address (cap ${MAX_CONNECTIONS_PER_ADDRESS})`, async () => {
    expect(MAX_CONNECTIONS_PER_ADDRESS).toBeGreaterThanOrEqual(1_000);
    const server = await pool.start();
    const origin = `http://127.0.0.1:${server.port}`;
    const clients: TestClient[] = [];
    for (let i = 0; i < 300; i += 50) {
      clients.push(...(await Promise.all(Array.from({ length: 50 }, () => pool.client(wsUrl(server), { origin })))));
    }
    expect(server.stats().connections).toBe(300);
    await clients[299]?.sync();
  });
});
