// PendingConnections on fake sockets and a hand-moved clock: which half-open connection goes when.

import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PendingConnections } from '../../signaling/pending.ts';
import type { AbandonReason } from '../../signaling/pending.ts';

class FakeSocket extends EventEmitter {
  static #port = 10_000;
  readonly remotePort = FakeSocket.#port++;
  destroyed = false;
  constructor(readonly remoteAddress: string) {
    super();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

function setup(options: { maxPerAddress?: number; maxTotal?: number; timeoutMs?: number } = {}) {
  let clock = 0;
  const abandoned: AbandonReason[] = [];
  const pending = new PendingConnections({
    maxPerAddress: options.maxPerAddress ?? 3,
    graceMs: 1_000,
    maxTotal: options.maxTotal ?? 100,
    timeoutMs: options.timeoutMs ?? 60_000,
    onAbandon: (reason) => abandoned.push(reason),
    now: () => clock,
  });
  const open = (address = '10.0.0.1'): FakeSocket => {
    const socket = new FakeSocket(address);
    pending.admit(socket as unknown as Socket);
    return socket;
  };
  return { pending, open, abandoned, advance: (ms: number) => (clock += ms) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PendingConnections', () => {
  it('lets a burst from one address in: young connections do not count against it', () => {
    const { pending, open, abandoned } = setup();
    const burst = Array.from({ length: 50 }, () => open());
    expect(burst.filter((s) => s.destroyed)).toHaveLength(0);
    expect(pending.size).toBe(50);
    expect(abandoned).toEqual([]);
  });

  it('evicts the oldest of an address once it has more than the cap older than the grace period', () => {
    const { pending, open, abandoned, advance } = setup();
    const old = [open(), open(), open(), open()];
    advance(1_500);
    const other = open('10.0.0.2');
    const fresh = open();
    expect(old.map((s) => s.destroyed)).toEqual([true, false, false, false]);
    expect(fresh.destroyed).toBe(false);
    expect(other.destroyed).toBe(false);
    open();
    expect(old.map((s) => s.destroyed)).toEqual([true, true, false, false]);
    expect(abandoned).toEqual(['evicted', 'evicted']);
    expect(pending.size).toBe(5);
  });

  it('never holds more than the total, whatever the age: the oldest of all goes', () => {
    const { pending, open } = setup({ maxTotal: 4 });
    const sockets = ['a', 'b', 'c', 'd', 'e', 'f'].map((address) => open(address));
    expect(sockets.map((s) => s.destroyed)).toEqual([true, true, false, false, false, false]);
    expect(pending.size).toBe(4);
  });

  it('forgets settled and closed connections, so they neither count nor get evicted', () => {
    const { pending, open, advance } = setup({ maxPerAddress: 1 });
    const a = open();
    const b = open();
    pending.settle(a as unknown as Socket);
    b.destroy();
    expect(pending.size).toBe(0);
    advance(5_000);
    const c = open();
    open();
    expect(a.destroyed).toBe(false);
    expect(c.destroyed).toBe(false); // one old one is within the cap of 1
  });

  it('closes a connection that has not completed a request after the timeout', () => {
    vi.useFakeTimers();
    const { pending, open, abandoned } = setup({ timeoutMs: 3_000 });
    const silent = open();
    const settled = open();
    pending.settle(settled as unknown as Socket);
    vi.advanceTimersByTime(2_999);
    expect(silent.destroyed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(silent.destroyed).toBe(true);
    expect(settled.destroyed).toBe(false);
    expect(abandoned).toEqual(['timeout']);
  });
});
