/**
 * Issue 9, attacks 10 and 5 at the board: an author's erasure reaches every device and holds
 * against peers that send the post again; updates to posts that do not exist cannot pile up.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import type { PostId } from '../../src/lib/domain/ids.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { MAX_WAITING_PER_AUTHOR, ORPHAN_TTL_MS } from '../../src/lib/domain/retention.ts';
import { openTestDevice, receive, type TestDevice } from '../support/device.ts';
import { PeerNetwork } from '../support/peers.ts';
import { HOUR, identity, postBody, sign, signPost, signUpdate, T0 } from './fixtures.ts';

let founder: Identity;
let alice: Identity;
let mallory: Identity;

beforeAll(async () => {
  [founder, alice, mallory] = await Promise.all([identity(51), identity(52), identity(53)]);
});

// NOTE: the clock is a few hours past T0, so records signed up to T0 + 2 h are not held as dated ahead.
function device(who: Identity, clock = { now: T0 + 3 * HOUR }): Promise<TestDevice> {
  return openTestDevice({ identity: who, founder: founder.author, now: () => clock.now });
}

describe('erasing a post (attack 10)', () => {
  it('drops the post and its updates from every device, and keeps it dropped when sent again', async () => {
    const net = await PeerNetwork.create(3, { seed: 9 });
    const [author, other, third] = net.peers;
    const published = await author!.board.commands.publishPost(postBody({ note: '12/F flat C, call 9123 4567' }));
    if (!published.ok) throw new Error(published.reason);
    const post = published.id as PostId;
    await author!.board.commands.updatePost(post, 'withdraw', 'found some');
    await net.settle();
    const kept = [...other!.records.keys()].filter((id) => id !== post);
    const copies = [post, ...kept].map((id) => other!.store.verified.get(id as never)).filter(Boolean) as AnyRecord[];
    expect(other!.board.view.post(post)?.status).toBe('withdrawn');

    expect(await author!.board.commands.erasePost(post)).toMatchObject({ ok: true });
    await net.settle();
    for (const peer of net.peers) {
      expect(peer.board.view.post(post), `peer ${peer.index}`).toBeUndefined();
      expect(peer.records.has(post), `peer ${peer.index}: document`).toBe(false);
      expect(peer.store.verified.has(post), `peer ${peer.index}: vault`).toBe(false);
      expect(JSON.stringify([...peer.records.values()]), `peer ${peer.index}: no trace`).not.toContain('9123 4567');
    }

    // A peer with an old copy writes the post and its update back: they are deleted again.
    await receive(third!, ...copies);
    await net.settle();
    for (const peer of net.peers) {
      expect(peer.board.view.post(post)).toBeUndefined();
      expect(JSON.stringify([...peer.records.values()])).not.toContain('9123 4567');
    }
  });

  it('never shows an erased post on a newcomer, whatever order the records come in', async () => {
    const post = await signPost(alice, postBody({ note: 'private' }), T0);
    const update = await signUpdate(alice, post.id, 'progress', T0 + HOUR, 'note');
    const erase = await sign(alice, 'erase', { post: post.id }, T0 + 2 * HOUR);
    for (const order of [
      [post, update, erase],
      [erase, update, post],
      [update, erase, post],
    ]) {
      const d = await device(founder);
      for (const record of order) await receive(d, record);
      expect(d.board.view.post(post.id)).toBeUndefined();
      expect(d.records.has(post.id)).toBe(false);
      expect(d.store.verified.has(post.id)).toBe(false);
      expect(d.store.verified.has(erase.id)).toBe(true);
    }
  });

  it('refuses an erasure by anyone but the author, in the command and in the fold', async () => {
    const d = await device(mallory);
    const post = await signPost(alice, postBody(), T0);
    await receive(d, post);
    expect(await d.board.commands.erasePost(post.id)).toEqual({ ok: false, reason: 'not-author' });
    await receive(d, await sign(mallory, 'erase', { post: post.id }, T0 + HOUR));
    expect(d.board.view.post(post.id)).toBeDefined();
    expect(d.board.invalidCount).toBe(1);
  });

  it('stays erased after a restart, when a stale copy of the post arrives', async () => {
    const clock = { now: T0 + 2 * HOUR };
    const d = await device(founder, clock);
    const post = await signPost(alice, postBody({ note: 'gone' }), T0);
    await receive(d, post, await sign(alice, 'erase', { post: post.id }, T0 + HOUR));
    d.board.detach();
    const again = await openTestDevice({
      identity: founder,
      founder: founder.author,
      now: () => clock.now,
      store: d.store,
      doc: d.doc,
    });
    clock.now = T0 + 10 * 24 * HOUR;
    again.board.prune();
    await receive(again, post);
    expect(again.board.view.post(post.id)).toBeUndefined();
  });
});

describe('updates to posts that do not exist (attack 5)', () => {
  it('keeps at most a bound per author, and none after they waited too long', async () => {
    const clock = { now: T0 };
    const d = await device(founder, clock);
    const real = await signPost(alice, postBody(), T0);
    const orphans: AnyRecord[] = [];
    for (let i = 0; i < 4 * MAX_WAITING_PER_AUTHOR; i++) {
      const missing = `orphan${String(i).padStart(16, '0')}`.slice(0, 22) as PostId;
      orphans.push(await signUpdate(mallory, missing, 'progress', T0 - i * 1000, `junk ${i}`));
    }
    await receive(d, real, ...orphans);
    const stored = () => orphans.filter((o) => d.store.verified.has(o.id)).length;
    const inDocument = () => orphans.filter((o) => d.records.has(o.id)).length;
    expect(stored()).toBe(MAX_WAITING_PER_AUTHOR);
    expect(inDocument()).toBe(MAX_WAITING_PER_AUTHOR);
    expect(d.board.view.post(real.id)).toBeDefined();

    clock.now = T0 + ORPHAN_TTL_MS + HOUR;
    d.board.prune();
    await d.board.whenIdle();
    expect(stored()).toBe(0);
    expect(inDocument()).toBe(0);
  });
});
