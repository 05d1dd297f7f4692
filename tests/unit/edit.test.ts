import * as Y from 'yjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import type { PostId, RecordId } from '../../src/lib/domain/ids.ts';
import type { EditBody } from '../../src/lib/domain/kinds/edit.ts';
import { parseRecord } from '../../src/lib/domain/kinds/parse.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { InMemoryVaultStore } from '../../src/lib/storage/vault-store.ts';
import { openTestDevice, receive } from '../support/device.ts';
import { HOUR, identity, postBody, sign, signPost, signUpdate, stored, T0 } from './fixtures.ts';

let founder: Identity;
let alice: Identity;
let bob: Identity;

beforeAll(async () => {
  [founder, alice, bob] = await Promise.all([identity(41), identity(42), identity(43)]);
});

function fold(...records: AnyRecord[]): BoardFold {
  const f = new BoardFold(founder.author);
  f.add(records);
  return f;
}

function edit(post: RecordId, fields: Partial<Omit<EditBody, 'post'>> = {}): EditBody {
  return {
    post,
    items: [{ item: 'paracetamol-500', qty: 1 }],
    where: { building: 'Block 3', floor: '5' },
    note: 'one is enough now',
    ...fields,
  };
}

describe('editing a post', () => {
  it("applies its author's edit to items, quantities, place and note, and keeps what the post is", async () => {
    const post = await signPost(alice, postBody({ urgency: 'urgent', groups: ['child'] }), T0);
    const edited = await sign(alice, 'edit', edit(post.id), T0 + HOUR);
    const state = fold(post, edited).post(post.id as PostId);
    expect(state?.body).toEqual({
      type: 'need',
      urgency: 'urgent',
      groups: ['child'],
      items: [{ item: 'paracetamol-500', qty: 1 }],
      where: { building: 'Block 3', floor: '5' },
      note: 'one is enough now',
    });
    expect(state?.editedAtMs).toBe(T0 + HOUR);
    expect(state?.at).toBe(post.at);
    expect(state?.status).toBe('open');
  });

  it("ignores another key's edit of my post and counts it", async () => {
    const post = await signPost(alice, postBody({ note: 'two tablets please' }), T0);
    const theirs = await sign(bob, 'edit', edit(post.id, { note: 'send everything to Bob' }), T0 + HOUR);
    const f = fold(post, theirs);
    expect(f.post(post.id as PostId)?.body.note).toBe('two tablets please');
    expect(f.post(post.id as PostId)?.editedAtMs).toBeUndefined();
    expect(f.rejectedCount).toBe(1);
  });

  it('gives the latest edit whatever order the edits arrive in', async () => {
    const post = await signPost(alice, postBody(), T0);
    const first = await sign(alice, 'edit', edit(post.id, { note: 'first' }), T0 + HOUR);
    const second = await sign(alice, 'edit', edit(post.id, { note: 'second' }), T0 + 2 * HOUR);
    for (const order of [
      [post, first, second],
      [second, post, first],
      [first, second, post],
    ]) {
      expect(fold(...order).post(post.id as PostId)?.body.note).toBe('second');
    }
  });

  it('refuses an edit the schema would refuse in a new post: too many of an item', async () => {
    const post = await signPost(alice, postBody(), T0);
    const greedy = await sign(alice, 'edit', edit(post.id, { items: [{ item: 'paracetamol-500', qty: 500 }] }), T0 + 1);
    expect(parseRecord(stored(greedy))).toMatchObject({ ok: false, reason: 'quantity-refused' });
  });

  it('refuses an edit that would offer medicine past its expiry date at the time of the edit', async () => {
    const offer = postBody({ type: 'offer', medicineExpiry: '2023-01-10' });
    const post = await signPost(alice, offer, T0);
    // Dated after the medicine's expiry (T0 is 20 December 2022).
    const late = await sign(
      alice,
      'edit',
      edit(post.id, { note: 'still here', medicineExpiry: '2023-01-10' }),
      Date.UTC(2023, 0, 12),
    );
    const without = await sign(alice, 'edit', edit(post.id, { note: 'no date' }), T0 + HOUR);
    const f = fold(post, late, without);
    // Both are refused: one is dated after the medicine's expiry, the other drops the date.
    expect(f.post(post.id as PostId)?.body).toMatchObject({ note: '', medicineExpiry: '2023-01-10' });
    expect(f.rejectedCount).toBe(2);
    const fine = await sign(alice, 'edit', edit(post.id, { medicineExpiry: '2023-06-30' }), T0 + HOUR);
    expect(fold(post, fine).post(post.id as PostId)?.body.medicineExpiry).toBe('2023-06-30');
  });

  it('refuses an edit that takes from a swap what is wanted in return', async () => {
    const swap = postBody({
      type: 'swap',
      items: [{ item: 'n95-mask', qty: 5 }],
      wants: [{ item: 'antigen-test', qty: 2 }],
    });
    const post = await signPost(alice, swap, T0);
    const f = fold(
      post,
      await sign(alice, 'edit', edit(post.id, { items: [{ item: 'n95-mask', qty: 3 }] }), T0 + HOUR),
    );
    expect(f.post(post.id as PostId)?.body.wants).toEqual([{ item: 'antigen-test', qty: 2 }]);
    expect(f.rejectedCount).toBe(1);
  });

  it("refuses an author's own client that edits a need into what no post may be: wanting in return, or a medicine expiry", async () => {
    const post = await signPost(alice, postBody(), T0);
    const wanting = await sign(alice, 'edit', edit(post.id, { wants: [{ item: 'antigen-test', qty: 2 }] }), T0 + HOUR);
    const expiring = await sign(alice, 'edit', edit(post.id, { medicineExpiry: '2023-06-30' }), T0 + 2 * HOUR);
    for (const order of [
      [post, wanting, expiring],
      [expiring, wanting, post],
    ]) {
      const f = fold(...order);
      expect(f.post(post.id as PostId)?.body).toEqual(post.body);
      expect(f.rejectedCount).toBe(2);
    }
  });

  it('waits for its post, and goes with it when the author erases it', async () => {
    const post = await signPost(alice, postBody(), T0);
    const edited = await sign(alice, 'edit', edit(post.id), T0 + HOUR);
    const f = fold(edited);
    expect([...f.waiting()].map((r) => r.id)).toEqual([edited.id]);
    f.add([post]);
    expect(f.post(post.id as PostId)?.body.note).toBe('one is enough now');
    const change = f.add([await sign(alice, 'erase', { post: post.id }, T0 + 2 * HOUR)]);
    expect(change.dropped.has(edited.id)).toBe(true);
  });

  it('keeps the edit through a later renewal and resolution', async () => {
    const post = await signPost(alice, postBody(), T0);
    const edited = await sign(alice, 'edit', edit(post.id), T0 + HOUR);
    const resolved = await signUpdate(alice, post.id, 'resolve', T0 + 2 * HOUR);
    const state = fold(post, resolved, edited).post(post.id as PostId);
    expect(state).toMatchObject({ status: 'resolved', lastActivityMs: T0 + 2 * HOUR, editedAtMs: T0 + HOUR });
  });
});

describe('the edit command', () => {
  it('refuses with the rule the fold judges by, and signs an edit the author may make', async () => {
    const store = new InMemoryVaultStore();
    const a = await openTestDevice({
      identity: alice,
      founder: founder.author,
      store,
      doc: new Y.Doc(),
      now: () => T0,
    });
    const published = await a.board.commands.publishPost(postBody());
    if (!published.ok) throw new Error(published.reason);
    const id = published.id as PostId;
    const { post: _post, ...fields } = edit(published.id);
    expect(await a.board.commands.editPost(id, { ...fields, items: [] })).toMatchObject({
      ok: false,
      reason: 'required',
    });
    expect(await a.board.commands.editPost(id, fields)).toMatchObject({ ok: true });
    await a.board.whenIdle();
    expect(a.board.view.post(id)?.body.where.building).toBe('Block 3');

    const b = await openTestDevice({
      identity: bob,
      founder: founder.author,
      store: new InMemoryVaultStore(),
      doc: new Y.Doc(),
      now: () => T0,
    });
    expect(await b.board.commands.editPost(id, fields)).toMatchObject({ ok: false, reason: 'unknown-post' });
    await receive(b, ...a.board.records());
    expect(await b.board.commands.editPost(id, fields)).toMatchObject({ ok: false, reason: 'not-author' });
  });
});

describe('counting the records of a post its rules refuse', () => {
  it('counts another key’s update, edit and erasure, in any order, and forgets them with the post', async () => {
    const post = await signPost(alice, postBody({ note: 'two tablets please' }), T0);
    const refused = [
      await signUpdate(bob, post.id, 'resolve', T0 + HOUR),
      await sign(bob, 'edit', edit(post.id, { note: 'send everything to Bob' }), T0 + HOUR),
      await sign(bob, 'erase', { post: post.id }, T0 + 2 * HOUR),
    ];
    const own = await signUpdate(alice, post.id, 'progress', T0 + HOUR, 'one found');
    const all = [post, ...refused, own];
    for (const order of [all, [...all].reverse(), [own, refused[1]!, post, refused[0]!, refused[2]!]]) {
      const f = new BoardFold(founder.author);
      // One at a time: each addition judges the post again.
      for (const record of order) f.add([record]);
      expect(f.rejectedCount).toBe(3);
      expect(f.post(post.id as PostId)?.status).toBe('open');
      f.forget([post.id as PostId]);
      expect(f.rejectedCount).toBe(0);
    }
  });
});
