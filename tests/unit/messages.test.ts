import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKeys, seal } from '../../src/lib/crypto/seal.ts';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import type { AuthorKey, RecordId, SealKey } from '../../src/lib/domain/ids.ts';
import { MESSAGE_LIMITS, type SealedBox } from '../../src/lib/domain/kinds/message.ts';
import { parseRecord } from '../../src/lib/domain/kinds/parse.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { orphansToDrop, ORPHAN_TTL_MS } from '../../src/lib/domain/retention.ts';
import { HOUR, identity, MINUTE, postBody, sign, signPost, stored, T0 } from './fixtures.ts';

let founder: Identity;
let alice: Identity;
let bob: Identity;
let carol: Identity;
/** A well-formed box: the fold never opens messages, so its content does not matter here. */
let box: SealedBox;

beforeAll(async () => {
  [founder, alice, bob, carol] = await Promise.all([identity(1), identity(2), identity(3), identity(4)]);
  const keys = await generateSealingKeys();
  box = await seal('{"text":"hello"}', [keys.publicKey], 'test');
});

function fold(...records: AnyRecord[]): BoardFold {
  const f = new BoardFold(founder.author);
  f.add(records);
  return f;
}

function message(from: Identity, to: AuthorKey, post: RecordId, ms: number, counter = 0): Promise<AnyRecord> {
  return sign(from, 'message', { post, to, box }, ms, counter);
}

const ids = (records: readonly { id: RecordId }[]) => records.map((r) => r.id);

describe('messages in the fold', () => {
  it('counts a message about a post for its sender and its recipient, and for nobody else', async () => {
    const post = await signPost(alice, postBody(), T0);
    const ask = await message(bob, alice.author, post.id, T0 + MINUTE);
    const reply = await message(alice, bob.author, post.id, T0 + 2 * MINUTE);
    const f = fold(post, ask, reply);
    expect(ids(f.messagesWith(alice.author))).toEqual([ask.id, reply.id]);
    expect(ids(f.messagesWith(bob.author))).toEqual([ask.id, reply.id]);
    expect(f.messagesWith(carol.author)).toEqual([]);
    expect(f.recordIdsOf(post.id)).toEqual(expect.arrayContaining([post.id, ask.id, reply.id]));
  });

  it('refuses a conversation that leaves out the post’s author, and a message to oneself', async () => {
    const post = await signPost(alice, postBody(), T0);
    const aside = await message(carol, bob.author, post.id, T0 + MINUTE);
    const self = await message(bob, bob.author, post.id, T0 + MINUTE);
    const f = fold(post, aside, self);
    expect(f.messagesWith(bob.author)).toEqual([]);
    expect(f.messagesWith(carol.author)).toEqual([]);
  });

  it('keeps a message that arrives before its post waiting, and counts it once the post is here', async () => {
    const post = await signPost(alice, postBody(), T0);
    const ask = await message(bob, alice.author, post.id, T0 + MINUTE);
    const f = fold(ask);
    expect(f.messagesWith(alice.author)).toEqual([]);
    expect(ids([...f.waiting()])).toEqual([ask.id]);
    f.add([post]);
    expect(ids(f.messagesWith(alice.author))).toEqual([ask.id]);
    expect([...f.waiting()]).toEqual([]);
  });

  it('drops messages waiting too long for a post that never comes, as updates are', async () => {
    const ask = await message(bob, alice.author, 'p'.repeat(22) as RecordId, T0);
    const f = fold(ask);
    expect(orphansToDrop(f.waiting(), T0 + ORPHAN_TTL_MS - 1)).toEqual([]);
    expect(orphansToDrop(f.waiting(), T0 + ORPHAN_TTL_MS + 1)).toEqual([ask.id]);
  });

  it('holds each sender to the hourly rate, whatever order the messages arrive in', async () => {
    const post = await signPost(alice, postBody(), T0);
    const flood = await Promise.all(
      Array.from({ length: MESSAGE_LIMITS.perHour + 5 }, (_, i) => message(bob, alice.author, post.id, T0 + i * 1000)),
    );
    const later = await message(bob, alice.author, post.id, T0 + HOUR + 10 * MINUTE);
    const expected = ids(fold(post, ...flood, later).messagesWith(alice.author));
    expect(expected).toHaveLength(MESSAGE_LIMITS.perHour + 1);
    expect(expected).toEqual([...ids(flood.slice(0, MESSAGE_LIMITS.perHour)), later.id]);
    const all = [post, ...flood, later];
    fc.assert(
      fc.property(fc.shuffledSubarray(all, { minLength: all.length }), fc.integer({ min: 1, max: 20 }), (order, n) => {
        const f = new BoardFold(founder.author);
        for (let i = 0; i < order.length; i += n) f.add(order.slice(i, i + n));
        expect(ids(f.messagesWith(alice.author))).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });

  it('ignores every message of a blocked key, and counts them again once the block is undone', async () => {
    const post = await signPost(alice, postBody(), T0);
    const ask = await message(bob, alice.author, post.id, T0 + MINUTE);
    const block = await sign(
      founder,
      'moderation',
      { action: 'block', member: bob.author, reason: 'abuse' },
      T0 + HOUR,
    );
    const f = fold(post, ask, block);
    expect(f.messagesWith(alice.author)).toEqual([]);
    const change = f.add([await sign(founder, 'moderation', { action: 'undo', moderation: block.id }, T0 + 2 * HOUR)]);
    expect(change.messages).toBe(true);
    expect(ids(f.messagesWith(alice.author))).toEqual([ask.id]);
  });

  it('drops the messages of an erased post, and any that arrive after', async () => {
    const post = await signPost(alice, postBody(), T0);
    const ask = await message(bob, alice.author, post.id, T0 + MINUTE);
    const f = fold(post, ask);
    const change = f.add([await sign(alice, 'erase', { post: post.id }, T0 + HOUR)]);
    expect(change.dropped.has(ask.id)).toBe(true);
    expect(f.messagesWith(alice.author)).toEqual([]);
    const late = await message(bob, alice.author, post.id, T0 + 2 * MINUTE);
    expect(f.add([late]).dropped.has(late.id)).toBe(true);
    expect(f.recordIdsOf(post.id)).toEqual([]);
  });

  it('forgets the messages of a pruned post with it', async () => {
    const post = await signPost(alice, postBody(), T0);
    const ask = await message(bob, alice.author, post.id, T0 + MINUTE);
    const f = fold(post, ask);
    f.forget([post.id]);
    expect(f.messagesWith(alice.author)).toEqual([]);
    expect(f.recordIdsOf(post.id)).toEqual([]);
  });

  it('refuses a sealed text longer than a 1,000-character message can be, and a third reader', async () => {
    const post = await signPost(alice, postBody(), T0);
    const good = stored(await message(bob, alice.author, post.id, T0));
    expect(parseRecord(good).ok).toBe(true);
    const long = { ...good, body: { ...good.body, box: { ...box, c: 'A'.repeat(MESSAGE_LIMITS.sealedChars + 1) } } };
    expect(parseRecord(long)).toMatchObject({ ok: false });
    const e = box.k[0]!.e as SealKey;
    const three = { ...good, body: { ...good.body, box: { ...box, k: [box.k[0], box.k[0], { e, w: box.k[0]!.w }] } } };
    expect(parseRecord(three)).toMatchObject({ ok: false });
  });
});
