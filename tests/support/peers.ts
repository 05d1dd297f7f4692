/**
 * In-memory peers for tests, linked the way plain y-webrtc links them: N Y.Docs joined by
 * explicit per-link queues of Yjs updates. Nothing is delivered until a test calls `flush()` or
 * `flushRandom()`, so every interleaving is chosen by the test (no timers, no network).
 *
 * Topology mirrors y-webrtc: a full mesh with no relaying. A peer sends its own updates (local
 * writes and vault restores) to every peer it is connected to; updates it receives are not
 * forwarded. When a link comes back (`connect`, `partition`, `heal`) the two docs exchange what
 * the other lacks, as y-webrtc's sync step does. Messages queued on a link that is cut are lost.
 * The app's own exchange, which forwards, runs in exchange-network.ts.
 */
import * as Y from 'yjs';
import {
  allPairs,
  openDevices,
  pairKey,
  TestNetwork,
  type Devices,
  type Edge,
  type PeerNetworkOptions,
} from './network.ts';
import { Rng } from './random.ts';

export { Rng };
export { identityFromSeed, TestNetwork, type Peer, type PeerNetworkOptions } from './network.ts';

/** Transaction origin of updates delivered by the network. */
interface Delivery {
  readonly from: number;
}

const linkKey = (from: number, to: number) => `${from}>${to}`;

/** N peers in a full mesh without forwarding, as plain y-webrtc. Peer 0 holds the founder key. */
export class PeerNetwork extends TestNetwork {
  readonly edges: readonly Edge[];
  readonly #queues = new Map<string, Uint8Array[]>();
  readonly #cut = new Set<string>();

  private constructor(devices: Devices) {
    super(devices);
    this.edges = allPairs(devices.peers.length);
  }

  static async create(count: number, options: PeerNetworkOptions = {}): Promise<PeerNetwork> {
    const network = new PeerNetwork(await openDevices(count, options));
    for (const peer of network.peers) {
      peer.doc.on('update', (update: Uint8Array, origin: unknown) => network.#broadcast(peer.index, update, origin));
    }
    if (options.attach ?? true) await Promise.all(network.peers.map((p) => p.board.attach()));
    return network;
  }

  get pending(): number {
    let n = 0;
    for (const queue of this.#queues.values()) n += queue.length;
    return n;
  }

  connected(a: number, b: number): boolean {
    return a !== b && !this.#cut.has(pairKey(a, b));
  }

  /** Every peer, once every pair is linked; no promise while any link is cut (nothing relays). */
  islands(): number[][] {
    const all = this.peers.map((p) => p.index);
    return this.#cut.size === 0 ? [all] : [];
  }

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
