// The seam between y-webrtc's signalling and the wire (issue 9, attacks 7 and 8).
//
// y-webrtc 10.3 does not export its `signalingConns` or `rooms` maps, and its message handler and
// `publishSignalingMessage` are closures, so the seam is the SignalingConn *instance*: right after
// `new WebrtcProvider(...)` (which creates the instances synchronously, before any socket opens)
// its `send` and `emit` are shadowed by own properties. Upstream code relied on:
// - SignalingConn sends `{ type: 'publish', topic, data }` through `this.send`, `data` being
//   base64 of `encryptJson(payload, room.key)` (y-webrtc.js `publishSignalingMessage`);
// - lib0/websocket delivers every frame with `client.emit('message', [message, client])`, and
//   SignalingConn's own listener decrypts `data` with `room.key` and acts on it (`execMessage`):
//   `announce` opens a WebrtcConn while `webrtcConns.size < maxConns`; `signal` opens one when
//   none exists, and an `answer` with no connection throws ('glareToken' of undefined).
// Outgoing, the payload is re-sealed in a signed, timestamped envelope (signal-envelope.ts) with
// `from` set to this session's key-bound peer id. Incoming, only fresh envelopes signed by the
// peer they name, addressed to us, and admitted by the connection budget reach y-webrtc, re-
// encrypted in its own format with `to` mapped back to its room.peerId. Junk is dropped quietly.

import type { WebrtcProvider } from 'y-webrtc';
import { ConnectionBudget, type BudgetConn } from './connection-budget.ts';
import { ReplayGuard } from './replay-guard.ts';
import { ReplyTokens } from './reply-tokens.ts';
import {
  createSessionKey,
  decryptAny,
  encryptAny,
  isPayload,
  openSignal,
  sealSignal,
  type SessionKey,
} from './signal-envelope.ts';

/** Incoming frames waiting for their crypto at once, per signalling connection; more are dropped. */
export const MAX_QUEUED_SIGNALS = 1_024;

/**
 * While no neighbour is connected, announce again this often: y-webrtc announces only when it
 * connects or a connection closes, so one announce lost in a flood would otherwise be the last.
 */
export const REANNOUNCE_MS = 2_000;

/** Counters of what the guard dropped, for tests and diagnostics. */
export interface GuardStats {
  sent: number;
  accepted: number;
  undecodable: number;
  stale: number;
  unadmitted: number;
  replied: number;
  overflow: number;
}

interface PublishFrame {
  readonly type: 'publish';
  readonly topic: string;
  readonly data?: unknown;
}

interface RoomLike {
  readonly peerId: string;
  readonly webrtcConns: ReadonlyMap<string, BudgetConn>;
}

interface SignalingConnLike {
  send(message: unknown): void;
  emit(name: string, args: unknown[]): void;
}

const guards = new Map<string, SignalGuard>();
const patched = new WeakSet<object>();

function isPublish(message: unknown): message is PublishFrame {
  const m = message as Partial<PublishFrame> | null;
  return typeof m === 'object' && m !== null && m.type === 'publish' && typeof m.topic === 'string';
}

/** Guards one room's signalling: envelope, freshness and the connection budget. */
export class SignalGuard {
  readonly stats: GuardStats = {
    sent: 0,
    accepted: 0,
    undecodable: 0,
    stale: 0,
    unadmitted: 0,
    replied: 0,
    overflow: 0,
  };
  readonly budget: ConnectionBudget;
  readonly #replay = new ReplayGuard();
  readonly #ready: Promise<{ session: SessionKey; roomKey: CryptoKey }>;
  #provider: WebrtcProvider | null = null;
  readonly #replies: ReplyTokens;
  #announcedMs = 0;

  /** The guarded provider. */
  get provider(): WebrtcProvider {
    if (!this.#provider) throw new Error('signal guard has no provider yet');
    return this.#provider;
  }

  private constructor(
    readonly topic: string,
    readonly now: () => number,
    provider: Promise<WebrtcProvider>,
  ) {
    this.budget = new ConnectionBudget(() => this.#room()?.webrtcConns, now);
    this.#replies = new ReplyTokens(now);
    this.#ready = Promise.all([createSessionKey(), provider.then((p) => p.key)]).then(([session, roomKey]) => {
      if (!roomKey) throw new Error('signal guard needs a room secret');
      return { session, roomKey };
    });
  }

  /**
   * Creates the provider with `create` and guards its room: call instead of `new WebrtcProvider`.
   * One guard per room name (y-webrtc allows one provider per room per page).
   */
  static wrap(topic: string, now: () => number, create: () => WebrtcProvider): SignalGuard {
    let resolve!: (provider: WebrtcProvider) => void;
    const guard = new SignalGuard(topic, now, new Promise((r) => (resolve = r)));
    guards.set(topic, guard);
    const provider = create();
    guard.#provider = provider;
    for (const conn of provider.signalingConns) patch(conn as unknown as SignalingConnLike);
    resolve(provider);
    return guard;
  }

  /** This session's peer id on the wire, once its key is made. */
  async peerId(): Promise<string> {
    return (await this.#ready).session.peerId;
  }

  /** Sweeps the budget and, while alone, announces again; call about once a second. */
  sweep(): void {
    this.budget.sweep();
    const room = this.#room();
    const now = this.now();
    if (!room || now - this.#announcedMs < REANNOUNCE_MS) return;
    for (const conn of room.webrtcConns.values()) if (conn.connected) return;
    this.#announcedMs = now;
    void this.#ready.then(async ({ roomKey }) => {
      // In y-webrtc's format, through the patched send, so it is sealed like any other.
      const data = await encryptAny(roomKey, { type: 'announce', from: room.peerId });
      for (const conn of this.provider.signalingConns as unknown as (SignalingConnLike & { connected: boolean })[]) {
        if (conn.connected) conn.send({ type: 'publish', topic: this.topic, data });
      }
    });
  }

  /** Stops guarding the room (its provider is being destroyed). */
  dispose(): void {
    if (guards.get(this.topic) === this) guards.delete(this.topic);
  }

  /** Re-seals an outgoing y-webrtc payload; null when it cannot be read. */
  async outbound(data: unknown): Promise<string | null> {
    const { session, roomKey } = await this.#ready;
    const payload = await decryptAny(roomKey, data);
    if (!isPayload(payload)) return null;
    this.stats.sent++;
    return sealSignal({ ...payload, from: session.peerId }, session, roomKey, this.topic, this.now());
  }

  /**
   * Opens an incoming frame's data; what to hand y-webrtc in its own format, or null to drop it.
   * `reply` publishes a sealed frame on the connection it came in on.
   */
  async inbound(data: unknown, reply: (data: string) => void): Promise<string | null> {
    const { session, roomKey } = await this.#ready;
    let stale = false;
    const opened = await openSignal(data, roomKey, this.topic, (nonce, ts) => {
      stale = !this.#replay.isFresh(nonce, ts, this.now());
      return !stale;
    });
    if (!opened) {
      if (stale) this.stats.stale++;
      else this.stats.undecodable++;
      return null;
    }
    if (!this.#replay.accept(opened.nonce, opened.ts, this.now())) {
      this.stats.stale++;
      return null;
    }
    const { payload } = opened;
    const room = this.#room();
    if (!room || payload.from === session.peerId) return null;
    if (payload.to !== undefined && payload.to !== session.peerId) return null;
    // An admitted attempt counts as a connection: y-webrtc opens it only after its own decrypt,
    // so the offer's candidates may be read here before it is in webrtcConns.
    if (room.webrtcConns.has(payload.from) || this.budget.has(payload.from)) {
      if (payload.type === 'announce') return null; // y-webrtc would do nothing with it
      this.budget.heard(payload.from);
    } else if (payload.type === 'signal' && payload.signal?.type === 'answer') {
      return null; // an answer to an offer we never made (or closed): y-webrtc would throw
    } else if (payload.type === 'signal' && payload.signal?.type !== 'offer') {
      return null; // a candidate or renegotiation for no connection: nothing to attach it to
    } else if (!this.budget.admit(payload.from, payload.type === 'signal' || payload.to ? 'offer' : 'announce')) {
      // NOTE: an announce addressed to us answers ours, so it is admitted like an offer.
      this.stats.unadmitted++;
      if (payload.type === 'announce' && payload.to === undefined && this.#replies.take()) {
        this.stats.replied++;
        const answer = { type: 'announce', from: session.peerId, to: payload.from } as const;
        reply(await sealSignal(answer, session, roomKey, this.topic, this.now()));
      }
      return null;
    }
    this.stats.accepted++;
    const forYjs = payload.to === undefined ? payload : { ...payload, to: room.peerId };
    return encryptAny(roomKey, forYjs);
  }

  #room(): RoomLike | null {
    return (this.#provider?.room as unknown as RoomLike | null | undefined) ?? null;
  }
}

/** Shadows a SignalingConn's `send` and `emit` so guarded rooms' frames pass through their guard. */
function patch(conn: SignalingConnLike): void {
  if (patched.has(conn)) return;
  patched.add(conn);
  const send = conn.send.bind(conn);
  const emit = conn.emit.bind(conn);
  let outbound: Promise<void> = Promise.resolve();
  let inbound: Promise<void> = Promise.resolve();
  let queued = 0;
  conn.send = (message: unknown): void => {
    const guard = isPublish(message) ? guards.get(message.topic) : undefined;
    if (!guard || !isPublish(message)) return send(message);
    // One queue keeps signals in the order y-webrtc sent them (an offer before its candidates).
    outbound = outbound
      .then(() => guard.outbound(message.data))
      .then((data) => {
        if (data !== null) send({ type: 'publish', topic: message.topic, data });
      })
      .catch(() => {});
  };
  conn.emit = (name: string, args: unknown[]): void => {
    const message = args[0];
    const guard = name === 'message' && isPublish(message) ? guards.get(message.topic) : undefined;
    if (!guard || !isPublish(message)) return emit(name, args);
    if (queued >= MAX_QUEUED_SIGNALS) {
      guard.stats.overflow++;
      return;
    }
    queued++;
    inbound = inbound
      .then(() => guard.inbound(message.data, (data) => send({ type: 'publish', topic: message.topic, data })))
      .then((data) => {
        if (data !== null) emit('message', [{ ...message, data }, ...args.slice(1)]);
      })
      .catch(() => {})
      .finally(() => queued--);
  };
}
