// Bounds on the WebRTC connections signalling may open (issue 9, attack 7).
//
// y-webrtc opens a connection for every announce while `webrtcConns.size < maxConns`, and one for
// every offer (or stray candidate) with no bound at all; a connection whose peer never answers
// stays in `webrtcConns` for ever (simple-peer has no connect timeout). 500 forged announces
// therefore made Chromium refuse further RTCPeerConnections, and 40 filled the table for good.
// Here every connection signalling would open is an *attempt* until its data channel is up:
// attempts are few, each has a deadline, and one whose peer has said nothing yields its slot to
// a newcomer once it had time to answer, so peers that do answer keep getting through.

/** Connections (up or being attempted) at most, whoever opened them. */
export const MAX_PEER_CONNECTIONS = 32;
/**
 * Connections this device opens on announces (y-webrtc's `maxConns`), fewer than it accepts. With
 * one limit for both, a newcomer arriving when every peer holds MAX_PEER_CONNECTIONS has its
 * announce refused everywhere, and the offers it then makes to those that answer it
 * (signal-guard.ts) are refused too: it stays alone. Past this many a peer refuses announces and
 * answers them, and keeps the slots above for the newcomers' offers (bench/launch-day.ts).
 */
export const INITIATE_CONNECTIONS = 24;

/** Attempts (connections not yet up) at once. */
export const MAX_PENDING_CONNECTIONS = 8;
/**
 * Of those, slots only an offer may take: a peer that sends us an offer is answering our own
 * announce, so a flood of announces alone never shuts out the peers that answer.
 */
export const OFFER_ONLY_SLOTS = 3;
/** An attempt not up by then is closed and its slot freed; loopback peers connect in ~0.2 s. */
export const CONNECT_TIMEOUT_MS = 10_000;
/**
 * An attempt whose peer has sent nothing for this long may be closed to admit a newcomer. Loopback
 * and LAN peers answer an offer in 100–300 ms; a longer grace lets a flood's batches keep every
 * slot, a shorter one churns RTCPeerConnections (at most MAX_PENDING_CONNECTIONS per grace).
 */
export const ANSWER_GRACE_MS = 500;
/** The same for an offer's attempt when another offer needs its slot (candidates follow in ms). */
export const OFFER_GRACE_MS = 300;
/** How long an admitted attempt may take to appear in y-webrtc's table (it decrypts first). */
export const MATERIALIZE_MS = 2_000;

/** The parts of y-webrtc's WebrtcConn the budget reads. */
export interface BudgetConn {
  readonly connected: boolean;
  destroy(): void;
}

/** What would open the connection: an announce (we offer) or an offer (we answer). */
export type AttemptKind = 'announce' | 'offer';

interface Attempt {
  readonly kind: AttemptKind;
  readonly startedMs: number;
  heardMs: number | null;
  seen: boolean;
}

/** Admits, times out and evicts connection attempts over a live view of y-webrtc's table. */
export class ConnectionBudget {
  readonly #attempts = new Map<string, Attempt>();

  /** `initiate`: connections past which an announce is refused (default INITIATE_CONNECTIONS). */
  constructor(
    private readonly conns: () => ReadonlyMap<string, BudgetConn> | undefined,
    private readonly now: () => number,
    private readonly initiate = INITIATE_CONNECTIONS,
  ) {}

  /** Attempts in progress. */
  get pending(): number {
    return this.#attempts.size;
  }

  /** Whether a signal from `peerId`, who has no connection, may open one; may evict a silent attempt. */
  admit(peerId: string, kind: AttemptKind): boolean {
    this.sweep();
    if (this.#attempts.has(peerId)) return true;
    const conns = this.conns();
    if (!conns) return false;
    let unseen = 0;
    for (const attempt of this.#attempts.values()) if (!attempt.seen) unseen++;
    if (conns.size + unseen >= (kind === 'announce' ? this.initiate : MAX_PEER_CONNECTIONS)) return false;
    let announced = 0;
    for (const attempt of this.#attempts.values()) if (attempt.kind === 'announce') announced++;
    const full =
      this.#attempts.size >= MAX_PENDING_CONNECTIONS ||
      (kind === 'announce' && announced >= MAX_PENDING_CONNECTIONS - OFFER_ONLY_SLOTS);
    if (full) {
      const victim = this.#silentest(kind);
      if (victim === null) return false;
      this.#close(victim);
    }
    this.#attempts.set(peerId, { kind, startedMs: this.now(), heardMs: null, seen: false });
    return true;
  }

  /** Whether `peerId` has an attempt in progress. */
  has(peerId: string): boolean {
    return this.#attempts.has(peerId);
  }

  /** Notes that `peerId` has signalled us: its attempt is answering and keeps its slot. */
  heard(peerId: string): void {
    const attempt = this.#attempts.get(peerId);
    if (attempt) attempt.heardMs = this.now();
  }

  /** Forgets attempts that came up or went, and closes those past their deadline. */
  sweep(): void {
    const conns = this.conns();
    const now = this.now();
    for (const [peerId, attempt] of this.#attempts) {
      const conn = conns?.get(peerId);
      if (conn) attempt.seen = true;
      if (conn?.connected) this.#attempts.delete(peerId);
      else if (now - attempt.startedMs > CONNECT_TIMEOUT_MS) this.#close(peerId);
      else if (!conn && (attempt.seen || now - attempt.startedMs > MATERIALIZE_MS)) this.#attempts.delete(peerId);
    }
  }

  /**
   * The oldest attempt whose peer has said nothing in its grace, that a `kind` attempt may take
   * the slot of: an announce only another announce's, an offer any.
   */
  #silentest(kind: AttemptKind): string | null {
    const now = this.now();
    for (const [peerId, attempt] of this.#attempts) {
      if (kind === 'announce' && attempt.kind !== 'announce') continue;
      const grace = attempt.kind === 'offer' ? OFFER_GRACE_MS : ANSWER_GRACE_MS;
      if (attempt.heardMs === null && now - attempt.startedMs > grace) return peerId;
    }
    return null;
  }

  #close(peerId: string): void {
    this.#attempts.delete(peerId);
    // y-webrtc's 'close' handler then drops it from webrtcConns and announces us again.
    this.conns()?.get(peerId)?.destroy();
  }
}
