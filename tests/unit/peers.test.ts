import { describe, expect, it } from 'vitest';
import type { RecordId } from '../../src/lib/domain/ids.ts';
import { ExchangeNetwork, type ExchangeNetworkOptions } from '../support/exchange-network.ts';
import { PeerNetwork, Rng, type Peer, type PeerNetworkOptions, type TestNetwork } from '../support/peers.ts';
import { postBody, T0 } from './fixtures.ts';

async function publish(peer: Peer, note = 'need'): Promise<RecordId> {
  const result = await peer.board.commands.publishPost(postBody({ note }));
  if (!result.ok) throw new Error(result.reason);
  return result.id;
}

/** Every peer shows exactly these posts. */
function expectPosts(net: TestNetwork, ids: readonly RecordId[]): void {
  for (const peer of net.peers) {
    expect([...peer.board.view.posts()].map((p) => p.id).sort(), `peer ${peer.index}`).toEqual([...ids].sort());
  }
}

const TOPOLOGIES: readonly {
  name: string;
  create: (count: number, options?: PeerNetworkOptions) => Promise<TestNetwork>;
}[] = [
  { name: 'y-webrtc full mesh (PeerNetwork)', create: (count, options) => PeerNetwork.create(count, options) },
  {
    name: 'DocExchange line (ExchangeNetwork)',
    create: (count, options) => ExchangeNetwork.create(count, { ...options, shape: 'line', slow: 0, lateStart: 0 }),
  },
];

/** The harness must deliver only when told and honour partitions, or the fuzzer proves nothing. */
describe.each(TOPOLOGIES)('in-memory peers over $name', ({ create }) => {
  it('delivers nothing until flushed', async () => {
    const net = await create(3, { now: T0 });
    const [a, b, c] = net.peers;
    const id = await publish(a!);
    expect(net.pending).toBeGreaterThan(0);
    expect(b!.records.has(id)).toBe(false);
    net.flush();
    expect(net.pending).toBe(0);
    expect(b!.records.has(id)).toBe(true);
    expect(c!.records.has(id)).toBe(true);
  });

  it('keeps partitions apart until they heal, then converges', async () => {
    const net = await create(4, { now: T0 });
    net.partition([
      [0, 1],
      [2, 3],
    ]);
    const left = await publish(net.peers[0]!, 'left');
    const right = await publish(net.peers[3]!, 'right');
    await net.settle();
    expect(net.islands().filter((island) => island.length > 1)).not.toContainEqual([0, 1, 2, 3]);
    expect(net.peers[1]!.board.view.post(left)).toBeDefined();
    expect(net.peers[1]!.board.view.post(right)).toBeUndefined();
    expect(net.peers[2]!.board.view.post(right)).toBeDefined();
    expect(net.peers[2]!.board.view.post(left)).toBeUndefined();
    net.heal();
    await net.settle();
    expect(net.islands()).toEqual([[0, 1, 2, 3]]);
    expectPosts(net, [left, right]);
  });

  it('loses what was in flight on a cut link, and recovers it on reconnect', async () => {
    const net = await create(2, { now: T0 });
    const id = await publish(net.peers[0]!);
    net.disconnect(0, 1);
    expect(net.pending).toBe(0);
    expect(net.connected(0, 1)).toBe(false);
    net.connect(0, 1);
    await net.settle();
    expect(net.peers[1]!.board.view.post(id)).toBeDefined();
  });

  it('delivers a random part of what is queued, until all of it', async () => {
    const net = await create(3, { now: T0 });
    const ids: RecordId[] = [];
    for (let i = 0; i < 5; i++) ids.push(await publish(net.peers[0]!, `${i}`));
    const before = net.pending;
    const rng = new Rng(7);
    const first = net.flushRandom(rng);
    expect(first).toBeLessThanOrEqual(before);
    while (net.pending > 0) net.flushRandom(rng);
    await net.settle();
    expectPosts(net, ids);
  });

  it('gives every peer its own identity and the same founder', async () => {
    const net = await create(3, { seed: 5 });
    const authors = new Set(net.peers.map((p) => p.identity.author));
    expect(authors.size).toBe(3);
    expect(net.peers.every((p) => p.board.view.authority.founder === net.founder)).toBe(true);
    const again = await create(3, { seed: 5 });
    expect(again.peers.map((p) => p.identity.author)).toEqual([...authors]);
  });
});

describe('PeerNetwork (y-webrtc full mesh)', () => {
  it('queues one message per connected peer, and forwards nothing', async () => {
    const net = await PeerNetwork.create(3, { now: T0 });
    for (let i = 0; i < 5; i++) await publish(net.peers[0]!, `${i}`);
    expect(net.pending).toBe(10);
    net.disconnect(0, 2);
    expect(net.pending).toBe(5);
    net.flush();
    expect(net.peers[2]!.records.size).toBe(0);
    expect(net.islands()).toEqual([]); // nothing relays, so no promise while a link is cut
  });
});

describe('ExchangeNetwork (one DocExchange per device)', () => {
  const options = (more: ExchangeNetworkOptions = {}): ExchangeNetworkOptions => ({
    now: T0,
    shape: 'line',
    slow: 0,
    lateStart: 0,
    ...more,
  });

  it('links only neighbours, and the exchange forwards along the line', async () => {
    const net = await ExchangeNetwork.create(4, options());
    expect(net.edges).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(net.connected(0, 3)).toBe(false);
    net.connect(0, 3); // not neighbours: nothing happens
    expect(net.connected(0, 3)).toBe(false);
    const id = await publish(net.peers[0]!);
    net.flush();
    expect(net.peers[3]!.records.has(id)).toBe(true);
  });

  it('makes a random connected graph of the seed', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const net = await ExchangeNetwork.create(5, { ...options(), shape: 'random', seed, attach: false });
      expect(net.islands(), `seed ${seed}`).toEqual([[0, 1, 2, 3, 4]]);
      const again = await ExchangeNetwork.create(5, { ...options(), shape: 'random', seed, attach: false });
      expect(again.edges).toEqual(net.edges);
    }
  });

  it('when one end starts late, its first messages are lost and a repeated HELLO brings them', async () => {
    const net = await ExchangeNetwork.create(2, options({ lateStart: 1 }));
    net.disconnect(0, 1);
    const a = await publish(net.peers[0]!, 'a');
    const b = await publish(net.peers[1]!, 'b');
    net.connect(0, 1);
    net.flush();
    expect(net.traffic.lost).toBe(1); // the early side's HELLO
    expect(net.scheduler.active).toBeGreaterThan(0);
    await net.settle();
    expect(net.scheduler.now()).toBeGreaterThan(0);
    expect(net.scheduler.active).toBe(0);
    expectPosts(net, [a, b]);
  });

  it('a slow link makes the exchange wait for it to drain; settle still gets everything through', async () => {
    const net = await ExchangeNetwork.create(3, options({ slow: 1, chunkBytes: 256 }));
    net.disconnect(1, 2);
    const ids: RecordId[] = [];
    // Peer 1 posts three (an unvouched key's open limit), the founder on peer 0 the rest.
    for (let i = 0; i < 20; i++) ids.push(await publish(net.peers[i % 7 === 0 ? 1 : 0]!, `${i}`));
    net.connect(1, 2);
    await net.settle();
    expect(net.traffic.waits).toBeGreaterThan(0);
    expectPosts(net, ids);
  });

  it('a transfer cut halfway resumes on a new connection', async () => {
    const net = await ExchangeNetwork.create(2, options({ chunkBytes: 256 }));
    net.disconnect(0, 1);
    const ids: RecordId[] = [];
    for (let i = 0; i < 30; i++) ids.push(await publish(net.peers[0]!, `${i}`));
    net.connect(0, 1);
    const rng = new Rng(3);
    while (net.peers[1]!.records.size < 10) net.flushRandom(rng);
    net.disconnect(0, 1);
    expect(net.traffic.cut).toBeGreaterThan(0);
    expect(net.peers[1]!.records.size).toBeLessThan(30);
    const sent = net.exchanges[1]!.stats.piecesAnnounced;
    expect(sent).toBeGreaterThan(10);
    net.connect(0, 1);
    await net.settle();
    expectPosts(net, ids);
    // The second transfer carried only what the first did not.
    expect(net.exchanges[1]!.stats.piecesAnnounced - sent).toBeLessThan(sent);
  });
});
