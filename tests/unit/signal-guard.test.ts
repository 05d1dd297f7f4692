import { describe, expect, it } from 'vitest';
import {
  ANSWER_GRACE_MS,
  CONNECT_TIMEOUT_MS,
  ConnectionBudget,
  INITIATE_CONNECTIONS,
  MAX_PEER_CONNECTIONS,
  MAX_PENDING_CONNECTIONS,
  OFFER_ONLY_SLOTS,
  type BudgetConn,
} from '../../src/lib/sync/connection-budget.ts';
import { MAX_REMEMBERED_NONCES, ReplayGuard, SIGNAL_FRESHNESS_MS } from '../../src/lib/sync/replay-guard.ts';
import {
  createSessionKey,
  decryptAny,
  encryptAny,
  openSignal,
  sealSignal,
  type SignalPayload,
} from '../../src/lib/sync/signal-envelope.ts';

const roomKey = () => crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
const always = () => true;

describe('signal envelope', () => {
  it('opens what its sender sealed, and nothing whose `from` names another key', async () => {
    const key = await roomKey();
    const [alice, mallory] = await Promise.all([createSessionKey(), createSessionKey()]);
    const announce: SignalPayload = { type: 'announce', from: alice.peerId };
    const opened = await openSignal(await sealSignal(announce, alice, key, 'room', 1_000), key, 'room', always);
    expect(opened?.payload).toEqual(announce);
    expect(opened?.ts).toBe(1_000);
    const forged = await sealSignal(
      { type: 'signal', from: alice.peerId, to: 'x', signal: { type: 'answer' } },
      mallory,
      key,
      'room',
      1_000,
    );
    expect(await openSignal(forged, key, 'room', always)).toBeNull();
  });

  it('refuses another topic, another key, and junk, without throwing', async () => {
    const key = await roomKey();
    const alice = await createSessionKey();
    const sealed = await sealSignal({ type: 'announce', from: alice.peerId }, alice, key, 'room', 1);
    expect(await openSignal(sealed, key, 'other', always)).toBeNull();
    expect(await openSignal(sealed, await roomKey(), 'room', always)).toBeNull();
    for (const junk of ['!!', 'AAAA', '', 42, null, btoa('AES-GCM'), await encryptAny(key, { from: 1 })]) {
      expect(await openSignal(junk, key, 'room', always)).toBeNull();
    }
    expect(await decryptAny(key, await encryptAny(key, { a: [1, 'b'] }))).toEqual({ a: [1, 'b'] });
  });

  it('asks about freshness before verifying', async () => {
    const key = await roomKey();
    const alice = await createSessionKey();
    const sealed = await sealSignal({ type: 'announce', from: alice.peerId }, alice, key, 'room', 5);
    expect(await openSignal(sealed, key, 'room', () => false)).toBeNull();
  });
});

describe('replay guard', () => {
  it('accepts a nonce once, and nothing outside the window', () => {
    const guard = new ReplayGuard();
    expect(guard.accept('n1', 10_000, 10_000)).toBe(true);
    expect(guard.accept('n1', 10_000, 10_001)).toBe(false);
    expect(guard.accept('n2', 10_000 - SIGNAL_FRESHNESS_MS - 1, 10_000)).toBe(false);
    expect(guard.accept('n3', 10_000 + SIGNAL_FRESHNESS_MS + 1, 10_000)).toBe(false);
  });

  it('stays bounded, and refuses what it forgot', () => {
    const guard = new ReplayGuard();
    for (let i = 0; i <= MAX_REMEMBERED_NONCES; i++) guard.accept(`n${i}`, 1_000 + i, 1_000 + i);
    expect(guard.remembered).toBe(MAX_REMEMBERED_NONCES);
    expect(guard.accept('n0', 1_000, 1_000 + MAX_REMEMBERED_NONCES)).toBe(false);
  });
});

describe('connection budget', () => {
  function setup() {
    let now = 0;
    const conns = new Map<string, BudgetConn & { connected: boolean; destroyed: boolean }>();
    const budget = new ConnectionBudget(
      () => conns,
      () => now,
    );
    const open = (id: string) => {
      const conn = { connected: false, destroyed: false, destroy: () => ((conn.destroyed = true), conns.delete(id)) };
      conns.set(id, conn);
      return conn;
    };
    return { budget, conns, open, advance: (ms: number) => (now += ms) };
  }

  it('keeps slots for offers when announces flood, and frees silent ones after their grace', () => {
    const { budget, open, advance } = setup();
    const announceSlots = MAX_PENDING_CONNECTIONS - OFFER_ONLY_SLOTS;
    for (let i = 0; i < announceSlots; i++) {
      expect(budget.admit(`fake${i}`, 'announce')).toBe(true);
      open(`fake${i}`);
    }
    expect(budget.admit('another', 'announce')).toBe(false);
    expect(budget.admit('honest', 'offer')).toBe(true);
    advance(ANSWER_GRACE_MS + 1);
    expect(budget.admit('later', 'announce')).toBe(true);
  });

  it('closes an attempt that never connects, and forgets one that did', () => {
    const { budget, open, advance } = setup();
    budget.admit('silent', 'announce');
    const silent = open('silent');
    budget.admit('honest', 'offer');
    open('honest').connected = true;
    budget.sweep();
    expect(budget.has('honest')).toBe(false);
    advance(CONNECT_TIMEOUT_MS + 1);
    budget.sweep();
    expect(silent.destroyed).toBe(true);
    expect(budget.pending).toBe(0);
  });

  it('does not evict an attempt whose peer answers', () => {
    const { budget, open, advance } = setup();
    for (let i = 0; i < MAX_PENDING_CONNECTIONS; i++) {
      budget.admit(`p${i}`, 'offer');
      open(`p${i}`);
      budget.heard(`p${i}`);
    }
    advance(ANSWER_GRACE_MS + 1);
    expect(budget.admit('newcomer', 'offer')).toBe(false);
  });

  it('a peer that takes no more announces still takes a newcomer’s offer (a late joiner is never shut out)', () => {
    const { budget, open } = setup();
    for (let i = 0; i < INITIATE_CONNECTIONS; i++) open(`neighbour${i}`).connected = true;
    // Refused: the guard answers it, and the newcomer offers.
    expect(budget.admit('newcomer', 'announce')).toBe(false);
    expect(budget.admit('newcomer', 'offer')).toBe(true);
    open('newcomer').connected = true;
    for (let i = INITIATE_CONNECTIONS + 1; i < MAX_PEER_CONNECTIONS; i++) open(`later${i}`).connected = true;
    expect(budget.admit('one too many', 'offer')).toBe(false);
  });
});
