// The outbox (signaling/outbox.ts) batches a turn's frames per socket, and lets them go early once
// one socket has MAX_SOCKET_BATCH_BYTES corked or the turn MAX_BATCH_BYTES.

import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, MAX_SOCKET_BATCH_BYTES, Outbox } from '../../signaling/outbox.ts';

/** A socket stand-in that records each write call that reached it (one per writev). */
function socket(): { stream: Duplex; writes: Buffer[][] } {
  const writes: Buffer[][] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map((c) => c.chunk as Buffer));
      done();
    },
  });
  return { stream, writes };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Outbox', () => {
  it("writes a socket's frames of one turn together, once the turn ends", async () => {
    const outbox = new Outbox();
    const a = socket();
    const b = socket();
    outbox.write(a.stream, Buffer.from('1'));
    outbox.write(b.stream, Buffer.from('x'));
    outbox.write(a.stream, Buffer.from('2'));
    expect(a.writes).toEqual([]);
    await nextTurn();
    expect(a.writes.map((w) => Buffer.concat(w).toString())).toEqual(['12']);
    expect(a.writes[0]).toHaveLength(2); // one writev
    expect(b.writes.map((w) => Buffer.concat(w).toString())).toEqual(['x']);
  });

  it('lets a socket past MAX_SOCKET_BATCH_BYTES go at once, in order, while the others wait for the turn', async () => {
    const outbox = new Outbox();
    const busy = socket();
    const quiet = socket();
    outbox.write(quiet.stream, Buffer.from('q'));
    const frame = Buffer.alloc(16 * 1024, 'a');
    const count = Math.ceil(MAX_SOCKET_BATCH_BYTES / frame.length) * 2 + 3;
    for (let i = 0; i < count; i++) outbox.write(busy.stream, Buffer.concat([Buffer.from(`${i};`), frame]));
    // within the same turn: the busy socket's first batches have left already, in batches, not one by one
    const early = busy.writes.flat().length;
    expect(early).toBeGreaterThan(0);
    expect(early).toBeLessThan(count);
    expect(busy.writes.length).toBeLessThanOrEqual(2);
    expect(quiet.writes).toEqual([]);
    await nextTurn();
    const all = busy.writes.flat().map((b) => Number(b.toString('latin1', 0, b.indexOf(';'))));
    expect(all).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(quiet.writes.map((w) => Buffer.concat(w).toString())).toEqual(['q']);
  });

  it('lets a whole turn go at once past MAX_BATCH_BYTES, and batches the rest', async () => {
    const outbox = new Outbox();
    const frame = Buffer.alloc(MAX_SOCKET_BATCH_BYTES / 2);
    const sockets = Array.from({ length: Math.floor(MAX_BATCH_BYTES / frame.length) + 1 }, socket);
    for (const s of sockets) outbox.write(s.stream, frame);
    expect(sockets.every((s) => s.writes.length === 1)).toBe(true);
    const late = sockets[0]!;
    outbox.write(late.stream, frame);
    expect(late.writes).toHaveLength(1);
    await nextTurn();
    expect(late.writes).toHaveLength(2);
  });
});
