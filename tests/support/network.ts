/**
 * What every in-memory network of the tests shares: N simulated devices, each a Board on its
 * own Y.Doc, vault and identity (tests/support/device.ts), on one fake wall clock with per-device
 * skew, and the operations a test or fuzzer drives them with. How docs are linked is up to the
 * topology: `PeerNetwork` (peers.ts) is y-webrtc's full mesh without forwarding,
 * `ExchangeNetwork` (exchange-network.ts) the app's DocExchange over a partial mesh.
 */
import * as Y from 'yjs';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import type { AuthorKey } from '../../src/lib/domain/ids.ts';
import { openTestDevice, type TestDevice } from './device.ts';
import { Rng } from './random.ts';

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
  /** Seeds identities and Yjs client ids (and a topology's own choices). */
  readonly seed?: number;
  /** Start of the shared fake clock, in ms. */
  readonly now?: number;
  /** Attach every board to its doc at once (default true). */
  readonly attach?: boolean;
}

/** The devices of a network before they are linked: what a topology's constructor takes. */
export interface Devices {
  readonly peers: Peer[];
  readonly clock: { now: number };
  readonly skews: number[];
  /** What is left of the seeded stream after the devices were made, for the topology. */
  readonly rng: Rng;
}

/** Opens `count` devices with seeded identities; peer 0 holds the founder key. */
export async function openDevices(count: number, options: PeerNetworkOptions = {}): Promise<Devices> {
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
  return { peers, clock, skews, rng };
}

/** A pair of peer indices, lower first. */
export type Edge = readonly [number, number];

/** One key for a pair of peers, whichever way round. */
export const pairKey = (a: number, b: number): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** Every pair of `count` peers, in order: the links of a full mesh. */
export function allPairs(count: number): Edge[] {
  const pairs: Edge[] = [];
  for (let a = 0; a < count; a++) for (let b = a + 1; b < count; b++) pairs.push([a, b]);
  return pairs;
}

/** The line 0–1–…–(n−1): the longest way a change can have to travel. */
export function line(count: number): Edge[] {
  return Array.from({ length: Math.max(0, count - 1) }, (_, i) => [i, i + 1] as const);
}

/** A random spanning tree plus a few more edges: connected, rarely a full mesh. */
export function randomGraph(count: number, rng: Rng): Edge[] {
  const edges = new Set<string>();
  for (let i = 1; i < count; i++) edges.add(pairKey(rng.int(i), i));
  for (const [a, b] of allPairs(count)) if (rng.chance(0.25)) edges.add(pairKey(a, b));
  return allPairs(count).filter(([a, b]) => edges.has(pairKey(a, b)));
}

/** The connected components of a graph under the links that are up, each sorted. */
export function components(
  count: number,
  edges: readonly Edge[],
  linked: (a: number, b: number) => boolean,
): number[][] {
  const seen = new Set<number>();
  const islands: number[][] = [];
  for (let start = 0; start < count; start++) {
    if (seen.has(start)) continue;
    const island: number[] = [];
    const todo = [start];
    seen.add(start);
    while (todo.length > 0) {
      const at = todo.pop()!;
      island.push(at);
      for (const [a, b] of edges) {
        const other = a === at ? b : b === at ? a : -1;
        if (other >= 0 && !seen.has(other) && linked(a, b)) {
          seen.add(other);
          todo.push(other);
        }
      }
    }
    islands.push(island.sort((x, y) => x - y));
  }
  return islands;
}

/** N peers on an in-memory network with explicit delivery. Peer 0 holds the founder key. */
export abstract class TestNetwork {
  readonly peers: readonly Peer[];
  readonly founder: AuthorKey;
  /** The pairs that may link directly: every pair in a full mesh, fewer in a partial one. */
  abstract readonly edges: readonly Edge[];
  readonly #clock: { now: number };
  /** Per-peer clock error, added to the shared clock: devices never agree on the time exactly. */
  readonly #skews: number[];

  protected constructor(devices: Devices) {
    this.peers = devices.peers;
    this.founder = devices.peers[0]!.identity.author;
    this.#clock = devices.clock;
    this.#skews = devices.skews;
  }

  /** Messages in flight on all links. */
  abstract get pending(): number;
  /** Whether two peers are linked directly right now. */
  abstract connected(a: number, b: number): boolean;
  /** Delivers everything queued, in per-link order, until every queue is empty. */
  abstract flush(): number;
  /** Delivers a random number of messages from random links, keeping each link's order. */
  abstract flushRandom(rng: Rng): number;
  /** Cuts the link between two peers; what was in flight on it is lost. */
  abstract disconnect(a: number, b: number): void;
  /** Restores the link between two peers, if they may link, and starts its sync. */
  abstract connect(a: number, b: number): void;
  /**
   * Groups of peers that must hold the same document once settled (peers in no group may
   * differ): what the topology promises about convergence under the current links.
   */
  abstract islands(): number[][];

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

  /** Moves the shared clock forward. */
  advance(ms: number): void {
    this.now += ms;
  }

  /** Moves the network's own timers on by one step (a full mesh has none). */
  tick(): void {}

  /** Splits the peers into groups that only reach each other; unlisted peers are alone. */
  partition(groups: readonly (readonly number[])[]): void {
    const groupOf = new Map<number, number>();
    groups.forEach((group, g) => group.forEach((i) => groupOf.set(i, g)));
    for (const [a, b] of this.edges) {
      const ga = groupOf.get(a);
      if (ga !== undefined && ga === groupOf.get(b)) this.connect(a, b);
      else this.disconnect(a, b);
    }
  }

  /** Reconnects every pair that may link. */
  heal(): void {
    for (const [a, b] of this.edges) this.connect(a, b);
  }

  /**
   * Flushes and waits for every board to verify, fold and restore, repeating until nothing is
   * in flight. Restores write back into docs, so one round is not always enough.
   */
  async settle(maxRounds = 50): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      this.flush();
      await Promise.all(this.peers.map((p) => p.board.whenIdle()));
      if (await this.quiet()) return;
    }
    throw new Error(`network did not settle in ${maxRounds} rounds (${this.pending} messages in flight)`);
  }

  /** After a flush and idle boards: true if nothing more will happen without the test. */
  protected quiet(): Promise<boolean> {
    return Promise.resolve(this.pending === 0);
  }
}
