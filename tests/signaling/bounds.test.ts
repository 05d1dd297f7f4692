import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CLOSE_POLICY, CLOSE_TOO_BIG, MAX_FRAME_BYTES } from '../../signaling/limits.ts';
import { createLogger } from '../../signaling/log.ts';
import { ServerPool, TestClient, eventually, isPublish, sleep, wsUrl } from './helpers.ts';

const pool = new ServerPool();
afterEach(() => pool.closeAll());

/** Try to connect; resolve with the HTTP status of a refused upgrade, or 101. */
function upgradeStatus(url: string, localAddress?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, localAddress ? { localAddress } : {});
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('frame and topic bounds', () => {
  it('closes a connection that sends a frame over the limit with 1009, and keeps serving others', async () => {
    const server = await pool.start();
    const [big, other] = await Promise.all([pool.client(server), pool.client(server)]);
    big.send(JSON.stringify({ type: 'publish', topic: 't', data: 'x'.repeat(MAX_FRAME_BYTES) }));
    expect(await big.closed).toBe(CLOSE_TOO_BIG);
    await other.sync();
    expect(server.metrics.drops.get('too_big')).toBe(1);
  });

  it('accepts a frame just under the limit', async () => {
    const server = await pool.start();
    const a = await pool.client(server);
    a.send({ type: 'subscribe', topics: ['t'] });
    const padding = MAX_FRAME_BYTES - 100;
    a.send({ type: 'publish', topic: 't', data: 'x'.repeat(padding) });
    expect(((await a.next(isPublish('t'))).json as { data: string }).data).toHaveLength(padding);
  });

  it('caps topics per connection and counts the excess', async () => {
    const server = await pool.start({ limits: { maxTopicsPerConnection: 3 } });
    const a = await pool.client(server);
    a.send({ type: 'subscribe', topics: ['t1', 't2', 't3', 't4', 't5'] });
    await a.sync();
    expect(server.stats()).toMatchObject({ topics: 3, subscriptions: 3 });
    expect(server.metrics.drops.get('topic_limit')).toBe(1);
    a.send({ type: 'publish', topic: 't4', data: 1 });
    a.send({ type: 'publish', topic: 't3', data: 2 });
    expect((await a.next(isPublish('t3'))).json).toMatchObject({ data: 2 });
    expect(a.received.filter(isPublish('t4'))).toHaveLength(0);
    // room is freed by unsubscribing
    a.send({ type: 'unsubscribe', topics: ['t1'] });
    a.send({ type: 'subscribe', topics: ['t4'] });
    await a.sync();
    expect(server.stats()).toMatchObject({ topics: 3, subscriptions: 3 });
  });

  it('closes a client that keeps sending malformed frames with 4008', async () => {
    const server = await pool.start({ limits: { strikeBurst: 5, strikeRatePerSecond: 0.1 } });
    const bad = await pool.client(server);
    for (let i = 0; i < 10; i++) bad.send('{not json');
    expect(await bad.closed).toBe(CLOSE_POLICY);
    expect(server.metrics.drops.get('not_json')).toBeGreaterThanOrEqual(6);
  });
});

describe('rate limit', () => {
  it('closes a flooder with 4008 while a well-behaved client keeps working', async () => {
    const server = await pool.start({
      limits: { messageRatePerSecond: 20, messageBurst: 40, strikeBurst: 10, strikeRatePerSecond: 1 },
    });
    const [flooder, good] = await Promise.all([pool.client(server), pool.client(server)]);
    good.send({ type: 'subscribe', topics: ['calm'] });
    for (let i = 0; i < 500; i++) flooder.send({ type: 'ping' });
    expect(await flooder.closed).toBe(CLOSE_POLICY);
    // the burst was honoured, the rest was not
    const pongs = flooder.received.filter((m) => (m.json as { type?: string }).type === 'pong').length;
    expect(pongs).toBeGreaterThanOrEqual(40);
    expect(pongs).toBeLessThan(60);
    expect(server.metrics.drops.get('rate')).toBeGreaterThanOrEqual(11);
    good.send({ type: 'publish', topic: 'calm', data: 'hi' });
    expect((await good.next(isPublish('calm'))).json).toMatchObject({ data: 'hi' });
  });
});

describe('connection bounds', () => {
  it('refuses more connections per address with 429, other addresses still get in', async () => {
    const server = await pool.start({ limits: { maxConnectionsPerAddress: 3 } });
    const url = wsUrl(server);
    const first = await Promise.all([pool.client(server), pool.client(server), pool.client(server)]);
    expect(await upgradeStatus(url)).toBe(429);
    // 127.0.0.0/8 is all loopback on Linux: a second "address" on the same machine
    expect(await upgradeStatus(url, '127.0.0.2')).toBe(101);
    first[0]?.ws.close();
    await first[0]?.closed;
    await eventually(async () => (await upgradeStatus(url)) === 101, 3_000, 'a freed slot');
    expect(server.metrics.rejects.get('address_limit')).toBeGreaterThanOrEqual(1);
  });

  it('refuses connections beyond the total with 503', async () => {
    const server = await pool.start({ limits: { maxConnections: 2 } });
    await pool.client(server);
    await pool.client(wsUrl(server), { localAddress: '127.0.0.3' });
    expect(await upgradeStatus(wsUrl(server), '127.0.0.4')).toBe(503);
    expect(server.metrics.rejects.get('capacity')).toBe(1);
  });

  it('refuses WebSocket upgrades on other paths', async () => {
    const server = await pool.start();
    expect(await upgradeStatus(`${server.url.replace('http', 'ws')}/elsewhere`)).toBe(404);
  });
});

describe('liveness and backpressure', () => {
  it('terminates connections that stop answering pings, keeps live ones', async () => {
    const server = await pool.start({ limits: { heartbeatIntervalMs: 100 } });
    const live = await pool.client(server);
    const dead = await TestClient.connect(wsUrl(server), { autoPong: false });
    dead.send({ type: 'subscribe', topics: ['r'] });
    await dead.sync();
    await dead.closed;
    await sleep(350);
    expect(server.stats()).toMatchObject({ connections: 1, topics: 0 });
    await live.sync();
  });

  it('cuts off a subscriber that does not read instead of buffering for it', async () => {
    const server = await pool.start({ limits: { maxBufferedBytes: 1024 * 1024 } });
    const [reader, stalled, publisher] = await Promise.all([
      pool.client(server),
      pool.client(server),
      pool.client(server),
    ]);
    reader.send({ type: 'subscribe', topics: ['feed'] });
    stalled.send({ type: 'subscribe', topics: ['feed'] });
    await Promise.all([reader.sync(), stalled.sync()]);
    // stop reading: the kernel buffers fill, then the server's send queue grows
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const chunk = 'y'.repeat(60_000);
    // small batches, each confirmed by the reader, so only the stalled client falls behind
    for (let i = 0; i < 350; i++) {
      publisher.send({ type: 'publish', topic: 'feed', data: chunk, i });
      if (i % 5 === 4) {
        for (let j = i - 4; j <= i; j++)
          expect(((await reader.next(isPublish('feed'))).json as { i: number }).i).toBe(j);
      }
    }
    expect(server.stats().connections).toBe(2);
    expect(server.metrics.drops.get('backpressure')).toBe(1);
    stalled.terminate();
  }, 20_000);
});

describe('logging', () => {
  it('never writes a topic into the log, even at debug level', async () => {
    const lines: string[] = [];
    const server = await pool.start({
      logger: createLogger('debug', (line) => lines.push(line)),
      limits: { strikeBurst: 2, maxTopicsPerConnection: 1 },
    });
    const secret = 'room-5f0c2d7e9a1b4c38';
    const a = await pool.client(server);
    a.send({ type: 'subscribe', topics: [secret, `${secret}-2`] });
    a.send({ type: 'publish', topic: secret, data: secret });
    a.send(`{"type":"publish","topic":"${secret}"`);
    a.send({ type: 'nope', topic: secret });
    await a.closed;
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toContain(secret);
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
  });
});
