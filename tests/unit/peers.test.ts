import { describe, expect, it } from 'vitest';
import { PeerNetwork, Rng } from '../support/peers.ts';
import { postBody, T0 } from './fixtures.ts';

/** The harness must deliver only when told and honour partitions, or the fuzzer proves nothing. */
describe('in-memory peers', () => {
  it('delivers nothing until flushed', async () => {
    const net = await PeerNetwork.create(3, { now: T0 });
    const [a, b, c] = net.peers;
    const result = await a!.board.commands.publishPost(postBody());
    if (!result.ok) throw new Error(result.reason);
    expect(net.pending).toBe(2);
    expect(b!.records.has(result.id)).toBe(false);
    net.flush();
    expect(net.pending).toBe(0);
    expect(b!.records.has(result.id)).toBe(true);
    expect(c!.records.has(result.id)).toBe(true);
  });

  it('keeps partitions apart until they heal, then converges', async () => {
    const net = await PeerNetwork.create(4, { now: T0 });
    const [a, b, c, d] = net.peers;
    net.partition([
      [0, 1],
      [2, 3],
    ]);
    const left = await a!.board.commands.publishPost(postBody({ note: 'left' }));
    const right = await c!.board.commands.publishPost(postBody({ note: 'right' }));
    if (!left.ok || !right.ok) throw new Error('publish failed');
    await net.settle();
    expect(b!.board.view.post(left.id)).toBeDefined();
    expect(b!.board.view.post(right.id)).toBeUndefined();
    expect(d!.board.view.post(right.id)).toBeDefined();
    expect(d!.board.view.post(left.id)).toBeUndefined();
    net.heal();
    await net.settle();
    for (const peer of net.peers) {
      expect(peer.board.view.post(left.id)).toBeDefined();
      expect(peer.board.view.post(right.id)).toBeDefined();
    }
  });

  it('loses what was in flight on a cut link, and recovers it on reconnect', async () => {
    const net = await PeerNetwork.create(2, { now: T0 });
    const [a, b] = net.peers;
    const result = await a!.board.commands.publishPost(postBody());
    if (!result.ok) throw new Error(result.reason);
    net.disconnect(0, 1);
    expect(net.pending).toBe(0);
    net.connect(0, 1);
    await net.settle();
    expect(b!.board.view.post(result.id)).toBeDefined();
  });

  it('delivers a random part of what is queued', async () => {
    const net = await PeerNetwork.create(3, { now: T0 });
    for (let i = 0; i < 5; i++) await net.peers[0]!.board.commands.publishPost(postBody({ note: `${i}` }));
    expect(net.pending).toBe(10);
    const rng = new Rng(7);
    let delivered = 0;
    while (net.pending > 0) delivered += net.flushRandom(rng);
    expect(delivered).toBe(10);
    await net.settle();
    expect([...net.peers[2]!.board.view.posts()]).toHaveLength(5);
  });

  it('gives every peer its own identity and the same founder', async () => {
    const net = await PeerNetwork.create(3, { seed: 5 });
    const authors = new Set(net.peers.map((p) => p.identity.author));
    expect(authors.size).toBe(3);
    expect(net.peers.every((p) => p.board.view.authority.founder === net.founder)).toBe(true);
    const again = await PeerNetwork.create(3, { seed: 5 });
    expect(again.peers.map((p) => p.identity.author)).toEqual([...authors]);
  });
});
