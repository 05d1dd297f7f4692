// Load generator process for bench/signaling.ts: many WebSocket clients, driven over IPC.
// Every room lives wholly inside one worker, so latency is measured on one clock.

import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';

export type WorkerCommand =
  | {
      cmd: 'connect';
      /** Member i of a room connects to urls[i % urls.length]: a district spreads each room over its instances. */
      urls: string[];
      rooms: string[];
      clientsPerRoom: number;
      addresses: string[];
      perAddress: number;
    }
  | { cmd: 'fixed'; rate: number; durationMs: number; payloadBytes: number }
  | { cmd: 'saturate'; window: number; durationMs: number; payloadBytes: number }
  | { cmd: 'close' };

export interface PhaseResult {
  sent: number;
  delivered: number;
  expected: number;
  durationMs: number;
  /** Log-bucketed latency histogram (see LatencyHistogram). */
  buckets: number[];
}

export type WorkerReply =
  | { ok: 'connected'; ms: number; clients: number; failures: number; firstError: string | null }
  | { ok: 'phase'; result: PhaseResult }
  | { ok: 'closed' };

/** Latency histogram with ~2% wide log buckets from 1 µs; mergeable across workers. */
export class LatencyHistogram {
  static readonly GROWTH = 1.02;
  static readonly SIZE = 1200;
  readonly buckets: number[];
  constructor(buckets?: number[]) {
    this.buckets = buckets ?? new Array<number>(LatencyHistogram.SIZE).fill(0);
  }
  record(ms: number): void {
    const us = Math.max(1, ms * 1000);
    const i = Math.min(LatencyHistogram.SIZE - 1, Math.floor(Math.log(us) / Math.log(LatencyHistogram.GROWTH)));
    this.buckets[i] = (this.buckets[i] ?? 0) + 1;
  }
  merge(other: readonly number[]): void {
    other.forEach((n, i) => (this.buckets[i] = (this.buckets[i] ?? 0) + n));
  }
  get count(): number {
    return this.buckets.reduce((a, b) => a + b, 0);
  }
  /** Upper edge of the bucket holding quantile q, in milliseconds. */
  quantile(q: number): number {
    const total = this.count;
    if (total === 0) return NaN;
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i] ?? 0;
      if (seen >= q * total) return LatencyHistogram.GROWTH ** (i + 1) / 1000;
    }
    return Infinity;
  }
}

interface Member {
  ws: WebSocket;
  room: Room;
  index: number;
}

interface Room {
  topic: string;
  members: Member[];
  /** Publishes in flight in saturation mode. */
  inFlight: number;
}

const rooms: Room[] = [];
let histogram = new LatencyHistogram();
let delivered = 0;
let onEcho: ((room: Room) => void) | null = null;

const reply = (message: WorkerReply): void => {
  process.send?.(message);
};

function onMessage(member: Member, data: Buffer): void {
  // cheaper than JSON.parse for every delivery: the bench's own fields are at fixed keys
  const text = data.toString('latin1');
  const t = text.indexOf('"t":');
  if (t < 0) return; // pong
  const sentAt = parseFloat(text.slice(t + 4, text.indexOf(',', t)));
  histogram.record(performance.now() - sentAt);
  delivered++;
  if (onEcho) {
    const s = text.indexOf('"s":');
    if (parseInt(text.slice(s + 4), 10) === member.index) onEcho(member.room);
  }
}

function connectOne(url: string, localAddress: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

async function connect(command: Extract<WorkerCommand, { cmd: 'connect' }>): Promise<void> {
  const started = performance.now();
  let failures = 0;
  let firstError: string | null = null;
  let next = 0;
  const jobs: { topic: string; room: Room; url: string; localAddress: string }[] = [];
  const fresh: Room[] = [];
  for (const topic of command.rooms) {
    const room: Room = { topic, members: [], inFlight: 0 };
    fresh.push(room);
    for (let i = 0; i < command.clientsPerRoom; i++) {
      const localAddress = command.addresses[Math.floor(next++ / command.perAddress)] ?? '127.0.0.1';
      jobs.push({ topic, room, url: command.urls[i % command.urls.length]!, localAddress });
    }
  }
  // bounded concurrency so the listen backlog never overflows
  const CONCURRENCY = 100;
  let cursor = 0;
  const runner = async (): Promise<void> => {
    while (cursor < jobs.length) {
      const job = jobs[cursor++]!;
      try {
        const ws = await connectOne(job.url, job.localAddress);
        const member: Member = { ws, room: job.room, index: job.room.members.length };
        job.room.members.push(member);
        ws.on('message', (data: Buffer) => onMessage(member, data));
        ws.on('error', () => {});
        ws.send(JSON.stringify({ type: 'subscribe', topics: [job.topic] }));
      } catch (err) {
        failures++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, runner));
  // a ping round trip per client: every subscribe has been processed
  await Promise.all(
    fresh.flatMap((room) =>
      room.members.map(
        (m) =>
          new Promise<void>((resolve) => {
            m.ws.once('message', () => resolve());
            m.ws.send('{"type":"ping"}');
          }),
      ),
    ),
  );
  rooms.push(...fresh);
  const clients = fresh.reduce((n, r) => n + r.members.length, 0);
  reply({ ok: 'connected', ms: performance.now() - started, clients, failures, firstError });
}

function publish(room: Room, payload: string): number {
  const member = room.members[Math.floor(Math.random() * room.members.length)];
  if (!member) return 0;
  member.ws.send(
    `{"type":"publish","topic":"${room.topic}","data":"${payload}","s":${member.index},"t":${performance.now()},"x":0}`,
  );
  return room.members.length;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function phase(
  run: (payload: string, until: number) => Promise<{ sent: number; expected: number }>,
  durationMs: number,
  payloadBytes: number,
): Promise<void> {
  histogram = new LatencyHistogram();
  delivered = 0;
  const payload = 'A'.repeat(payloadBytes);
  const started = performance.now();
  const { sent, expected } = await run(payload, started + durationMs);
  const sendMs = performance.now() - started;
  // let in-flight deliveries land
  for (let i = 0; i < 100 && delivered < expected; i++) await sleep(20);
  reply({ ok: 'phase', result: { sent, delivered, expected, durationMs: sendMs, buckets: histogram.buckets } });
}

async function fixedRate(rate: number, payload: string, until: number): Promise<{ sent: number; expected: number }> {
  const started = performance.now();
  let sent = 0;
  let expected = 0;
  while (performance.now() < until) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) expected += publish(rooms[Math.floor(Math.random() * rooms.length)]!, payload);
    await sleep(2);
  }
  return { sent, expected };
}

async function saturate(window: number, payload: string, until: number): Promise<{ sent: number; expected: number }> {
  let sent = 0;
  let expected = 0;
  let open = true;
  onEcho = (room) => {
    room.inFlight--;
    if (open) {
      room.inFlight++;
      sent++;
      expected += publish(room, payload);
    }
  };
  for (const room of rooms) {
    for (let i = 0; i < window; i++) {
      room.inFlight++;
      sent++;
      expected += publish(room, payload);
    }
  }
  while (performance.now() < until) await sleep(10);
  open = false;
  // wait for the window to drain so the next phase starts clean
  for (let i = 0; i < 200 && rooms.some((r) => r.inFlight > 0); i++) await sleep(10);
  onEcho = null;
  return { sent, expected };
}

process.on('message', (command: WorkerCommand) => {
  const run = async (): Promise<void> => {
    switch (command.cmd) {
      case 'connect':
        return connect(command);
      case 'fixed':
        return phase((p, until) => fixedRate(command.rate, p, until), command.durationMs, command.payloadBytes);
      case 'saturate':
        return phase((p, until) => saturate(command.window, p, until), command.durationMs, command.payloadBytes);
      case 'close':
        for (const room of rooms) for (const m of room.members) m.ws.terminate();
        reply({ ok: 'closed' });
        process.disconnect();
        return;
    }
  };
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
