// The outbox (signaling/outbox.ts) batches a turn's frames per socket, and lets them go early once
// a turn has queued MAX_BATCH_BYTES, so receivers need not wait for a whole poll phase.

import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, Outbox } from '../../signaling/outbox.ts';

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

  it('lets a turn past MAX_BATCH_BYTES go at once, in order, and batches the rest', async () => {
    const outbox = new Outbox();
    const a = socket();
    const frame = Buffer.alloc(16 * 1024, 'a');
    const count = Math.ceil(MAX_BATCH_BYTES / frame.length) + 3;
    for (let i = 0; i < count; i++) outbox.write(a.stream, Buffer.concat([Buffer.from(`${i};`), frame]));
    // within the same turn: the first batch has left already
    expect(a.writes.length).toBeGreaterThanOrEqual(1);
    const early = a.writes.flat().length;
    expect(early).toBeLessThan(count);
    await nextTurn();
    const all = a.writes.flat().map((b) => Number(b.toString('latin1', 0, b.indexOf(';'))));
    expect(all).toEqual(Array.from({ length: count }, (_, i) => i));
  });
});
