// The outbox (signaling/outbox.ts) batches a turn's frames per topic, in order, and lets a topic's
// go early past MAX_TOPIC_BATCH_BYTES, or the whole turn's past MAX_BATCH_BYTES.

import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, MAX_TOPIC_BATCH_BYTES, Outbox } from '../../signaling/outbox.ts';

/** An outbox whose sends are recorded: each is one write of one buffer to a topic's receivers. */
function recorded(): { outbox: Outbox<string>; sent: { topic: string; data: string; frames: number }[] } {
  const sent: { topic: string; data: string; frames: number }[] = [];
  const outbox = new Outbox<string>((topic, data, batch) =>
    sent.push({ topic, data: data.toString('latin1'), frames: batch.frames.length }),
  );
  return { outbox, sent };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Outbox', () => {
  it("sends a topic's frames of one turn as one buffer, in order, once the turn ends", async () => {
    const { outbox, sent } = recorded();
    outbox.add('a', Buffer.from('1'), 10);
    outbox.add('b', Buffer.from('x'), 10);
    outbox.add('a', Buffer.from('2'), 10);
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toEqual([
      { topic: 'a', data: '12', frames: 2 },
      { topic: 'b', data: 'x', frames: 1 },
    ]);
    outbox.add('a', Buffer.from('3'), 10);
    await nextTurn();
    expect(sent.at(-1)).toEqual({ topic: 'a', data: '3', frames: 1 });
  });

  it('sends a topic at once when asked (its receivers are about to change)', async () => {
    const { outbox, sent } = recorded();
    outbox.add('a', Buffer.from('1'), 10);
    outbox.add('b', Buffer.from('x'), 10);
    outbox.flush('a');
    expect(sent).toEqual([{ topic: 'a', data: '1', frames: 1 }]);
    await nextTurn();
    expect(sent.map((s) => s.topic)).toEqual(['a', 'b']);
  });

  it('lets a topic past MAX_TOPIC_BATCH_BYTES go at once, in order, while the others wait for the turn', async () => {
    const { outbox, sent } = recorded();
    outbox.add('quiet', Buffer.from('q'), 10);
    const frame = Buffer.alloc(16 * 1024, 'a');
    const count = Math.ceil(MAX_TOPIC_BATCH_BYTES / frame.length) * 2 + 3;
    for (let i = 0; i < count; i++) outbox.add('busy', Buffer.concat([Buffer.from(`${i};`), frame]), 10);
    // within the same turn: the busy topic's first batches have left already, in batches, not one by one
    const early = sent.filter((s) => s.topic === 'busy');
    expect(early.length).toBeGreaterThan(0);
    expect(early.length).toBeLessThanOrEqual(2);
    expect(sent.some((s) => s.topic === 'quiet')).toBe(false);
    await nextTurn();
    const order = sent
      .filter((s) => s.topic === 'busy')
      .flatMap((s) => s.data.split(/a+/).filter(Boolean))
      .map((n) => Number(n.replace(';', '')));
    expect(order).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(sent.filter((s) => s.topic === 'quiet')).toEqual([{ topic: 'quiet', data: 'q', frames: 1 }]);
  });

  it('lets a whole turn go at once past MAX_BATCH_BYTES (counted per receiver), and batches the rest', async () => {
    const { outbox, sent } = recorded();
    const frame = Buffer.alloc(1024, 'f');
    const receivers = Math.floor(MAX_BATCH_BYTES / frame.length / 4) + 1;
    outbox.add('a', frame, receivers);
    outbox.add('b', frame, receivers);
    outbox.add('c', frame, receivers);
    expect(sent).toEqual([]);
    outbox.add('d', frame, receivers);
    expect(sent.map((s) => s.topic)).toEqual(['a', 'b', 'c', 'd']);
    outbox.add('a', frame, 1);
    expect(sent).toHaveLength(4);
    await nextTurn();
    expect(sent.map((s) => s.topic)).toEqual(['a', 'b', 'c', 'd', 'a']);
  });
});
