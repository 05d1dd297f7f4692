// Fan-out writes WebSocket frames it encoded itself (signaling/frames.ts), batched per turn of the
// event loop (signaling/outbox.ts): a stock client must read every length and every batch intact.

import { afterEach, describe, expect, it } from 'vitest';
import { payloadBytes, textFrame } from '../../signaling/frames.ts';
import { ServerPool, isPublish } from './helpers.ts';

const pool = new ServerPool();
afterEach(() => pool.closeAll());

describe('frames encoded by the server', () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 70_000])('a %i-byte payload has its length in the header', (n) => {
    const frame = textFrame('x'.repeat(n));
    expect(frame[0]).toBe(0x81); // FIN, text
    expect(payloadBytes(frame)).toBe(n);
    expect(frame.subarray(frame.length - n).toString()).toBe('x'.repeat(n));
  });

  it('uses the 16- and 64-bit extended lengths of RFC 6455', () => {
    expect([...textFrame('x'.repeat(125)).subarray(0, 2)]).toEqual([0x81, 125]);
    const medium = textFrame('x'.repeat(300));
    expect([medium[1], medium.readUInt16BE(2)]).toEqual([126, 300]);
    const large = textFrame('x'.repeat(70_000));
    expect([large[1], large.readBigUInt64BE(2)]).toEqual([127, 70_000n]);
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(payloadBytes(textFrame('街坊'.repeat(50)))).toBe(300);
  });

  it.each([10, 100, 200, 65_000, 65_480])(
    'a publish of %i bytes of data reaches every subscriber intact',
    async (n) => {
      const server = await pool.start();
      const [a, b, c] = await Promise.all([pool.client(server), pool.client(server), pool.client(server)]);
      for (const client of [a!, b!, c!]) {
        client.send({ type: 'subscribe', topics: ['room'] });
        await client.sync();
      }
      const data = '街'.repeat(Math.floor(n / 3)) + 'x'.repeat(n % 3);
      a!.send({ type: 'publish', topic: 'room', data });
      for (const client of [a!, b!, c!]) {
        expect((await client.next(isPublish('room'))).json).toEqual({
          type: 'publish',
          topic: 'room',
          data,
          clients: 3,
        });
      }
    },
  );

  it('many frames to one socket in one turn arrive whole and in order', async () => {
    const server = await pool.start({ limits: { messageBurst: 1_000 } });
    const [sender, receiver] = await Promise.all([pool.client(server), pool.client(server)]);
    for (const client of [sender!, receiver!]) {
      client.send({ type: 'subscribe', topics: ['room'] });
      await client.sync();
    }
    // sent back to back: the server reads many of them in one turn and batches their fan-out
    const frames = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ type: 'publish', topic: 'room', data: `m${i}` }),
    );
    for (const frame of frames) sender!.ws.send(frame);
    for (let i = 0; i < 300; i++) {
      expect((await receiver!.next(isPublish('room'))).json).toMatchObject({ data: `m${i}` });
    }
  });
});
