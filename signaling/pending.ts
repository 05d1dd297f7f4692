// Connections accepted but not yet carrying a complete HTTP request or WebSocket upgrade. Node keeps
// a socket that sends nothing open forever, each holding a file descriptor; this bounds how many
// there are and how long each may last.

import type { Socket } from 'node:net';
import { addressKey } from './address.ts';

/** Why a pending connection was closed; the `reason` label of its metric. */
export type AbandonReason = 'timeout' | 'evicted';

/** The bounds on pending connections, and who hears of each one closed. */
export interface PendingOptions {
  /** Pending connections older than `graceMs` one address may have. */
  readonly maxPerAddress: number;
  readonly graceMs: number;
  /** Pending connections in total, of any age. */
  readonly maxTotal: number;
  readonly timeoutMs: number;
  readonly onAbandon: (reason: AbandonReason) => void;
  /** Milliseconds; injectable for tests. */
  readonly now?: () => number;
}

interface Entry {
  readonly peer: string;
  readonly socket: Socket;
  readonly address: string;
  readonly since: number;
  readonly timer: NodeJS.Timeout;
  /** Removed once settled, so a long-lived connection keeps neither it nor this entry. */
  readonly onClose: () => void;
}

/** `address:port` of the peer: the same on a raw socket and on the TLS socket wrapping it. */
function peerOf(socket: Socket): string | null {
  const { remoteAddress, remotePort } = socket;
  return remoteAddress === undefined || remotePort === undefined ? null : `${remoteAddress}:${remotePort}`;
}

/** Half-open connections: each gets `timeoutMs` to complete a request; past a cap the oldest is closed. */
export class PendingConnections {
  // Maps iterate in insertion order, so the first entry is always the oldest.
  readonly #all = new Map<string, Entry>();
  readonly #byAddress = new Map<string, Map<string, Entry>>();

  constructor(private readonly options: PendingOptions) {}

  /** A connection was accepted (the raw TCP socket, also for TLS). */
  admit(socket: Socket): void {
    const peer = peerOf(socket);
    if (peer === null) return void socket.destroy(); // already gone
    const address = addressKey(socket.remoteAddress ?? 'unknown');
    const now = this.#now();
    // NOTE: evict rather than refuse: a flood then pushes out its own sockets, while an honest
    // newcomer, whose request follows within a round trip, is settled long before its turn comes.
    const own = this.#byAddress.get(address);
    const { maxPerAddress, graceMs } = this.options;
    if (own !== undefined && own.size >= maxPerAddress && olderThan(own, now - graceMs, maxPerAddress)) {
      this.#abandon(first(own), 'evicted');
    }
    if (this.#all.size >= this.options.maxTotal) this.#abandon(first(this.#all), 'evicted');
    const timer = setTimeout(() => this.#abandon(entry, 'timeout'), this.options.timeoutMs);
    timer.unref();
    const entry: Entry = { peer, socket, address, since: now, timer, onClose: () => this.#forget(entry) };
    this.#all.set(peer, entry);
    const group = this.#byAddress.get(address) ?? new Map<string, Entry>();
    this.#byAddress.set(address, group);
    group.set(peer, entry);
    socket.once('close', entry.onClose);
  }

  /** The connection carries a complete request or upgrade (its socket, raw or TLS). */
  settle(socket: Socket): void {
    const peer = peerOf(socket);
    const entry = peer === null ? undefined : this.#all.get(peer);
    if (entry !== undefined) this.#forget(entry);
  }

  #now(): number {
    return this.options.now?.() ?? performance.now();
  }

  /** Connections currently pending. */
  get size(): number {
    return this.#all.size;
  }

  #abandon(entry: Entry | undefined, reason: AbandonReason): void {
    if (entry === undefined || this.#all.get(entry.peer) !== entry) return;
    this.#forget(entry);
    this.options.onAbandon(reason);
    entry.socket.destroy();
  }

  #forget(entry: Entry): void {
    // the same peer may have been forgotten and admitted anew; only remove this very entry
    if (this.#all.get(entry.peer) !== entry) return;
    clearTimeout(entry.timer);
    entry.socket.off('close', entry.onClose);
    this.#all.delete(entry.peer);
    const group = this.#byAddress.get(entry.address);
    group?.delete(entry.peer);
    if (group?.size === 0) this.#byAddress.delete(entry.address);
  }
}

const first = (map: ReadonlyMap<string, Entry>): Entry | undefined => map.values().next().value;

/** Whether at least `n` entries were admitted at or before `cutoff` (they come first, oldest first). */
function olderThan(map: ReadonlyMap<string, Entry>, cutoff: number, n: number): boolean {
  let seen = 0;
  for (const entry of map.values()) {
    if (entry.since > cutoff) return false;
    if (++seen >= n) return true;
  }
  return false;
}
