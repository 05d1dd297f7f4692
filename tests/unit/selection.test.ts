import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PostState } from '../../src/lib/domain/fold/post-state.ts';
import type { PostId } from '../../src/lib/domain/ids.ts';
import { URGENCIES, VULNERABLE_GROUPS, POST_TYPES } from '../../src/lib/domain/kinds/post.ts';
import {
  DEFAULT_QUERY,
  patchSelection,
  relevanceTier,
  selectPosts,
  type BoardQuery,
} from '../../src/lib/domain/selection.ts';
import { hlc, HOUR, MINUTE, postBody, postState, T0 } from './fixtures.ts';

const query = (overrides: Partial<BoardQuery> = {}): BoardQuery => ({
  ...DEFAULT_QUERY,
  showClosed: true,
  ...overrides,
});
const notes = (posts: readonly PostState[]) => posts.map((p) => p.body.note);
const now = T0 + 10 * HOUR;

describe('"Most relevant", the default order', () => {
  it('is the default sort', () => {
    expect(DEFAULT_QUERY.sort).toBe('relevant');
  });

  it('puts open urgent needs for vulnerable people first, then other urgent needs, then by recency', () => {
    const at = (hours: number) => hlc(T0 + hours * HOUR);
    const board = [
      postState({ at: at(9), body: postBody({ note: 'stocking up, newest', urgency: 'stocking' }) }),
      postState({ at: at(8), body: postBody({ note: 'urgent offer', type: 'offer', urgency: 'urgent' }) }),
      postState({ at: at(1), body: postBody({ note: 'urgent need, old', urgency: 'urgent' }) }),
      postState({ at: at(2), body: postBody({ note: 'urgent for a child', urgency: 'urgent', groups: ['child'] }) }),
      postState({ at: at(3), body: postBody({ note: 'urgent for an elder', urgency: 'urgent', groups: ['elderly'] }) }),
      postState({ at: at(7), body: postBody({ note: 'soon for an elder', urgency: 'soon', groups: ['elderly'] }) }),
      postState({
        at: at(6),
        status: 'resolved',
        body: postBody({ note: 'resolved urgent child', urgency: 'urgent', groups: ['child'] }),
      }),
    ];
    expect(notes(selectPosts(board, query(), now))).toEqual([
      'urgent for an elder',
      'urgent for a child',
      'urgent need, old',
      'stocking up, newest',
      'urgent offer',
      'soon for an elder',
      'resolved urgent child',
    ]);
  });

  it('counts a renewed post from its renewal, in "Most relevant" and in "Newest"', () => {
    const renewed = postState({ at: hlc(T0), activeSinceMs: T0 + 5 * HOUR, body: postBody({ note: 'renewed' }) });
    const fresh = postState({ at: hlc(T0 + 4 * HOUR), body: postBody({ note: 'fresh' }) });
    expect(notes(selectPosts([fresh, renewed], query(), now))).toEqual(['renewed', 'fresh']);
    expect(notes(selectPosts([fresh, renewed], query({ sort: 'newest' }), now))).toEqual(['renewed', 'fresh']);
  });
});

// ---- properties over random boards ------------------------------------------------------------

const arbPost = fc
  .record({
    minutes: fc.integer({ min: 0, max: 600 }),
    renewedAfter: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
    type: fc.constantFrom(...POST_TYPES),
    urgency: fc.constantFrom(...URGENCIES),
    groups: fc.subarray([...VULNERABLE_GROUPS], { maxLength: 2 }),
    status: fc.constantFrom('open', 'open', 'resolved', 'withdrawn'),
  })
  .map(({ minutes, renewedAfter, type, urgency, groups, status }) => {
    const ms = T0 + minutes * MINUTE;
    return postState({
      at: hlc(ms),
      activeSinceMs: ms + (renewedAfter ?? 0) * MINUTE,
      status: status as PostState['status'],
      body: postBody({
        type,
        urgency,
        groups,
        ...(type === 'swap' ? { wants: [{ item: 'antigen-test' as const, qty: 1 }] } : {}),
      }),
    });
  });
const arbBoard = fc.array(arbPost, { maxLength: 40 });

describe('"Most relevant", for every board', () => {
  it('never shows a post of a later tier above one of an earlier tier, and orders each tier by recency', () => {
    fc.assert(
      fc.property(arbBoard, (board) => {
        const list = selectPosts(board, query(), now);
        for (let i = 1; i < list.length; i++) {
          const [a, b] = [list[i - 1]!, list[i]!];
          expect(relevanceTier(a)).toBeLessThanOrEqual(relevanceTier(b));
          if (relevanceTier(a) === relevanceTier(b)) expect(a.activeSinceMs).toBeGreaterThanOrEqual(b.activeSinceMs);
        }
      }),
    );
  });

  it('gives the same list whatever order the posts arrived in', () => {
    fc.assert(
      fc.property(
        arbBoard.chain((board) =>
          fc.tuple(fc.constant(board), fc.shuffledSubarray(board, { minLength: board.length })),
        ),
        ([board, shuffled]) => {
          const ids = (posts: PostState[]) => selectPosts(posts, query(), now).map((p) => p.id);
          expect(ids(shuffled)).toEqual(ids(board));
        },
      ),
    );
  });

  it('patched after changes, equals the list selected afresh', () => {
    fc.assert(
      fc.property(
        arbBoard,
        fc.array(fc.tuple(fc.nat(), arbPost), { maxLength: 8 }),
        fc.boolean(),
        (board, changes, showClosed) => {
          const q = query({ showClosed });
          const byId = new Map<PostId, PostState>(board.map((p) => [p.id, p]));
          const before = selectPosts(byId.values(), q, now);
          const changed: PostId[] = [];
          for (const [pick, replacement] of changes) {
            if (board.length === 0) break;
            const target = board[pick % board.length]!;
            // The same post, changed: renewed, resolved or re-tiered.
            byId.set(target.id, { ...replacement, id: target.id });
            changed.push(target.id);
          }
          const patched = patchSelection(before, changed, (id) => byId.get(id), q, now);
          expect(patched.map((p) => p.id)).toEqual(selectPosts(byId.values(), q, now).map((p) => p.id));
        },
      ),
    );
  });
});
