import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/lib/crypto/signing.ts';
import { founderAuthority } from '../../src/lib/domain/authority.ts';
import { BoardFold } from '../../src/lib/domain/fold/board-fold.ts';
import { PostsSlice } from '../../src/lib/domain/fold/posts.ts';
import { emptyChange } from '../../src/lib/domain/fold/slice.ts';
import { SquareSlice } from '../../src/lib/domain/fold/square.ts';
import type { AuthorKey, PostId } from '../../src/lib/domain/ids.ts';
import type { AnyRecord } from '../../src/lib/domain/kinds/registry.ts';
import { HOUR, identity, postBody, sign, signPost, signUpdate, T0 } from './fixtures.ts';

let founder: Identity;
let alice: Identity;
let bob: Identity;

beforeAll(async () => {
  [founder, alice, bob] = await Promise.all([identity(1), identity(2), identity(3)]);
});

function fold(...records: AnyRecord[]): BoardFold {
  const f = new BoardFold(founder.author);
  f.add(records);
  return f;
}

describe('authorisation', () => {
  it.each(['resolve', 'withdraw', 'renew', 'progress'] as const)(
    "ignores another key's %s on my post and counts it",
    async (action) => {
      const post = await signPost(alice, postBody(), T0);
      const mine = await signUpdate(alice, post.id, 'progress', T0 + HOUR, 'got 2 from Block C');
      const theirs = await signUpdate(bob, post.id, action, T0 + 2 * HOUR, 'hijack');
      const f = fold(post, mine, theirs);
      const state = f.post(post.id);
      expect(state?.status).toBe('open');
      expect(state?.progress.map((p) => p.note)).toEqual(['got 2 from Block C']);
      expect(state?.lastActivityMs).toBe(T0 + HOUR);
      expect(f.rejectedCount).toBe(1);
    },
  );

  it('counts an unauthorised update once its post arrives, and no longer once an erasure that counts drops it', async () => {
    const post = await signPost(alice, postBody(), T0);
    const theirs = await signUpdate(bob, post.id, 'resolve', T0 + HOUR);
    const f = fold(theirs);
    expect(f.rejectedCount).toBe(0);
    f.add([post]);
    expect(f.rejectedCount).toBe(1);
    expect(f.post(post.id)?.status).toBe('open');
    f.add([await sign(alice, 'erase', { post: post.id }, T0 + 2 * HOUR)]);
    expect(f.post(post.id)).toBeUndefined();
    expect(f.rejectedCount).toBe(0);
  });
});

describe('status lifecycle', () => {
  it('moves through progress, resolve, renew and withdraw in timestamp order', async () => {
    const post = await signPost(alice, postBody({ urgency: 'urgent' }), T0);
    const f = fold(post);
    expect(f.post(post.id)).toMatchObject({ status: 'open', activeSinceMs: T0, lastActivityMs: T0, progress: [] });

    f.add([await signUpdate(alice, post.id, 'progress', T0 + HOUR, 'neighbour on 3/F has some')]);
    expect(f.post(post.id)).toMatchObject({ status: 'open', activeSinceMs: T0, lastActivityMs: T0 + HOUR });

    f.add([await signUpdate(alice, post.id, 'resolve', T0 + 2 * HOUR, 'received, thank you')]);
    expect(f.post(post.id)?.status).toBe('resolved');

    f.add([await signUpdate(alice, post.id, 'renew', T0 + 30 * HOUR)]);
    expect(f.post(post.id)).toMatchObject({
      status: 'open',
      activeSinceMs: T0 + 30 * HOUR,
      lastActivityMs: T0 + 30 * HOUR,
    });

    f.add([await signUpdate(alice, post.id, 'withdraw', T0 + 31 * HOUR)]);
    const state = f.post(post.id);
    expect(state?.status).toBe('withdrawn');
    expect(state?.progress.map((p) => p.note)).toEqual(['neighbour on 3/F has some', 'received, thank you']);
  });

  it('renewing an open post resets when it expires', async () => {
    const post = await signPost(alice, postBody({ urgency: 'stocking' }), T0);
    const f = fold(post, await signUpdate(alice, post.id, 'renew', T0 + 100 * HOUR));
    expect(f.post(post.id)).toMatchObject({ status: 'open', activeSinceMs: T0 + 100 * HOUR });
  });

  it('orders updates by timestamp, not by arrival', async () => {
    const post = await signPost(alice, postBody(), T0);
    const resolve = await signUpdate(alice, post.id, 'resolve', T0 + HOUR);
    const renew = await signUpdate(alice, post.id, 'renew', T0 + 2 * HOUR);
    expect(fold(post, renew, resolve).post(post.id)?.status).toBe('open');
    expect(fold(post, resolve, renew).post(post.id)?.status).toBe('open');
    const withdraw = await signUpdate(alice, post.id, 'withdraw', T0 + 3 * HOUR);
    expect(fold(withdraw, renew, post, resolve).post(post.id)?.status).toBe('withdrawn');
  });

  it('applies updates that arrived before their post', async () => {
    const post = await signPost(alice, postBody(), T0);
    const f = fold(
      await signUpdate(alice, post.id, 'progress', T0 + HOUR, 'on my way'),
      await signUpdate(alice, post.id, 'resolve', T0 + 2 * HOUR),
    );
    expect(f.post(post.id)).toBeUndefined();
    expect([...f.posts()]).toEqual([]);
    const change = f.add([post]);
    expect(change.posts.has(post.id)).toBe(true);
    expect(f.post(post.id)).toMatchObject({ status: 'resolved', lastActivityMs: T0 + 2 * HOUR });
    expect(f.post(post.id)?.progress).toHaveLength(1);
  });

  it('ignores a record it has already seen', async () => {
    const post = await signPost(alice, postBody(), T0);
    const resolve = await signUpdate(alice, post.id, 'resolve', T0 + HOUR, 'done');
    const f = fold(post, resolve);
    const change = f.add([resolve, post]);
    expect(change.posts.size).toBe(0);
    expect(f.post(post.id)?.progress).toHaveLength(1);
    expect(f.recordCount).toBe(2);
  });
});

describe('profiles and the square', () => {
  it('keeps the latest profile of each author, whatever the arrival order', async () => {
    const old = await sign(alice, 'profile', { name: 'Alice' }, T0);
    const renamed = await sign(alice, 'profile', { name: 'Alice Wong', building: 'Block B' }, T0 + HOUR);
    const bobs = await sign(bob, 'profile', { name: 'Bob' }, T0 - HOUR);
    for (const order of [
      [old, renamed, bobs],
      [renamed, bobs, old],
    ]) {
      const f = fold(...order);
      expect(f.profile(alice.author)).toEqual({ name: 'Alice Wong', building: 'Block B' });
      expect(f.profile(bob.author)).toEqual({ name: 'Bob' });
    }
    const f = fold(renamed);
    expect(f.add([old]).profiles.size).toBe(0);
  });

  it('breaks a timestamp tie between profiles the same way everywhere', async () => {
    const a = await sign(alice, 'profile', { name: 'One' }, T0);
    const b = await sign(alice, 'profile', { name: 'Two' }, T0);
    expect(fold(a, b).profile(alice.author)).toEqual(fold(b, a).profile(alice.author));
  });

  it('takes the square name only from the founder', async () => {
    const named = await sign(founder, 'square', { name: 'Tai Hang Kaifong' }, T0);
    const hijack = await sign(bob, 'square', { name: 'Free Crypto' }, T0 + HOUR);
    const f = fold(hijack);
    expect(f.squareName()).toBeUndefined();
    expect(f.rejectedCount).toBe(1);
    f.add([named]);
    expect(f.squareName()).toBe('Tai Hang Kaifong');
    f.add([await sign(founder, 'square', { name: 'Tai Hang 街坊' }, T0 + 2 * HOUR)]);
    expect(f.squareName()).toBe('Tai Hang 街坊');
    expect(f.rejectedCount).toBe(1);
  });
});

/** Everything a fold exposes, in a form that can be compared. */
function snapshot(f: BoardFold, authors: readonly AuthorKey[], postIds: readonly PostId[]) {
  return {
    posts: postIds.map((id) => f.post(id) ?? null),
    postCount: [...f.posts()].length,
    profiles: authors.map((a) => f.profile(a) ?? null),
    square: f.squareName() ?? null,
    rejected: f.rejectedCount,
    records: f.recordCount,
    erased: postIds.filter((id) => f.isErased(id)),
  };
}

describe('order independence', () => {
  let pool: AnyRecord[];
  let authors: AuthorKey[];
  let postIds: PostId[];

  beforeAll(async () => {
    const people = [founder, alice, bob];
    authors = people.map((p) => p.author);
    const records: AnyRecord[] = [];
    const posts: AnyRecord[] = [];
    for (let i = 0; i < 6; i++) {
      const who = people[i % 3]!;
      const body = postBody({ urgency: (['urgent', 'soon', 'stocking'] as const)[i % 3], note: `post ${i}` });
      posts.push(await signPost(who, body, T0 + i * HOUR));
    }
    records.push(...posts);
    // Updates, many sharing timestamps so ties must break on id; some by the wrong author.
    const actions = ['progress', 'resolve', 'withdraw', 'renew'] as const;
    for (let i = 0; i < 24; i++) {
      const post = posts[i % posts.length]!;
      const honest = i % 5 !== 4;
      const who = honest
        ? people.find((p) => p.author === post.author)!
        : people[(people.findIndex((p) => p.author === post.author) + 1) % 3]!;
      const note = i % 2 === 0 ? `note ${i}` : undefined;
      records.push(await signUpdate(who, post.id, actions[(i * 7) % 4]!, T0 + 10 * HOUR + (i % 4) * HOUR, note));
    }
    // Edits, some at the same time as each other (the id breaks the tie), some by the wrong author.
    for (let i = 0; i < 8; i++) {
      const post = posts[i % posts.length]!;
      const owner = people.findIndex((p) => p.author === post.author);
      const who = people[i % 4 === 3 ? (owner + 1) % 3 : owner]!;
      const edit = {
        post: post.id,
        items: [{ item: 'paracetamol-500' as const, qty: 1 + (i % 3) }],
        where: { building: `Block ${i}`, floor: '' },
        note: `edit ${i}`,
      };
      records.push(await sign(who, 'edit', edit, T0 + 12 * HOUR + (i % 2) * HOUR));
    }
    for (const [i, who] of people.entries()) {
      records.push(await sign(who, 'profile', { name: `first ${i}` }, T0));
      records.push(await sign(who, 'profile', { name: `second ${i}` }, T0 + (i === 1 ? 0 : HOUR)));
      records.push(await sign(who, 'square', { name: `square by ${i}` }, T0 + 5 * HOUR));
    }
    // Post 0 erased by its author (with an update that arrives for it anyway); post 1 "erased" by someone else.
    records.push(await sign(founder, 'erase', { post: posts[0]!.id }, T0 + 20 * HOUR));
    records.push(await sign(bob, 'erase', { post: posts[1]!.id }, T0 + 20 * HOUR));
    pool = records;
    postIds = posts.map((p) => p.id);
  });

  it('folds any permutation, duplication and batching of the same records to the same state', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(pool.length - 1), { minLength: 0, maxLength: pool.length }),
        fc.array(fc.nat(pool.length - 1), { maxLength: 20 }),
        fc.infiniteStream(fc.integer({ min: 1, max: 6 })),
        fc.func(fc.integer()),
        (subset, duplicates, batchSizes, rank) => {
          const chosen = subset.map((i) => pool[i]!);
          const reference = new BoardFold(founder.author);
          reference.add(chosen);

          // Shuffle the chosen records plus duplicates of any of them, then add in batches.
          const dupes = subset.length === 0 ? [] : duplicates.map((i) => chosen[i % chosen.length]!);
          const shuffled = [...chosen, ...dupes]
            .map((record, i) => ({ record, key: rank(i) }))
            .sort((a, b) => a.key - b.key)
            .map((x) => x.record);
          const incremental = new BoardFold(founder.author);
          const sizes = batchSizes[Symbol.iterator]();
          for (let i = 0; i < shuffled.length;) {
            const n = sizes.next().value as number;
            incremental.add(shuffled.slice(i, i + n));
            i += n;
          }
          expect(snapshot(incremental, authors, postIds)).toEqual(snapshot(reference, authors, postIds));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('covers every lifecycle outcome in its pool', () => {
    // Guards the property above against a pool too tame to catch anything.
    const f = new BoardFold(founder.author);
    f.add(pool);
    const statuses = new Set([...f.posts()].map((p) => p.status));
    expect(statuses.size).toBeGreaterThanOrEqual(2);
    expect([...f.posts()].filter((p) => p.editedAtMs !== undefined).length).toBeGreaterThanOrEqual(2);
    expect(f.rejectedCount).toBeGreaterThan(2);
    expect(f.squareName()).toBe('square by 0');
    expect(f.isErased(postIds[0]!)).toBe(true);
    expect(f.post(postIds[0]!)).toBeUndefined();
    expect(f.post(postIds[1]!)).toBeDefined();
  });
});

describe('slices re-judge when the authority changes', () => {
  it('gives what folding afresh under the new authority gives, for any records', async () => {
    const people = [founder, alice, bob];
    const pool: AnyRecord[] = [];
    const post = await signPost(alice, postBody(), T0);
    pool.push(post);
    for (const [i, who] of people.entries()) {
      pool.push(await sign(who, 'square', { name: `by ${i}`, retentionDays: i + 1 }, T0 + i * HOUR));
      pool.push(await signUpdate(who, post.id, i === 0 ? 'progress' : 'resolve', T0 + (i + 1) * HOUR, `n${i}`));
    }
    fc.assert(
      fc.property(fc.subarray(pool), fc.constantFrom(...people), fc.constantFrom(...people), (records, first, next) => {
        const change = emptyChange();
        const square = new SquareSlice();
        const posts = new PostsSlice();
        for (const record of records) {
          if (record.kind === 'square') square.add(record, change);
          else posts.add(record, change);
        }
        square.settle(founderAuthority(first.author), change);
        posts.settle(founderAuthority(first.author), change);
        // The trust slice found a new founder (a hand-over): every slice re-judges.
        square.rejudge(founderAuthority(next.author), change);
        posts.rejudge(founderAuthority(next.author), change);

        const fresh = new BoardFold(next.author);
        fresh.add(records);
        expect(square.current?.body.name).toBe(fresh.squareName());
        expect(square.rejectedCount(founderAuthority(next.author)) + posts.rejectedCount()).toBe(fresh.rejectedCount);
        expect(posts.post(post.id)).toEqual(fresh.post(post.id));
      }),
      { numRuns: 100 },
    );
  });
});
