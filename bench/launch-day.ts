/**
 * Launch day: a whole compound opens the invite link within minutes (issue 15).
 *
 *   npm run sim                      500 and 1,000 peers, the connection rules before the fix and after
 *   npm run sim -- --window 20       arrivals within 20 s instead of 3 min
 *   npm run sim -- --full            the late joiners find every peer at its maxConns
 *   npm run sim -- --peers 5000      one size (5,000 takes several minutes on 2 cores)
 *   npm run sim -- --rules today     one set of rules
 *
 * In simulated time: peers join at random within JOIN_WINDOW_MS, each running the app's real
 * DocExchange and ConnectionBudget; signalling is a room that delivers every announce to every
 * peer in it; connections follow y-webrtc's rules (a peer that hears an announce connects while
 * it has fewer than `maxConns`; an offer opens a connection wherever the budget admits it) and
 * signal-guard.ts's (an announce that finds no slot is answered, addressed to its sender, at most
 * REPLY_RATE_PER_SECOND, reply-tokens.ts; a peer alone announces again every REANNOUNCE_MS; a closed connection
 * makes both ends announce again). Some peers leave and some of those come back (churn). Data
 * channels deliver in order, after a latency and at a bandwidth of their own, with the exchange's
 * flow control. The founder holds the square's posts; some newcomers post as they arrive.
 *
 * Measured: when every peer online holds every post, each newcomer's time to hold every post
 * that existed when it joined, bytes each peer sent, and peers left without a neighbour. Prints a
 * table and writes bench/results/launch-day.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as Y from 'yjs';
import { RECORDS_KEY } from '../src/lib/board/schema.ts';
import {
  ConnectionBudget,
  INITIATE_CONNECTIONS,
  MAX_PEER_CONNECTIONS,
  type BudgetConn,
} from '../src/lib/sync/connection-budget.ts';
import { DocExchange } from '../src/lib/sync/doc-exchange.ts';
import { InMemoryPeerChannel, LOW_WATER_BYTES } from '../src/lib/sync/peer-channel.ts';
import { ReplyTokens } from '../src/lib/sync/reply-tokens.ts';
import type { Scheduler } from '../src/lib/sync/scheduler.ts';
import { REANNOUNCE_MS } from '../src/lib/sync/signal-guard.ts';
import { percentile } from './support/report.ts';
import { Rng } from '../tests/support/random.ts';

/** Newcomers arrive within this window (the group chat's message went out at 0); `--window` in s. */
const JOIN_WINDOW_MS = 3 * 60_000;
/** Late joiners: this many arrive together, LATE_AFTER_MS after the last of the wave, when every peer may be full. */
const LATE_JOINERS = 20;
const LATE_AFTER_MS = 60_000;
/** The run ends this long after the last arrival, or earlier once every peer holds every post. */
const TAIL_MS = 5 * 60_000;
/** Posts the square already holds (the founder's device has them all). */
const INITIAL_POSTS = 200;
/** Chance that a newcomer posts as it arrives. */
const POST_CHANCE = 0.1;
/** Chance that a peer leaves during the run, and that one who left comes back 30–90 s later. */
const LEAVE_CHANCE = 0.1;
const RETURN_CHANCE = 0.5;
/** Signalling's one-way delay, and the extra time ICE takes before a data channel is up. */
const SIGNAL_MS = [15, 60] as const;
const ICE_MS = [80, 250] as const;
/** A data channel's one-way latency and bandwidth (bytes per ms: 1 MB/s, a phone on Wi-Fi). */
const CHANNEL_MS = [5, 40] as const;
const BYTES_PER_MS = 1000;
/** How often each peer's budget is swept and its status sampled, as webrtc-transport.ts does. */
const SWEEP_MS = 1000;

/** `today`: one limit for announces and offers (MAX_PEER_CONNECTIONS); `fixed`: INITIATE_CONNECTIONS for announces. */
type Rules = 'today' | 'fixed';

interface Options {
  readonly peers: number;
  readonly rules: Rules;
  readonly seed: number;
  readonly windowMs: number;
  /** Before the late joiners come, every peer is linked up to its `maxConns`: the room is full. */
  readonly full: boolean;
}

/** Microtask turns after each simulated instant. */
const MICROTASK_TURNS = 8;

// ---------------------------------------------------------------------------------------------
// Simulated time: a binary heap of events; promises settle between two instants.

class Clock implements Scheduler {
  ms = 0;
  #seq = 0;
  readonly #heap: { at: number; seq: number; run: () => void }[] = [];

  now(): number {
    return this.ms;
  }

  at(at: number, run: () => void): void {
    const heap = this.#heap;
    heap.push({ at, seq: this.#seq++, run });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  after(ms: number, run: () => void): void {
    this.at(this.ms + ms, run);
  }

  every(ms: number, fn: () => void): () => void {
    let live = true;
    const tick = () => {
      if (!live) return;
      fn();
      if (live) this.after(ms, tick);
    };
    this.after(ms, tick);
    return () => (live = false);
  }

  /**
   * Runs every event up to `until`, letting promises settle after each instant. NOTE: a few
   * microtask turns settle the exchange's pumps; what a longer chain leaves runs at the next
   * instant. A macrotask turn only now and then: one per instant made a run six times slower.
   */
  async run(until: number, stop: () => boolean): Promise<void> {
    const heap = this.#heap;
    let instants = 0;
    while (heap.length > 0 && heap[0]!.at <= until && !stop()) {
      this.ms = heap[0]!.at;
      while (heap.length > 0 && heap[0]!.at === this.ms) this.#pop().run();
      for (let i = 0; i < MICROTASK_TURNS; i++) await null;
      if (++instants % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #pop(): { at: number; seq: number; run: () => void } {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: { at: number; seq: number }, b: { at: number; seq: number }) =>
  a.at < b.at || (a.at === b.at && a.seq < b.seq);

// ---------------------------------------------------------------------------------------------
// Data channels with latency, bandwidth and the exchange's flow control.

/** In-memory channel ends delivering on the simulated clock, after their latency and bandwidth. */
class SimChannel extends InMemoryPeerChannel {
  #freeAt = 0;
  #drainWaiters: (() => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly latency: number,
  ) {
    super();
  }

  override send(message: Uint8Array): void {
    if (this.closed) throw new Error('channel closed');
    this.bufferedAmount += message.length;
    this.#freeAt = Math.max(this.#freeAt, this.clock.ms) + Math.ceil(message.length / BYTES_PER_MS);
    const leaves = this.#freeAt;
    this.clock.at(leaves, () => {
      this.bufferedAmount -= message.length;
      if (this.bufferedAmount <= LOW_WATER_BYTES) for (const wake of this.#drainWaiters.splice(0)) wake();
    });
    this.clock.at(leaves + this.latency, () => this.deliver(message));
  }

  override drained(): Promise<void> {
    if (this.bufferedAmount <= LOW_WATER_BYTES || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  override close(): void {
    if (!this.closed) for (const wake of this.#drainWaiters.splice(0)) wake();
    super.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Peers: y-webrtc's connection table, the budget, the exchange and the document.

interface Conn extends BudgetConn {
  connected: boolean;
  channel: SimChannel | null;
  destroy(): void;
}

class Peer {
  readonly doc = new Y.Doc();
  readonly records = this.doc.getMap<string>(RECORDS_KEY);
  readonly conns = new Map<string, Conn>();
  readonly budget: ConnectionBudget;
  readonly exchange: DocExchange;
  online = false;
  joinedMs = 0;
  /** Posts that existed when it (first) joined, and when it held them all. */
  postsAtJoin = 0;
  caughtUpMs: number | null = null;
  everConnected = false;
  readonly #replies: ReplyTokens;
  #announcedMs = Number.NEGATIVE_INFINITY;
  #stopSweep: (() => void) | null = null;

  constructor(
    readonly id: number,
    readonly sim: Simulation,
    /** y-webrtc's `maxConns`: connections it opens on announces. */
    readonly maxConns: number,
  ) {
    this.doc.clientID = id + 1;
    this.budget = new ConnectionBudget(
      () => this.conns as unknown as ReadonlyMap<string, BudgetConn>,
      () => sim.clock.ms,
      sim.rules === 'today' ? MAX_PEER_CONNECTIONS : INITIATE_CONNECTIONS,
    );
    this.#replies = new ReplyTokens(() => sim.clock.ms);
    this.exchange = new DocExchange(this.doc, { countPosts: () => this.records.size, scheduler: sim.clock });
    this.doc.on('update', () => {
      if (this.caughtUpMs === null && this.online && this.records.size >= this.postsAtJoin)
        this.caughtUpMs = sim.clock.ms;
    });
  }

  get connectedCount(): number {
    let n = 0;
    for (const conn of this.conns.values()) if (conn.connected) n++;
    return n;
  }

  join(): void {
    this.online = true;
    this.joinedMs ||= this.sim.clock.ms;
    if (this.postsAtJoin === 0) this.postsAtJoin = this.sim.posts;
    this.announce();
    this.#stopSweep = this.sim.clock.every(SWEEP_MS, () => this.#sweep());
  }

  leave(): void {
    this.online = false;
    this.#stopSweep?.();
    for (const conn of [...this.conns.values()]) conn.destroy();
  }

  announce(): void {
    this.#announcedMs = this.sim.clock.ms;
    this.sim.broadcast(this.id);
  }

  /** A broadcast announce from `from` (signal-guard.ts `inbound`, then y-webrtc's `announce`). */
  heardAnnounce(from: number): void {
    if (!this.online || this.conns.has(String(from)) || this.budget.has(String(from))) return;
    if (!this.budget.admit(String(from), 'announce')) {
      if (this.#replies.take()) this.sim.signal(this.id, from, () => this.sim.peers[from]!.heardReply(this.id));
      return;
    }
    if (this.conns.size < this.maxConns) this.#offer(from);
  }

  /** An announce addressed to us, answering ours: admitted like an offer. */
  heardReply(from: number): void {
    if (!this.online || this.conns.has(String(from)) || this.budget.has(String(from))) return;
    if (!this.budget.admit(String(from), 'offer')) return;
    if (this.conns.size < this.maxConns) this.#offer(from);
  }

  /** An offer from `from`: opens a connection wherever the budget admits it (y-webrtc has no bound). */
  heardOffer(from: number): void {
    const other = this.sim.peers[from]!;
    if (!this.online || !other.online) return;
    if (this.conns.has(String(from))) return; // glare: y-webrtc keeps one of the two; the other times out
    if (!this.budget.admit(String(from), 'offer')) return;
    const conn = this.#conn(from);
    // Its candidates follow the offer: the attempt is answering and keeps its slot.
    this.sim.clock.after(this.sim.rng.between(SIGNAL_MS), () => this.budget.heard(String(from)));
    this.sim.signal(this.id, from, () => other.budget.heard(String(this.id)));
    this.sim.clock.after(this.sim.rng.between(ICE_MS) + this.sim.rng.between(SIGNAL_MS), () =>
      this.sim.link(other, this, conn),
    );
  }

  /** A connection that is simply there (a room already full): both ends up at once. */
  connectNow(other: Peer): void {
    const mine = this.#conn(other.id);
    other.#conn(this.id);
    this.sim.link(this, other, other.conns.get(String(this.id))!);
    void mine;
  }

  /** Opens a connection we initiate: the offer goes through signalling. */
  #offer(to: number): void {
    this.#conn(to);
    this.sim.signal(this.id, to, () => this.sim.peers[to]!.heardOffer(this.id));
  }

  #conn(to: number): Conn {
    const conn: Conn = {
      connected: false,
      channel: null,
      destroy: () => {
        if (this.conns.get(String(to)) !== conn) return;
        this.conns.delete(String(to));
        const wasUp = conn.connected;
        conn.connected = false;
        this.exchange.removePeer(String(to));
        conn.channel?.close();
        // y-webrtc's close handler announces us again.
        if (wasUp && this.online) this.announce();
      },
    };
    this.conns.set(String(to), conn);
    return conn;
  }

  #sweep(): void {
    this.budget.sweep();
    if (this.connectedCount === 0 && this.sim.clock.ms - this.#announcedMs >= REANNOUNCE_MS) this.announce();
  }
}

// ---------------------------------------------------------------------------------------------

class Simulation {
  readonly clock = new Clock();
  readonly rng: Rng & { between(range: readonly [number, number]): number };
  readonly peers: Peer[];
  posts = 0;
  signalsSent = 0;
  fullAtLate = 0;

  constructor(readonly options: Options) {
    const rng = new Rng(options.seed) as Rng & { between(range: readonly [number, number]): number };
    rng.between = ([low, high]) => low + rng.int(high - low + 1);
    this.rng = rng;
    // y-webrtc's `maxConns` as webrtc-transport.ts sets it: one limit for announces and offers
    // before the fix, fewer for announces after it.
    const maxConns = () => (options.rules === 'today' ? MAX_PEER_CONNECTIONS : INITIATE_CONNECTIONS);
    this.peers = Array.from({ length: options.peers + LATE_JOINERS }, (_, id) => new Peer(id, this, maxConns()));
  }

  get rules(): Rules {
    return this.options.rules;
  }

  /** Delivers an announce to every other peer in the room. */
  broadcast(from: number): void {
    for (const peer of this.peers) {
      if (peer.id === from || !peer.online) continue;
      this.signalsSent++;
      this.clock.after(this.rng.between(SIGNAL_MS), () => peer.heardAnnounce(from));
    }
  }

  signal(_from: number, _to: number, deliver: () => void): void {
    this.signalsSent++;
    this.clock.after(this.rng.between(SIGNAL_MS), deliver);
  }

  /** The connection between an initiator and an answerer comes up: a data channel each way. */
  link(initiator: Peer, answerer: Peer, answered: Conn): void {
    const offered = initiator.conns.get(String(answerer.id));
    if (!offered || answerer.conns.get(String(initiator.id)) !== answered || !initiator.online || !answerer.online) {
      answered.destroy();
      return;
    }
    const latency = this.rng.between(CHANNEL_MS);
    const a = new SimChannel(this.clock, latency);
    const b = new SimChannel(this.clock, latency);
    a.remote = b;
    b.remote = a;
    offered.connected = answered.connected = true;
    offered.channel = a;
    answered.channel = b;
    a.onClose(() => offered.destroy());
    b.onClose(() => answered.destroy());
    initiator.everConnected = answerer.everConnected = true;
    initiator.exchange.addPeer(String(answerer.id), a);
    answerer.exchange.addPeer(String(initiator.id), b);
  }

  /** Links online peers at random until each has its `maxConns` (or no partner is left). */
  fill(wave: readonly Peer[]): void {
    const open = wave.filter((p) => p.online && p.conns.size < p.maxConns);
    while (open.length > 1) {
      const a = open[this.rng.int(open.length)]!;
      const partners = open.filter((b) => b !== a && !a.conns.has(String(b.id)));
      if (partners.length === 0) {
        open.splice(open.indexOf(a), 1);
        continue;
      }
      const b = partners[this.rng.int(partners.length)]!;
      a.connectNow(b);
      for (const p of [a, b]) if (p.conns.size >= p.maxConns) open.splice(open.indexOf(p), 1);
    }
  }

  post(peer: Peer): void {
    this.posts++;
    const id = `post-${this.posts}-${peer.id}`.padEnd(43, 'x');
    const note = 'Need children’s paracetamol syrup, 2 bottles, for a 4-year-old with fever; Block 3, 12/F. ';
    peer.records.set(
      id,
      JSON.stringify({ v: 1, kind: 'post', author: `ed25519:${peer.id}`, note, sig: 's'.repeat(86) }),
    );
  }

  allHoldAll(): boolean {
    return this.peers.every((peer) => !peer.online || peer.records.size >= this.posts);
  }

  async run(): Promise<Result> {
    const { clock, peers } = this;
    // Arrivals, departures and posts draw from a stream of their own: both rules see the same day.
    const rng = new Rng(this.options.seed);
    const founder = peers[0]!;
    const wave = peers.slice(1, this.options.peers);
    const late = peers.slice(this.options.peers);
    for (let i = 0; i < INITIAL_POSTS; i++) this.post(founder);
    clock.at(0, () => founder.join());
    let lastJoin = 0;
    for (const peer of wave) {
      const at = rng.int(this.options.windowMs);
      lastJoin = Math.max(lastJoin, at);
      clock.at(at, () => {
        peer.join();
        if (rng.chance(POST_CHANCE)) this.post(peer);
      });
      // A full room is a still one: nobody leaves, so no slot frees up for the late joiners.
      if (rng.chance(this.options.full ? 0 : LEAVE_CHANCE)) {
        const leaves = at + 5_000 + rng.int(this.options.windowMs);
        clock.at(leaves, () => peer.leave());
        if (rng.chance(RETURN_CHANCE)) clock.at(leaves + 30_000 + rng.int(60_000), () => peer.join());
      }
    }
    const lateAt = lastJoin + LATE_AFTER_MS;
    for (const peer of late) {
      clock.at(lateAt + rng.int(5_000), () => {
        peer.join();
        if (rng.chance(POST_CHANCE)) this.post(peer);
      });
    }
    const lastArrival = lateAt + 5_000;
    if (this.options.full) clock.at(lateAt - 1_000, () => this.fill(wave));
    clock.at(lateAt - 1, () => {
      const online = wave.filter((p) => p.online);
      this.fullAtLate = round(online.filter((p) => p.conns.size >= MAX_PEER_CONNECTIONS).length / online.length);
    });
    let doneMs: number | null = null;
    clock.every(1000, () => {
      if (doneMs === null && clock.ms >= lastArrival && this.allHoldAll()) doneMs = clock.ms;
    });
    const started = performance.now();
    await clock.run(lastArrival + TAIL_MS, () => doneMs !== null && clock.ms > lastArrival + 30_000);
    const online = peers.filter((p) => p.online);
    const catchUp = peers.filter((p) => p.caughtUpMs !== null).map((p) => p.caughtUpMs! - p.joinedMs);
    const lateCatchUp = late.map((p) => (p.caughtUpMs === null ? Infinity : p.caughtUpMs - p.joinedMs));
    const sent = peers.map((p) => p.exchange.stats.bytesSent);
    const degrees = online.map((p) => p.connectedCount);
    return {
      peers: this.options.peers,
      rules: this.rules,
      posts: this.posts,
      lastJoinS: round(lastJoin / 1000),
      allHoldAllS: doneMs === null ? null : round((doneMs - lastArrival) / 1000),
      late: {
        joiners: late.length,
        neverConnected: late.filter((p) => !p.everConnected).length,
        catchUpP50S: round(percentile(lateCatchUp, 50) / 1000),
        catchUpMaxS: round(Math.max(...lateCatchUp) / 1000),
      },
      fullAtLate: this.fullAtLate,
      catchUpS: {
        p50: round(percentile(catchUp, 50) / 1000),
        p99: round(percentile(catchUp, 99) / 1000),
        max: round(Math.max(...catchUp) / 1000),
      },
      neverCaughtUp: peers.filter((p) => p.joinedMs > 0 && p.caughtUpMs === null).length,
      isolatedAtEnd: online.filter((p) => p.connectedCount === 0).length,
      neverConnected: peers.filter((p) => p.joinedMs > 0 && !p.everConnected).length,
      missingPosts: online.reduce((n, p) => n + Math.max(0, this.posts - p.records.size), 0),
      degree: { p1: percentile(degrees, 1), p50: percentile(degrees, 50), max: Math.max(...degrees) },
      sentKiB: {
        p50: round(percentile(sent, 50) / 1024),
        p99: round(percentile(sent, 99) / 1024),
        max: round(Math.max(...sent) / 1024),
      },
      signalsPerPeer: round(this.signalsSent / peers.length),
      docKiB: round(Y.encodeStateAsUpdate(founder.doc).length / 1024),
      wallS: round((performance.now() - started) / 1000),
    };
  }
}

interface Result {
  readonly peers: number;
  readonly rules: Rules;
  readonly posts: number;
  readonly lastJoinS: number;
  /** Seconds after the last arrival until every peer online held every post (null: never, in the run). */
  readonly allHoldAllS: number | null;
  /** The late joiners: how many never met a neighbour, and how long they took to hold every post. */
  readonly late: {
    readonly joiners: number;
    readonly neverConnected: number;
    readonly catchUpP50S: number;
    readonly catchUpMaxS: number;
  };
  /** Share of the wave's peers online at MAX_PEER_CONNECTIONS connections when the late joiners came. */
  readonly fullAtLate: number;
  readonly catchUpS: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly neverCaughtUp: number;
  readonly isolatedAtEnd: number;
  readonly neverConnected: number;
  readonly missingPosts: number;
  readonly degree: { readonly p1: number; readonly p50: number; readonly max: number };
  readonly sentKiB: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly signalsPerPeer: number;
  readonly docKiB: number;
  readonly wallS: number;
}

const round = (x: number) => Math.round(x * 10) / 10;

function parse(argv: readonly string[]): {
  sizes: number[];
  rules: Rules[];
  seed: number;
  windowMs: number;
  full: boolean;
} {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const peers = value('peers');
  const rules = value('rules');
  return {
    sizes: peers ? peers.split(',').map(Number) : [500, 1000],
    rules: rules ? (rules.split(',') as Rules[]) : ['today', 'fixed'],
    seed: Number(value('seed') ?? 20260115),
    windowMs: value('window') ? Number(value('window')) * 1000 : JOIN_WINDOW_MS,
    full: argv.includes('--full'),
  };
}

async function main(): Promise<void> {
  const { sizes, rules, seed, windowMs, full } = parse(process.argv.slice(2));
  const results: Result[] = [];
  for (const peers of sizes) {
    for (const rule of rules) {
      const result = await new Simulation({ peers, rules: rule, seed, windowMs, full }).run();
      results.push(result);
      console.log(JSON.stringify(result));
    }
  }
  console.log(
    `\nLaunch day (simulated: arrivals within ${windowMs / 1000} s, ${full ? 'nobody leaves' : '10% leave and half of them return'}, then ${LATE_JOINERS} late joiners at once${full ? ' into a room where every peer holds its maxConns' : ''})`,
  );
  console.log(
    '| peers | rules | posts | full when late came | late never connected | late catch-up p50 / max (s) | all hold all (s after last arrival) | catch-up p50 / p99 / max (s) | isolated at end | degree p1 / p50 | sent per peer p50 / p99 / max (KiB) | signals per peer | wall (s) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.peers} | ${r.rules} | ${r.posts} | ${Math.round(r.fullAtLate * 100)}% | ${r.late.neverConnected} of ${r.late.joiners} | ${r.late.catchUpP50S} / ${r.late.catchUpMaxS} | ${r.allHoldAllS ?? 'never'} | ${r.catchUpS.p50} / ${r.catchUpS.p99} / ${r.catchUpS.max} | ${r.isolatedAtEnd} | ${r.degree.p1} / ${r.degree.p50} | ${r.sentKiB.p50} / ${r.sentKiB.p99} / ${r.sentKiB.max} | ${r.signalsPerPeer} | ${r.wallS} |`,
    );
  }
  mkdirSync('bench/results', { recursive: true });
  const file = full ? 'bench/results/launch-day-full.json' : 'bench/results/launch-day.json';
  writeFileSync(file, JSON.stringify({ seed, windowMs, full, results }, null, 2) + '\n');
}

await main();
// Exchanges' stall watches are simulated timers; nothing real is left to wait for.
process.exit(0);
