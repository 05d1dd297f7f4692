// Load generator process for bench/signaling.ts: many WebSocket clients, driven over IPC.
// Every room lives wholly inside one worker, so latency is measured on one clock.

import { connect as connectTcp } from 'node:net';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

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

/**
 * One client: a bare WebSocket over a TCP socket. NOTE: not the `ws` package, by design: a ws client
 * cost about 5 µs of this process's CPU per delivery, so under saturation the load generator, not the
 * server, set the pace. This reads the server's unmasked frames straight from the socket's chunks and
 * masks its own with a zero key (RFC 6455 §5.3 lets the key be any value; servers cannot tell).
 */
interface Member {
  socket: Socket;
  room: Room;
  index: number;
  /** Bytes of a frame cut across reads. */
  partial: Buffer | null;
  /** Called with the next text frame instead of onText (connect's subscribe round trip). */
  waiter: (() => void) | null;
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

const OPCODE_TEXT = 0x1;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;
/**
 * Where a delivery's data starts. A publish is exactly what y-webrtc sends in a room with a password
 * (`{"type":"publish","topic":…,"data":<base64>}`); its data carries `s<sender>t<µs sent>x` first,
 * in base64's alphabet.
 */
const DATA_FIELD = Buffer.from('"data":"s');

/** A client frame: FIN, `opcode`, masked with the zero key, so the payload goes as it is. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const header = n < 126 ? 6 : 8;
  const frame = Buffer.alloc(header + n); // zero-filled: the mask key is 0
  frame[0] = 0x80 | opcode;
  if (n < 126) {
    frame[1] = 0x80 | n;
  } else {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(n, 2);
  }
  payload.copy(frame, header);
  return frame;
}

const sendText = (member: Member, text: string): boolean =>
  member.socket.write(clientFrame(OPCODE_TEXT, Buffer.from(text)));

/** A text frame from the server: a delivery (with the bench's fields at fixed keys) or a pong. */
function onText(member: Member, data: Buffer, start: number, end: number): void {
  if (member.waiter) {
    const waiter = member.waiter;
    member.waiter = null;
    return waiter();
  }
  const at = data.indexOf(DATA_FIELD, start);
  if (at < 0 || at >= end) return; // pong
  const fields = data.toString('latin1', at + DATA_FIELD.length, Math.min(end, at + DATA_FIELD.length + 40));
  const t = fields.indexOf('t');
  histogram.record(performance.now() - parseInt(fields.slice(t + 1), 10) / 1000);
  delivered++;
  if (onEcho && parseInt(fields, 10) === member.index) onEcho(member.room);
}

function onData(member: Member, chunk: Buffer): void {
  const data = member.partial === null ? chunk : Buffer.concat([member.partial, chunk]);
  let at = 0;
  for (;;) {
    if (data.length - at < 2) break;
    const opcode = data[at]! & 0x0f;
    const short = data[at + 1]! & 0x7f;
    const header = short < 126 ? 2 : short === 126 ? 4 : 10;
    if (data.length - at < header) break;
    const length = short < 126 ? short : short === 126 ? data.readUInt16BE(at + 2) : data.readUInt32BE(at + 6);
    const start = at + header;
    const end = start + length;
    if (end > data.length) break;
    if (opcode === OPCODE_TEXT) onText(member, data, start, end);
    else if (opcode === OPCODE_PING) member.socket.write(clientFrame(OPCODE_PONG, data.subarray(start, end)));
    at = end;
  }
  member.partial = at === data.length ? null : Buffer.from(data.subarray(at));
}

/** Opens a WebSocket to `url` from `localAddress`; resolves once the server switched protocols. */
function connectOne(url: string, localAddress: string): Promise<{ socket: Socket; rest: Buffer }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: hostname, port: Number(port), localAddress, noDelay: true });
    let head = Buffer.alloc(0);
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('connect', () =>
      socket.write(
        `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    const onHead = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onHead);
      socket.off('error', fail);
      const status = head.toString('latin1', 0, head.indexOf('\r\n'));
      if (!status.startsWith('HTTP/1.1 101')) return fail(new Error(status));
      resolve({ socket, rest: head.subarray(end + 4) });
    };
    socket.on('data', onHead);
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
        const { socket, rest } = await connectOne(job.url, job.localAddress);
        const member: Member = { socket, room: job.room, index: job.room.members.length, partial: null, waiter: null };
        job.room.members.push(member);
        socket.on('data', (chunk: Buffer) => onData(member, chunk));
        socket.on('error', () => {});
        if (rest.length > 0) onData(member, rest);
        sendText(member, JSON.stringify({ type: 'subscribe', topics: [job.topic] }));
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
            m.waiter = resolve;
            sendText(m, '{"type":"ping"}');
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
  sendText(
    member,
    `{"type":"publish","topic":"${room.topic}","data":"s${member.index}t${Math.round(performance.now() * 1000)}x${payload}"}`,
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
        for (const room of rooms) for (const m of room.members) m.socket.destroy();
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
