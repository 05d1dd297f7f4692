import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, selectPosts, type BoardQuery } from '../../src/lib/domain/selection.ts';
import { displayStatus, expiresAtMs, needsRenewal } from '../../src/lib/domain/expiry.ts';
import type { PostState } from '../../src/lib/domain/fold/post-state.ts';
import { HybridClock, MAX_DRIFT_MS, type Hlc } from '../../src/lib/domain/hlc.ts';
import { pickLocale } from '../../src/lib/domain/locale.ts';
import { matchesQuery, searchTextOf } from '../../src/lib/domain/search.ts';
import { hlc, HOUR, postBody, postState, T0 } from './fixtures.ts';

const DAY = 24 * HOUR;

function query(overrides: Partial<BoardQuery> = {}): BoardQuery {
  return { ...DEFAULT_QUERY, ...overrides };
}

function notes(posts: readonly PostState[]): string[] {
  return posts.map((p) => p.body.note);
}

describe('expiry', () => {
  it.each([
    ['urgent', DAY],
    ['soon', 3 * DAY],
    ['stocking', 7 * DAY],
  ] as const)('an %s post is open for %d ms after it was published', (urgency, lifetime) => {
    const post = postState({ body: postBody({ urgency }) });
    expect(expiresAtMs(post)).toBe(T0 + lifetime);
    expect(displayStatus(post, T0)).toBe('open');
    expect(displayStatus(post, T0 + lifetime - 1)).toBe('open');
    expect(displayStatus(post, T0 + lifetime)).toBe('expired');
  });

  it('counts from the last renewal, not from publication', () => {
    const renewed = postState({ body: postBody({ urgency: 'urgent' }), activeSinceMs: T0 + 20 * HOUR });
    expect(displayStatus(renewed, T0 + 30 * HOUR)).toBe('open');
    expect(displayStatus(renewed, T0 + 44 * HOUR)).toBe('expired');
  });

  it('shows resolved and withdrawn posts as such, expired or not', () => {
    expect(displayStatus(postState({ status: 'resolved' }), T0)).toBe('resolved');
    expect(displayStatus(postState({ status: 'withdrawn' }), T0 + 30 * DAY)).toBe('withdrawn');
  });

  it('asks "still needed?" only of open posts near or past expiry', () => {
    const urgent = postState({ body: postBody({ urgency: 'urgent' }) });
    expect(needsRenewal(urgent, T0)).toBe(false);
    expect(needsRenewal(urgent, T0 + 12 * HOUR)).toBe(false);
    expect(needsRenewal(urgent, T0 + 23 * HOUR)).toBe(true);
    expect(needsRenewal(urgent, T0 + 2 * DAY)).toBe(true);
    const stocking = postState({ body: postBody({ urgency: 'stocking' }) });
    expect(needsRenewal(stocking, T0 + 23 * HOUR)).toBe(false);
    expect(needsRenewal(stocking, T0 + 7 * DAY - HOUR)).toBe(true);
    expect(needsRenewal(postState({ status: 'resolved', body: postBody({ urgency: 'urgent' }) }), T0 + 2 * DAY)).toBe(
      false,
    );
  });
});

describe('selectPosts', () => {
  const at = (hours: number) => hlc(T0 + hours * HOUR);
  const board = [
    postState({ at: at(1), body: postBody({ note: 'offer urgent', type: 'offer', urgency: 'urgent' }) }),
    postState({ at: at(2), body: postBody({ note: 'need soon', urgency: 'soon' }) }),
    postState({ at: at(3), body: postBody({ note: 'need urgent', urgency: 'urgent' }) }),
    postState({ at: at(4), body: postBody({ note: 'need urgent child', urgency: 'urgent', groups: ['child'] }) }),
    postState({
      at: at(5),
      body: postBody({ note: 'need stocking elderly', urgency: 'stocking', groups: ['elderly'] }),
    }),
    postState({
      at: at(6),
      body: postBody({
        note: 'swap masks for a test',
        type: 'swap',
        urgency: 'soon',
        items: [{ item: 'surgical-mask', qty: 10 }],
        wants: [{ item: 'antigen-test', qty: 1 }],
      }),
    }),
    postState({ at: at(7), body: postBody({ note: 'urgent pregnant', urgency: 'urgent', groups: ['pregnant'] }) }),
  ];
  const closed = [
    postState({ at: at(8), status: 'resolved', body: postBody({ note: 'resolved' }) }),
    postState({ at: at(9), status: 'withdrawn', body: postBody({ note: 'withdrawn' }) }),
    postState({ at: hlc(T0 - 2 * DAY), body: postBody({ note: 'expired', urgency: 'urgent' }) }),
  ];
  const all = [...closed, ...board];
  const now = T0 + 10 * HOUR;

  it('sorts newest first', () => {
    expect(notes(selectPosts(all, query({ sort: 'newest' }), now))).toEqual([
      'urgent pregnant',
      'swap masks for a test',
      'need stocking elderly',
      'need urgent child',
      'need urgent',
      'need soon',
      'offer urgent',
    ]);
  });

  it('sorts most urgent first: urgent needs for vulnerable people at the top', () => {
    expect(notes(selectPosts(all, query({ sort: 'urgent' }), now))).toEqual([
      'urgent pregnant',
      'need urgent child',
      'need urgent',
      'offer urgent',
      'need soon',
      'swap masks for a test',
      'need stocking elderly',
    ]);
  });

  it('gives every peer the same order for posts with the same timestamp', () => {
    const twins = [postState({ at: at(1) }), postState({ at: at(1) }), postState({ at: at(1) })];
    const forward = selectPosts(twins, query(), now).map((p) => p.id);
    const backward = selectPosts([...twins].reverse(), query(), now).map((p) => p.id);
    expect(forward).toEqual(backward);
  });

  it('hides resolved, withdrawn and expired posts unless asked', () => {
    expect(notes(selectPosts(all, query(), now))).not.toContain('resolved');
    const shown = notes(selectPosts(all, query({ showClosed: true }), now));
    expect(shown).toEqual(expect.arrayContaining(['resolved', 'withdrawn', 'expired']));
    expect(shown).toHaveLength(all.length);
  });

  it('filters by type', () => {
    expect(notes(selectPosts(all, query({ types: new Set(['offer', 'swap']) }), now))).toEqual([
      'swap masks for a test',
      'offer urgent',
    ]);
  });

  it('filters by item, counting what a swap wants', () => {
    expect(notes(selectPosts(all, query({ item: 'antigen-test' }), now))).toEqual(['swap masks for a test']);
    expect(notes(selectPosts(all, query({ item: 'surgical-mask' }), now))).toEqual(['swap masks for a test']);
    expect(selectPosts(all, query({ item: 'paracetamol-500' }), now)).toHaveLength(6);
    expect(selectPosts(all, query({ item: 'thermometer' }), now)).toHaveLength(0);
  });

  it('filters by urgency and by vulnerable group', () => {
    expect(notes(selectPosts(all, query({ urgency: 'stocking' }), now))).toEqual(['need stocking elderly']);
    expect(notes(selectPosts(all, query({ group: 'child' }), now))).toEqual(['need urgent child']);
    expect(notes(selectPosts(all, query({ group: 'elderly', urgency: 'urgent' }), now))).toEqual([]);
  });

  it('filters by text', () => {
    expect(notes(selectPosts(all, query({ text: 'MASKS' }), now))).toEqual(['swap masks for a test']);
  });
});

describe('search', () => {
  const fever = postBody({ note: '孩子發燒需要布洛芬', items: [{ item: 'child-fever-suspension', qty: 1 }] });
  const paracetamol = postBody({ items: [{ item: 'paracetamol-500', qty: 2 }], note: 'For my grandmother' });
  const masks = postBody({
    items: [{ item: 'n95-mask', qty: 5 }],
    note: '給長者',
    where: { building: '大坑道 8 號', floor: '3' },
  });
  const matches = (body: typeof fever, q: string) => matchesQuery(searchTextOf(body), q);

  it('matches English case-insensitively, in item names and notes', () => {
    expect(matches(paracetamol, 'paracetamol')).toBe(true);
    expect(matches(paracetamol, 'PARACETAMOL')).toBe(true);
    expect(matches(paracetamol, 'Grandmother')).toBe(true);
    expect(matches(paracetamol, 'tablets grandmother')).toBe(true);
    expect(matches(paracetamol, 'ibuprofen')).toBe(false);
    expect(matches(masks, 'paracetamol')).toBe(false);
  });

  it('matches item names in Traditional and Simplified Chinese', () => {
    expect(matches(paracetamol, '撲熱息痛')).toBe(true);
    expect(matches(paracetamol, '对乙酰氨基酚')).toBe(true);
    expect(matches(masks, '口罩')).toBe(true);
    expect(matches(masks, '撲熱息痛')).toBe(false);
  });

  it('finds words in Chinese notes written without spaces', () => {
    expect(matches(fever, '布洛芬')).toBe(true);
    expect(matches(fever, '孩子 布洛芬')).toBe(true);
    expect(matches(fever, '布洛芬孩子')).toBe(true);
    expect(matches(fever, '發燒')).toBe(true);
    expect(matches(masks, '布洛芬')).toBe(false);
    expect(matches(masks, '孩子 口罩')).toBe(false);
  });

  it('requires every word of the query', () => {
    expect(matches(paracetamol, 'paracetamol thermometer')).toBe(false);
    expect(matches(fever, '孩子 口罩')).toBe(false);
  });

  it('folds full-width input', () => {
    expect(matches(masks, 'Ｎ９５')).toBe(true);
    expect(matches(paracetamol, 'ＰＡＲＡＣＥＴＡＭＯＬ')).toBe(true);
    expect(matches(masks, '８')).toBe(true);
  });

  it('matches everything on an empty query and nothing on punctuation alone', () => {
    expect(matches(masks, '')).toBe(true);
    expect(matches(masks, '   ')).toBe(true);
    expect(matches(masks, '?!')).toBe(false);
  });
});

describe('pickLocale', () => {
  it.each([
    [['zh-HK'], 'zh-Hant'],
    [['zh-TW'], 'zh-Hant'],
    [['zh-MO'], 'zh-Hant'],
    [['zh-Hant'], 'zh-Hant'],
    [['zh-Hant-HK'], 'zh-Hant'],
    [['zh-Hans-HK'], 'zh-Hans'],
    [['zh-CN'], 'zh-Hans'],
    [['zh-SG'], 'zh-Hans'],
    [['zh'], 'zh-Hans'],
    [['zh-hk'], 'zh-Hant'],
    [['en-GB', 'zh-HK'], 'en'],
    [['fr-FR', 'zh-TW'], 'zh-Hant'],
    [['fr-FR'], 'en'],
    [['ja'], 'en'],
    [[], 'en'],
  ])('%j → %s', (preferred, expected) => {
    expect(pickLocale(preferred)).toBe(expected);
  });
});

describe('HybridClock', () => {
  it('issues strictly increasing timestamps when the wall clock stalls or goes back', () => {
    let wall = T0;
    const clock = new HybridClock(() => wall);
    const issued: Hlc[] = [];
    for (const step of [0, 0, 5, -1000, 0, 2000, -1, 0]) {
      wall += step;
      issued.push(clock.tick());
    }
    for (let i = 1; i < issued.length; i++) expect(issued[i]! > issued[i - 1]!).toBe(true);
    expect(issued[0]).toBe(hlc(T0));
    expect(issued[1]).toBe(hlc(T0, 1));
  });

  it('moves past a timestamp it observes from another peer', () => {
    const clock = new HybridClock(() => T0);
    const remote = hlc(T0 + 60_000, 7);
    clock.observe(remote);
    const next = clock.tick();
    expect(next > remote).toBe(true);
    expect(next).toBe(hlc(T0 + 60_000, 8));
  });

  it('does not move back when observing an older timestamp', () => {
    const clock = new HybridClock(() => T0);
    const first = clock.tick();
    clock.observe(hlc(T0 - HOUR));
    expect(clock.tick() > first).toBe(true);
  });

  it('ignores timestamps further ahead than the drift limit', () => {
    const clock = new HybridClock(() => T0);
    clock.observe(hlc(T0 + MAX_DRIFT_MS + 1));
    expect(clock.tick()).toBe(hlc(T0));
    clock.observe(hlc(T0 + MAX_DRIFT_MS));
    expect(clock.tick()).toBe(hlc(T0 + MAX_DRIFT_MS, 1));
  });

  it('sorts as text in time order', () => {
    expect(hlc(999) < hlc(1000)).toBe(true);
    expect(hlc(T0, 9) < hlc(T0, 10)).toBe(true);
    expect(hlc(T0, 9999) < hlc(T0 + 1, 0)).toBe(true);
  });

  it('stays increasing past the counter limit', () => {
    const clock = new HybridClock(() => T0);
    let previous = clock.tick();
    for (let i = 0; i < 10_050; i++) {
      const next = clock.tick();
      expect(next > previous).toBe(true);
      previous = next;
    }
  });
});
