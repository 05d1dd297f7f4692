// Seeded fuzzing of a real server process: random and hostile frames from many connections while
// a well-behaved pair keeps signalling. Reproduce a run with FUZZ_SEED=<seed>; FUZZ=long runs longer.

import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_CONNECTIONS_PER_ADDRESS, MAX_FRAME_BYTES, MAX_TOPICS_PER_CONNECTION } from '../../signaling/limits.ts';
import { Rng } from '../support/random.ts';
import { signalingServer } from '../support/server-process.ts';
import { TestClient, isPublish, sleep } from './helpers.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 32));
const FRAMES = process.env['FUZZ'] === 'long' ? 200_000 : 12_000;
const FUZZ_CONNECTIONS = 40;

type Frame = string | Buffer;

function frameGenerator(rng: Rng): () => Frame | Frame[] {
  const topic = (): string =>
    rng.pick(['a', 'b', 'c', 'pair-room', '__proto__', 'constructor', `t${rng.int(500)}`, 'x'.repeat(rng.int(300))]);
  const junkValue = (depth = 0): unknown =>
    depth > 3
      ? null
      : rng.pick<() => unknown>([
          () => rng.int(1e9) - 5e8,
          () => rng.next().toString(36),
          () => null,
          () => true,
          () => Array.from({ length: rng.int(5) }, () => junkValue(depth + 1)),
          () => ({ [topic()]: junkValue(depth + 1) }),
        ])();
  const generators: (() => Frame | Frame[])[] = [
    // not JSON at all
    () => Buffer.from(Array.from({ length: 1 + rng.int(200) }, () => 32 + rng.int(95))).toString('latin1'),
    () => rng.pick(['', '{', '}', '{"type":', 'null', 'undefined', '[]', '""', '1e999', '{"type":"publish"', '\u0000']),
    // JSON, wrong shape or types
    () => JSON.stringify(junkValue()),
    () =>
      JSON.stringify({
        type: rng.pick(['subscribe', 'unsubscribe', 'publish', 'ping', 'pong', 'PING', 42, null]),
        topics: junkValue(),
        topic: junkValue(),
      }),
    () => JSON.stringify({ type: 'subscribe', topics: Array.from({ length: rng.int(200) }, topic) }),
    () => JSON.stringify({ type: 'subscribe', topics: Array.from({ length: 5_000 }, (_, i) => `flood-${i}`) }),
    () =>
      `{"__proto__":{"type":"ping"},"constructor":{"prototype":{"polluted":true}},"type":"${rng.pick(['ping', 'subscribe'])}"}`,
    // deep nesting, as deep as a frame allows
    () => `{"type":"publish","topic":"${topic()}","data":${'['.repeat(20_000 + rng.int(10_000))}${']'.repeat(20_000)}}`,
    () => `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
    // binary and oversized
    () => Buffer.from(Array.from({ length: 1 + rng.int(1_000) }, () => rng.int(256))),
    () => JSON.stringify({ type: 'publish', topic: topic(), data: 'z'.repeat(MAX_FRAME_BYTES) }),
    // valid traffic to random topics
    () =>
      JSON.stringify({
        type: rng.pick(['subscribe', 'unsubscribe']),
        topics: Array.from({ length: 1 + rng.int(10) }, topic),
      }),
    () => JSON.stringify({ type: 'publish', topic: topic(), data: junkValue(), clients: 'spoofed' }),
    // floods
    () => Array.from({ length: 300 + rng.int(500) }, () => '{"type":"ping"}'),
    () => Array.from({ length: 200 }, () => JSON.stringify({ type: 'subscribe', topics: [topic(), topic()] })),
  ];
  return () => rng.pick(generators)();
}

const vmRss = (pid: number): number => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
};

async function scrape(port: number): Promise<Map<string, number>> {
  const text = await (
    await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) values.set(m[1] as string, Number(m[2]));
  }
  return values;
}

const METRICS_TOKEN = 'fuzz-metrics-token-0123456789';
const server = signalingServer({ env: { LOG_LEVEL: 'error', METRICS_TOKEN } });
const sockets = new Set<WebSocket>();
afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await server.kill();
});

describe('fuzz', () => {
  it(`survives ${FRAMES} hostile frames (seed ${SEED})`, async () => {
    console.log(`signalling fuzz seed: ${SEED} (rerun with FUZZ_SEED=${SEED})`);
    const rng = new Rng(SEED);
    const next = frameGenerator(rng);
    await server.start();
    const { port } = server;
    const pid = server.pid!;
    const url = `ws://127.0.0.1:${port}/signal`;
    const context = `seed ${SEED}`;

    // the well-behaved pair, on its own loopback address so fuzzers cannot use up its slots
    const [alice, bob] = await Promise.all([
      TestClient.connect(url, { localAddress: '127.0.0.2' }),
      TestClient.connect(url, { localAddress: '127.0.0.2' }),
    ]);
    sockets.add(alice.ws).add(bob.ws);
    alice.send({ type: 'subscribe', topics: ['pair-room'] });
    bob.send({ type: 'subscribe', topics: ['pair-room'] });
    await Promise.all([alice.sync(), bob.sync()]);
    let exchanged = 0;
    let pairError: unknown = null;
    let fuzzing = true;
    const pair = (async () => {
      for (let i = 0; fuzzing; i++) {
        const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
        from.send({ type: 'publish', topic: 'pair-room', data: { from: i % 2 === 0 ? 'alice' : 'bob', i } });
        // fuzzers publish junk into pair-room too; wait for this exact message
        await to.next((m) => isPublish('pair-room')(m) && (m.json as { data?: { i?: unknown } }).data?.i === i, 5_000);
        exchanged++;
        await sleep(15);
      }
    })().catch((err: unknown) => {
      pairError = err;
    });

    const fuzzers: (WebSocket | null)[] = new Array<WebSocket | null>(FUZZ_CONNECTIONS).fill(null);
    const open = (): Promise<WebSocket | null> =>
      new Promise((resolve) => {
        const ws = new WebSocket(url);
        ws.on('error', () => resolve(null));
        ws.on('unexpected-response', () => resolve(null)); // 429 while closed sockets drain
        ws.on('open', () => resolve(ws));
        ws.on('message', () => {});
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
      });

    const rssBefore = vmRss(pid);
    let sent = 0;
    // on a fast machine the frames go out quickly; keep going until the pair has had its turns too
    while (sent < FRAMES || exchanged < 30) {
      const slot = rng.int(FUZZ_CONNECTIONS);
      let ws = fuzzers[slot] ?? null;
      if (ws === null || ws.readyState !== WebSocket.OPEN) {
        ws = await open();
        fuzzers[slot] = ws;
        if (ws === null) {
          await sleep(10);
          continue;
        }
      }
      const frames = next();
      for (const frame of Array.isArray(frames) ? frames : [frames]) {
        if (ws.readyState !== WebSocket.OPEN) break;
        ws.send(frame, { binary: Buffer.isBuffer(frame) });
        sent++;
      }
      if (sent % 200 < 3) await sleep(5); // let the server breathe and closes propagate
      if (sent % 2_000 < 3) {
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(health.status, context).toBe(200);
        const m = await scrape(port);
        const connections = m.get('signaling_connections') ?? Infinity;
        expect(connections, context).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_ADDRESS + 2);
        expect(m.get('signaling_subscriptions') ?? Infinity, context).toBeLessThanOrEqual(
          connections * MAX_TOPICS_PER_CONNECTION,
        );
        expect(pairError, context).toBeNull();
      }
    }
    const exchangedDuringFuzz = exchanged;
    fuzzing = false;
    await pair;
    expect(pairError, context).toBeNull();
    expect(exchangedDuringFuzz, context).toBeGreaterThanOrEqual(30);

    // the server is up and its bookkeeping shrinks back once the fuzzers are gone
    for (const ws of fuzzers) ws?.terminate();
    const settled = async (): Promise<Map<string, number>> => {
      for (let i = 0; i < 100; i++) {
        const m = await scrape(port);
        if (m.get('signaling_connections') === 2) return m;
        await sleep(50);
      }
      return scrape(port);
    };
    const m = await settled();
    if (process.env['FUZZ_DEBUG']) console.log([...m].filter(([k]) => k.startsWith('signaling')));
    expect(server.running, context).toBe(true);
    expect(m.get('signaling_connections'), context).toBe(2);
    expect(m.get('signaling_topics'), context).toBe(1);
    expect(m.get('signaling_subscriptions'), context).toBe(2);
    expect(m.get('signaling_drops_total{reason="not_json"}') ?? 0, context).toBeGreaterThan(0);
    expect(m.get('signaling_drops_total{reason="rate"}') ?? 0, context).toBeGreaterThan(0);
    expect(m.get('signaling_closes_total{code="4008"}') ?? 0, context).toBeGreaterThan(0);
    expect(m.get('signaling_closes_total{code="1009"}') ?? 0, context).toBeGreaterThan(0);
    // memory: what 12k frames leave behind must be small (generous bound; a leak per frame is not)
    const growth = vmRss(pid) - rssBefore;
    if (process.env['FUZZ_DEBUG']) console.log({ sent, exchanged, growth });
    expect(growth, `${context}: RSS grew by ${(growth / 1e6).toFixed(1)} MB`).toBeLessThan(150e6);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toEqual({ status: 'ready' });
  }, 60_000);
});
