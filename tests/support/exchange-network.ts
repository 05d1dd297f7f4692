/**
 * In-memory peers linked the way the app links them: one DocExchange per device, and one
 * `addPeer(peerId, channel)` per connection, over ChannelPairs whose messages wait until the
 * test delivers them. Unlike y-webrtc's full mesh, only some pairs ever link (a random
 * connected graph, or a line), so live changes reach far peers only because the exchange
 * forwards them; a cut link that comes back is a new channel pair and a new HELLO, which is
 * how a cut transfer resumes.
 *
 * As in a browser, the two ends of a new connection do not start at once: often one side adds
 * the peer later (`open`), so its first messages are lost and only a repeated HELLO, run on
 * the network's ManualScheduler (`tick`), gets them through.
 */
import { CHUNK_BYTES, DocExchange, type EpochOffer } from '../../src/lib/sync/doc-exchange.ts';
import { HELLO_RETRY_MS } from '../../src/lib/sync/peer-link.ts';
import { ChannelPair, type TestChannel } from './channel-pair.ts';
import { ManualScheduler } from './manual-scheduler.ts';
import {
  components,
  line,
  openDevices,
  pairKey,
  randomGraph,
  TestNetwork,
  type Devices,
  type Edge,
  type PeerNetworkOptions,
} from './network.ts';
import type { Rng } from './random.ts';

export interface ExchangeNetworkOptions extends PeerNetworkOptions {
  /** Which pairs may link: a random connected graph (default) or the line 0–1–…–(n−1). */
  readonly shape?: 'random' | 'line';
  /** Chance that one end of a new connection starts late (default 0.5). */
  readonly lateStart?: number;
  /** Largest piece of document per message (default: one of a few, small to large, at random). */
  readonly chunkBytes?: number;
  /** Chance that a connection is slow enough for the exchange to wait for it to drain (default 0.3). */
  readonly slow?: number;
  /**
   * A peer running a client of its own: it judges nothing, while every other peer judges each
   * update before applying it as the app does (its board's `judge`, repairs and quarantine).
   * The honest peers then link among themselves as `shape` says, and the adversary to one or
   * two of them, so a quarantine of the adversary never splits them.
   */
  readonly adversary?: number;
  /** A peer said HELLO to peer `index` from a later epoch (its exchange's `onEpoch`). */
  readonly onEpoch?: (index: number, offer: EpochOffer) => void;
}

/** A quarantine one peer's exchange imposed on another. */
export interface Quarantine {
  readonly by: number;
  readonly peer: number;
}

/** Piece sizes to choose from: small ones cut a fuzzer's small square into many pieces. */
const CHUNK_SIZES = [256, 1024, CHUNK_BYTES];
/** bufferedAmount scale of a slow connection: a message of a few hundred bytes fills it. */
const SLOW_SCALE = 4096;
/** Macrotasks a settle round may take to drain the links: far more than any fuzz transfer needs. */
const DRAIN_TURNS = 10_000;
/** Drain turns that count as one HELLO retry interval. */
const TURNS_PER_TICK = 20;
/** Ticks after which an end that starts late has surely started. */
const LATE_TICKS = 3;

interface Link {
  readonly pair: ChannelPair;
  /** The side that has not added its peer yet, and for how many ticks it has waited. */
  late: { readonly index: number; waited: number } | null;
}

/** N peers, each with its own DocExchange, on a partial mesh with explicit delivery. */
export class ExchangeNetwork extends TestNetwork {
  readonly edges: readonly Edge[];
  readonly exchanges: readonly DocExchange[];
  /** Runs every exchange's HELLO retries; advanced only by `tick()` and `settle()`. */
  readonly scheduler = new ManualScheduler();
  readonly #links = new Map<string, Link>();
  /** Every channel pair ever opened, for the traffic counts. */
  readonly #pairs: ChannelPair[] = [];
  readonly #rng: Rng;
  readonly #lateStart: number;
  readonly #slow: number;
  readonly #adversary: number | undefined;
  /** Every quarantine imposed, in order. */
  readonly quarantines: Quarantine[] = [];

  private constructor(devices: Devices, options: ExchangeNetworkOptions) {
    super(devices);
    this.#rng = devices.rng;
    this.#lateStart = options.lateStart ?? 0.5;
    this.#slow = options.slow ?? 0.3;
    this.#adversary = options.adversary;
    this.edges = this.#graph(options);
    const chunkBytes = options.chunkBytes ?? this.#rng.pick(CHUNK_SIZES);
    this.exchanges = this.peers.map((peer) => {
      const judged = options.adversary !== undefined && peer.index !== options.adversary;
      return new DocExchange(peer.doc, {
        countPosts: () => peer.records.size,
        chunkBytes,
        scheduler: this.scheduler,
        ...(options.onEpoch ? { onEpoch: (offer: EpochOffer) => options.onEpoch?.(peer.index, offer) } : {}),
        ...(judged
          ? {
              judge: peer.board,
              onQuarantine: (id) => this.quarantines.push({ by: peer.index, peer: Number(id) }),
            }
          : {}),
      });
    });
  }

  #graph(options: ExchangeNetworkOptions): Edge[] {
    const count = this.peers.length;
    const adversary = options.adversary;
    const shape = (n: number) => (options.shape === 'line' ? line(n) : randomGraph(n, this.#rng));
    if (adversary === undefined || count < 2) return shape(count);
    // The honest peers are numbered around the adversary: 0…n−1 skipping it.
    const honest = this.peers.map((p) => p.index).filter((i) => i !== adversary);
    const edges: Edge[] = shape(honest.length).map(([a, b]) => [honest[a]!, honest[b]!]);
    const first = this.#rng.pick(honest);
    edges.push([Math.min(first, adversary), Math.max(first, adversary)]);
    const second = this.#rng.pick(honest);
    if (second !== first) edges.push([Math.min(second, adversary), Math.max(second, adversary)]);
    return edges;
  }

  static async create(count: number, options: ExchangeNetworkOptions = {}): Promise<ExchangeNetwork> {
    const network = new ExchangeNetwork(await openDevices(count, options), options);
    if (options.attach ?? true) await Promise.all(network.peers.map((p) => p.board.attach()));
    network.heal();
    return network;
  }

  get pending(): number {
    let n = 0;
    for (const { pair } of this.#links.values()) n += pair.pending;
    return n;
  }

  connected(a: number, b: number): boolean {
    return this.#links.get(pairKey(a, b))?.pair.open ?? false;
  }

  /**
   * The connected components of the live links: the exchange forwards, so each must agree. An
   * adversary's document may differ from everyone's: the honest peers refuse what harms them.
   */
  islands(): number[][] {
    const linked = (a: number, b: number) => a !== this.#adversary && b !== this.#adversary && this.connected(a, b);
    return components(this.peers.length, this.edges, linked).filter(
      (island) => !island.includes(this.#adversary ?? -1),
    );
  }

  /**
   * Delivers until nothing more is in flight; ends that start late start once what was sent to
   * them before is delivered, that is lost.
   */
  flush(): number {
    let delivered = 0;
    for (let late = this.#lateCount(); ; late = this.#lateCount()) {
      while (this.pending > 0) for (const { pair } of this.#links.values()) delivered += pair.flush();
      if (late === 0) return delivered;
      this.open();
    }
  }

  /** Starts some late ends, then delivers a random part of what is in flight. */
  flushRandom(rng: Rng): number {
    for (const [key, link] of this.#links) if (link.late && this.#rng.chance(0.5)) this.#start(key, link);
    const budget = rng.int(this.pending + 1);
    let delivered = 0;
    while (delivered < budget) {
      const busy: [ChannelPair, TestChannel][] = [];
      for (const { pair } of this.#links.values()) {
        for (const end of [pair.a, pair.b]) if (end.outbox.length > 0) busy.push([pair, end]);
      }
      if (busy.length === 0) break;
      const [pair, end] = rng.pick(busy);
      pair.deliverFrom(end);
      delivered++;
    }
    return delivered;
  }

  disconnect(a: number, b: number): void {
    const key = pairKey(a, b);
    const link = this.#links.get(key);
    if (!link) return;
    this.#links.delete(key);
    link.pair.disconnect();
  }

  /** Opens a new connection between neighbours: a new channel pair, so a new HELLO each way. */
  connect(a: number, b: number): void {
    const key = pairKey(a, b);
    if (this.connected(a, b) || !this.edges.some(([x, y]) => pairKey(x, y) === key)) return;
    const [low, high] = a < b ? [a, b] : [b, a];
    const pair = new ChannelPair({ scale: this.#rng.chance(this.#slow) ? SLOW_SCALE : 1 });
    const link: Link = { pair, late: null };
    this.#pairs.push(pair);
    this.#links.set(key, link);
    const late = this.#rng.chance(this.#lateStart) ? (this.#rng.chance(0.5) ? low : high) : null;
    if (late !== low) this.exchanges[low]!.addPeer(String(high), pair.a);
    if (late !== high) this.exchanges[high]!.addPeer(String(low), pair.b);
    if (late !== null) link.late = { index: late, waited: 0 };
  }

  /** Messages delivered, lost to a late start and cut in flight, and waits for a channel to drain. */
  get traffic(): { delivered: number; lost: number; cut: number; waits: number } {
    const traffic = { delivered: 0, lost: 0, cut: 0, waits: 0 };
    for (const pair of this.#pairs) {
      traffic.delivered += pair.delivered;
      traffic.lost += pair.lost;
      traffic.cut += pair.cut;
      traffic.waits += pair.a.waits + pair.b.waits;
    }
    return traffic;
  }

  /** Starts every end that started late. */
  open(): void {
    for (const [key, link] of this.#links) if (link.late) this.#start(key, link);
  }

  /** Moves the exchanges' clock on by one HELLO retry; ends late for long enough start first. */
  override tick(): void {
    for (const [key, link] of this.#links) {
      if (link.late && ++link.late.waited >= LATE_TICKS) this.#start(key, link);
    }
    this.scheduler.advance(HELLO_RETRY_MS);
  }

  /**
   * Also quiet means: pumps that waited for a channel to drain have sent what they hold, and no
   * HELLO is still being repeated (a HELLO lost to a late start would leave a peer without
   * what the other had).
   */
  protected override async quiet(): Promise<boolean> {
    // A slow link takes a macrotask per message (the pump resumes after each drain), so a long
    // transfer is drained here rather than one settle round at a time. Time passes meanwhile:
    // HELLO retries run, or a peer that lost its HELLO to a late start would wait forever.
    const judging = this.exchanges.some((exchange) => exchange.judging > 0);
    let delivered = 0;
    for (let turn = 1; turn <= DRAIN_TURNS; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.pending === 0) break;
      delivered += this.flush();
      if (turn % TURNS_PER_TICK === 0) this.tick();
    }
    if (this.pending > 0) throw new Error(`links did not drain in ${DRAIN_TURNS} turns`);
    // An update judged harmful at first is judged again once its board is idle, and may then
    // apply, during the drain or after it: the boards then have work the next round waits for.
    if (judging || this.exchanges.some((exchange) => exchange.judging > 0)) return false;
    // What was delivered here gave the boards work: the next round waits for it.
    if (delivered > 0) return false;
    if (this.scheduler.active === 0) return true;
    this.tick();
    return false;
  }

  /** Ends the exchanges; the docs and boards stay as they are. */
  destroy(): void {
    for (const exchange of this.exchanges) exchange.destroy();
    this.#links.clear();
  }

  #lateCount(): number {
    let late = 0;
    for (const link of this.#links.values()) if (link.late) late++;
    return late;
  }

  #start(key: string, link: Link): void {
    if (!link.late) return;
    if (!link.pair.open) {
      // Closed before its late end started (a peer in quarantine closes it): nothing to start.
      link.late = null;
      return;
    }
    const [low, high] = key.split('|').map(Number) as [number, number];
    if (link.late.index === low) this.exchanges[low]!.addPeer(String(high), link.pair.a);
    else this.exchanges[high]!.addPeer(String(low), link.pair.b);
    link.late = null;
  }
}
