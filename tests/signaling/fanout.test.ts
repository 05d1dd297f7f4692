// Fan-out (signaling/fanout.ts): a room's publishes of one turn leave as one write per receiver, to
// the receivers of each publish's moment, and nothing follows a receiver's close frame.

import { Duplex } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Fanout } from '../../signaling/fanout.ts';
import type { Receiver } from '../../signaling/fanout.ts';
import { DEFAULT_LIMITS } from '../../signaling/limits.ts';
import { Metrics } from '../../signaling/metrics.ts';

interface Fake extends Receiver {
  readonly writes: string[];
}

/** A receiver whose socket records each write call that reached it, payloads only. */
function receiver(): Fake {
  const writes: string[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      // frames here are short: a 2-byte header each; the payloads are JSON objects
      const payloads: string[] = [];
      for (let at = 0; at < chunk.length; at += 2 + chunk[at + 1]!)
        payloads.push(chunk.toString('utf8', at + 2, at + 2 + chunk[at + 1]!));
      writes.push(payloads.join(' '));
      done();
    },
  });
  const ws = { readyState: WebSocket.OPEN, bufferedAmount: 0, terminate() {} } as unknown as WebSocket;
  return { ws, socket, closing: false, writes };
}

const metrics = new Metrics(() => ({
  connections: 0,
  topics: 0,
  subscriptions: 0,
  addresses: 0,
  pending: 0,
  relayUp: null,
}));
afterAll(() => metrics.stop());

/** A room of these receivers, and the fan-out that sends to it. */
function roomOf(...receivers: Fake[]): { room: Set<Fake>; fanout: Fanout<Fake> } {
  const room = new Set(receivers);
  return { room, fanout: new Fanout<Fake>(DEFAULT_LIMITS.maxBufferedBytes, metrics, () => room) };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const publish = (n: number): Buffer => Buffer.from(`{"n":${n}}`);

describe('Fanout', () => {
  it("writes a room's publishes of one turn to each receiver in one write, in order", async () => {
    const a = receiver();
    const b = receiver();
    const { room, fanout } = roomOf(a, b);
    fanout.deliver('t', room, publish(1));
    fanout.deliver('t', room, publish(2));
    expect(a.writes).toEqual([]);
    await nextTurn();
    expect(a.writes).toEqual(['{"n":1,"clients":2} {"n":2,"clients":2}']);
    expect(b.writes).toEqual(a.writes);
  });

  it('sends a publish to the receivers of its moment when the room changes within the turn', async () => {
    const a = receiver();
    const late = receiver();
    const { room, fanout } = roomOf(a);
    fanout.deliver('t', room, publish(1));
    fanout.settle('t'); // as the hub does before a subscribe
    room.add(late);
    fanout.deliver('t', room, publish(2));
    await nextTurn();
    expect(a.writes).toEqual(['{"n":1,"clients":1}', '{"n":2,"clients":2}']);
    expect(late.writes).toEqual(['{"n":2,"clients":2}']);
  });

  it('writes nothing to a receiver that began closing before its batch left', async () => {
    const a = receiver();
    const closing = receiver();
    const { room, fanout } = roomOf(a, closing);
    fanout.deliver('t', room, publish(1));
    closing.closing = true;
    await nextTurn();
    expect(a.writes).toHaveLength(1);
    expect(closing.writes).toEqual([]);
  });
});
