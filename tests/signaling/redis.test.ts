import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { channelFor } from '../../signaling/relay.ts';
import type { RunningServer } from '../../signaling/server.ts';
import { ServerPool, eventually, isPublish, sleep } from './helpers.ts';
import type { Received, TestClient } from './helpers.ts';
import { startRedis } from './redis-server.ts';
import type { RedisProcess } from './redis-server.ts';

const pool = new ServerPool();
const redises: RedisProcess[] = [];
const admins: Redis[] = [];
afterEach(async () => {
  await pool.closeAll();
  for (const admin of admins.splice(0)) admin.disconnect();
  await Promise.all(redises.splice(0).map((r) => r.kill()));
});

async function redis(port?: number): Promise<RedisProcess> {
  const r = await startRedis(port);
  redises.push(r);
  return r;
}

function admin(r: RedisProcess): Redis {
  const client = new Redis(r.url, { maxRetriesPerRequest: 1 });
  admins.push(client);
  return client;
}

/** Wait until `n` instances subscribed to the topic's channel in Redis. */
async function relaySubscribers(a: Redis, topic: string, n: number): Promise<void> {
  await eventually(
    async () => {
      const reply = (await a.pubsub('NUMSUB', channelFor(topic))) as [string, number];
      return Number(reply[1]) === n;
    },
    8_000,
    `${n} relay subscribers`,
  );
}

const relayUp = (server: RunningServer): string | undefined =>
  /^signaling_relay_up (\d)$/m.exec(server.metrics.render())?.[1];

async function subscribed(client: TestClient, topic: string): Promise<void> {
  client.send({ type: 'subscribe', topics: [topic] });
  await client.sync();
}

describe('Redis relay between instances', () => {
  it('delivers a publish on instance A to a subscriber on instance B, once each, topics hashed', async () => {
    const r = await redis();
    const [serverA, serverB] = await Promise.all([pool.start({ redisUrl: r.url }), pool.start({ redisUrl: r.url })]);
    const [a, b, b2] = await Promise.all([pool.client(serverA), pool.client(serverB), pool.client(serverB)]);
    const topic = 'compound-7c1e';
    await Promise.all([subscribed(a, topic), subscribed(b, topic), subscribed(b2, 'elsewhere')]);
    const ctl = admin(r);
    await relaySubscribers(ctl, topic, 2);
    // the channel names never carry the room id
    const channels = (await ctl.pubsub('CHANNELS', '*')) as string[];
    expect(channels.length).toBeGreaterThan(0);
    for (const channel of channels) expect(channel).not.toContain(topic);

    a.send({ type: 'publish', topic, data: { from: 'a', n: 1 } });
    expect((await b.next(isPublish(topic))).json).toEqual({
      type: 'publish',
      topic,
      data: { from: 'a', n: 1 },
      clients: 1,
    });
    expect((await a.next(isPublish(topic))).json).toMatchObject({ data: { from: 'a', n: 1 }, clients: 1 });
    // and back the other way
    b.send({ type: 'publish', topic, data: { from: 'b' } });
    expect((await a.next(isPublish(topic))).json).toMatchObject({ data: { from: 'b' } });
    expect((await b.next(isPublish(topic))).json).toMatchObject({ data: { from: 'b' } });
    // no echo: nobody got a second copy
    await sleep(100);
    await Promise.all([a.sync(), b.sync(), b2.sync()]);
    expect([...a.received, ...b.received, ...b2.received].filter(isPublish(topic))).toHaveLength(0);
    expect(relayUp(serverA)).toBe('1');

    // an instance drops the Redis subscription when its last local subscriber leaves
    b.send({ type: 'unsubscribe', topics: [topic] });
    await relaySubscribers(ctl, topic, 1);
  });

  it('keeps local fan-out working while Redis is down, and relays again once it is back', async () => {
    const r = await redis();
    const [serverA, serverB] = await Promise.all([pool.start({ redisUrl: r.url }), pool.start({ redisUrl: r.url })]);
    const [a1, a2, b] = await Promise.all([pool.client(serverA), pool.client(serverA), pool.client(serverB)]);
    const topic = 'room-outage';
    await Promise.all([subscribed(a1, topic), subscribed(a2, topic), subscribed(b, topic)]);
    await relaySubscribers(admin(r), topic, 2);

    await r.kill();
    await eventually(() => relayUp(serverA) === '0', 5_000, 'relay down');
    a1.send({ type: 'publish', topic, data: 'local only' });
    expect((await a2.next(isPublish(topic))).json).toMatchObject({ data: 'local only', clients: 2 });
    expect((await a1.next(isPublish(topic))).json).toMatchObject({ data: 'local only' });
    expect(serverA.metrics.drops.get('relay_unavailable')).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${serverA.url}/healthz`)).status).toBe(200);

    // Redis returns on the same port: both instances reconnect and resubscribe
    const again = await redis(r.port);
    await relaySubscribers(admin(again), topic, 2);
    a1.send({ type: 'publish', topic, data: 'relayed again' });
    expect((await b.next(isPublish(topic), 5_000)).json).toMatchObject({ data: 'relayed again' });
  }, 30_000);
});

describe('what Redis sees', () => {
  it('never a room id: not in channel names, not in published payloads, not in any command (issue 9, attack 4)', async () => {
    const r = await redis();
    // a raw observer, as anyone who can reach Redis: every command, and every published message
    const monitor = await admin(r).monitor();
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => commands.push(args.join(' ')));
    const spy = admin(r);
    const published: string[] = [];
    spy.on('pmessage', (_pattern: string, channel: string, message: string) => published.push(`${channel} ${message}`));
    await spy.psubscribe('*');

    const [serverA, serverB] = await Promise.all([pool.start({ redisUrl: r.url }), pool.start({ redisUrl: r.url })]);
    const [a, b] = await Promise.all([pool.client(serverA), pool.client(serverB)]);
    const topic = 'room-5f0c2d7e9a1b4c38';
    await Promise.all([subscribed(a, topic), subscribed(b, topic)]);
    await relaySubscribers(admin(r), topic, 2);
    a.send({ type: 'publish', topic, data: { type: 'announce', from: 'peer-a' } });
    // written by hand: escaped key, duplicate key, odd spacing; still relayed, still without the topic
    a.send(` { "t\\u006fpic" : "${topic}", "type":"publish", "data":"b", "topic":"${topic}" }`);
    b.send({ type: 'publish', topic, data: { type: 'signal', to: 'peer-a', from: 'peer-b' } });
    const carrying =
      (data: unknown) =>
      (m: Received): boolean =>
        isPublish(topic)(m) && JSON.stringify((m.json as { data: unknown }).data) === JSON.stringify(data);
    expect((await b.next(carrying('b'))).json).toEqual({ type: 'publish', topic, data: 'b', clients: 1 });
    expect((await b.next(carrying({ type: 'announce', from: 'peer-a' }))).json).toMatchObject({ clients: 1 });
    const signal = { type: 'signal', to: 'peer-a', from: 'peer-b' };
    expect((await a.next(carrying(signal))).json).toEqual({ type: 'publish', topic, data: signal, clients: 1 });

    await eventually(() => published.length >= 3, 3_000, 'three relayed publishes');
    await sleep(100);
    expect(commands.some((c) => c.startsWith('publish'))).toBe(true);
    for (const seen of [...published, ...commands]) expect(seen).not.toContain(topic);
    void monitor.disconnect();
  });
});
