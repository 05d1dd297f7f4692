/**
 * In-memory peers for tests: N Y.Docs, each with its own Board, vault and identity, linked by
 * explicit per-link queues of Yjs updates. Nothing is delivered until a test calls `flush()` or
 * `flushRandom()`, so every interleaving is chosen by the test (no timers, no network).
 *
 * Topology mirrors y-webrtc: a full mesh with no relaying. A peer sends its own updates (local
 * writes and vault restores) to every peer it is connected to; updates it receives are not
 * forwarded. When a link comes back (`connect`, `partition`, `heal`) the two docs exchange what
 * the other lacks, as y-webrtc's sync step does. Messages queued on a link that is cut are lost.
 */
import * as Y from 'yjs';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import type { AuthorKey } from '../../src/lib/domain/ids.ts';
import { openTestDevice, type TestDevice } from './device.ts';
import { Rng } from './random.ts';

export { Rng };

// PKCS #8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const ED25519_PKCS8_PREFIX = [
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/** A deterministic Ed25519 identity from a 32-byte seed, so seeded runs replay exactly. */
export async function identityFromSeed(seed: Uint8Array): Promise<Identity> {
  if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
  const pkcs8 = new Uint8Array(48);
  pkcs8.set(ED25519_PKCS8_PREFIX);
  pkcs8.set(seed, 16);
  const exportable = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
  const { x } = await crypto.subtle.exportKey('jwk', exportable);
  if (!x) throw new Error('no public key in JWK');
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
  return { author: `ed25519:${x}` as AuthorKey, algorithm: 'ed25519', privateKey };
}

/** One simulated device. */
export interface Peer extends TestDevice {
  readonly index: number;
}

export interface PeerNetworkOptions {
  /** Seeds identities and Yjs client ids. */
  readonly seed?: number;
  /** Start of the shared fake clock, in ms. */
  readonly now?: number;
  /** Attach every board to its doc at once (default true). */
  readonly attach?: boolean;
}

/** Transaction origin of updates delivered by the network. */
interface Delivery {
  readonly from: number;
}

const linkKey = (from: number, to: number) => `${from}>${to}`;
const pairKey = (a: number, b: number) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** N peers on an in-memory network with explicit delivery. Peer 0 holds the founder key. */
export class PeerNetwork {
  readonly peers: readonly Peer[];
  readonly founder: AuthorKey;
  readonly #clock: { now: number };
  /** Per-peer clock error, added to the shared clock: devices never agree on the time exactly. */
  readonly #skews: number[];
  readonly #queues = new Map<string, Uint8Array[]>();
  readonly #cut = new Set<string>();

  private constructor(peers: Peer[], clock: { now: number }, skews: number[]) {
    this.peers = peers;
    this.founder = peers[0]!.identity.author;
    this.#clock = clock;
    this.#skews = skews;
  }

  /** The shared fake wall clock every board reads, in ms. */
  get now(): number {
    return this.#clock.now;
  }

  set now(ms: number) {
    this.#clock.now = ms;
  }

  /** Sets how far one peer's clock is ahead of the shared clock (negative: behind), in ms. */
  skew(index: number, ms: number): void {
    if (this.#skews[index] === undefined) throw new Error(`no peer ${index}`);
    this.#skews[index] = ms;
  }

  /** The time a peer's board reads: the shared clock plus its skew. */
  nowOf(index: number): number {
    return this.#clock.now + (this.#skews[index] ?? 0);
  }

  static async create(count: number, options: PeerNetworkOptions = {}): Promise<PeerNetwork> {
    if (count < 1) throw new Error('a network needs a peer');
    const rng = new Rng(options.seed ?? 1);
    const identities = await Promise.all(Array.from({ length: count }, () => identityFromSeed(rng.bytes(32))));
    const founder = identities[0]!.author;
    const clock = { now: options.now ?? Date.UTC(2022, 11, 20, 9) };
    const skews = identities.map(() => 0);
    const peers: Peer[] = [];
    for (const [index, identity] of identities.entries()) {
      const doc = new Y.Doc();
      // Distinct, seeded client ids keep Yjs conflict resolution reproducible.
      doc.clientID = 1 + index + 1000 * rng.int(1000);
      const device = await openTestDevice({
        identity,
        founder,
        doc,
        now: () => clock.now + skews[index]!,
        attach: false,
      });
      peers.push({ ...device, index });
    }
    const network = new PeerNetwork(peers, clock, skews);
    for (const peer of peers) {
      peer.doc.on('update', (update: Uint8Array, origin: unknown) => network.#broadcast(peer.index, update, origin));
    }
    if (options.attach ?? true) await Promise.all(peers.map((p) => p.board.attach()));
    return network;
  }

  /** Moves the shared clock forward. */
  advance(ms: number): void {
    this.now += ms;
  }

  /** Messages waiting on all links. */
  get pending(): number {
    let n = 0;
    for (const queue of this.#queues.values()) n += queue.length;
    return n;
  }

  connected(a: number, b: number): boolean {
    return a !== b && !this.#cut.has(pairKey(a, b));
  }

  /** Delivers everything queued, in per-link order, until every queue is empty. */
  flush(): number {
    let delivered = 0;
    while (this.pending > 0) {
      for (const [key, queue] of this.#queues) {
        const update = queue.shift();
        if (update) {
          this.#deliver(key, update);
          delivered++;
        }
      }
    }
    return delivered;
  }

  /** Delivers a random number of messages from random links, keeping each link's order. */
  flushRandom(rng: Rng): number {
    const budget = rng.int(this.pending + 1);
    let delivered = 0;
    while (delivered < budget) {
      const busy = [...this.#queues].filter(([, queue]) => queue.length > 0);
      if (busy.length === 0) break;
      const [key, queue] = rng.pick(busy);
      this.#deliver(key, queue.shift()!);
      delivered++;
    }
    return delivered;
  }

  /** Cuts the link between two peers; what was in flight on it is lost. */
  disconnect(a: number, b: number): void {
    if (a === b) return;
    this.#cut.add(pairKey(a, b));
    this.#queues.delete(linkKey(a, b));
    this.#queues.delete(linkKey(b, a));
  }

  /** Restores a link and queues the sync step both ways. */
  connect(a: number, b: number): void {
    if (this.connected(a, b) || a === b) return;
    this.#cut.delete(pairKey(a, b));
    this.#syncStep(a, b);
    this.#syncStep(b, a);
  }

  /** Splits the peers into groups that only reach each other; unlisted peers are alone. */
  partition(groups: readonly (readonly number[])[]): void {
    const groupOf = new Map<number, number>();
    groups.forEach((group, g) => group.forEach((i) => groupOf.set(i, g)));
    for (let a = 0; a < this.peers.length; a++) {
      for (let b = a + 1; b < this.peers.length; b++) {
        const ga = groupOf.get(a);
        if (ga !== undefined && ga === groupOf.get(b)) this.connect(a, b);
        else this.disconnect(a, b);
      }
    }
  }

  /** Reconnects every pair. */
  heal(): void {
    for (let a = 0; a < this.peers.length; a++) {
      for (let b = a + 1; b < this.peers.length; b++) this.connect(a, b);
    }
  }

  /**
   * Flushes and waits for every board to verify, fold and restore, repeating until nothing is
   * in flight. Restores write back into docs, so one round is not always enough.
   */
  async settle(maxRounds = 50): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      this.flush();
      await Promise.all(this.peers.map((p) => p.board.whenIdle()));
      if (this.pending === 0) return;
    }
    throw new Error(`network did not settle in ${maxRounds} rounds`);
  }

  #broadcast(from: number, update: Uint8Array, origin: unknown): void {
    if (isDelivery(origin)) return; // no relaying: y-webrtc is a full mesh
    for (const peer of this.peers) {
      if (!this.connected(from, peer.index)) continue;
      const key = linkKey(from, peer.index);
      const queue = this.#queues.get(key) ?? [];
      queue.push(update);
      this.#queues.set(key, queue);
    }
  }

  #syncStep(from: number, to: number): void {
    const source = this.peers[from]!.doc;
    const target = this.peers[to]!.doc;
    const diff = Y.encodeStateAsUpdate(source, Y.encodeStateVector(target));
    const key = linkKey(from, to);
    this.#queues.set(key, [...(this.#queues.get(key) ?? []), diff]);
  }

  #deliver(key: string, update: Uint8Array): void {
    const [from, to] = key.split('>').map(Number) as [number, number];
    const origin: Delivery = { from };
    Y.applyUpdate(this.peers[to]!.doc, update, origin);
  }
}

function isDelivery(origin: unknown): origin is Delivery {
  return typeof origin === 'object' && origin !== null && 'from' in origin;
}
