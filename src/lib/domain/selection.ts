import { CATALOGUE, type CatalogueId } from './catalogue.ts';
import { displayStatus } from './expiry.ts';
import type { PostState } from './fold/post-state.ts';
import { hlcMs } from './hlc.ts';
import type { PostId } from './ids.ts';
import { placeKey } from './kinds/site.ts';
import type { Nearness } from './places.ts';
import type { PostType, Urgency, VulnerableGroup } from './kinds/post.ts';
import { matchesQuery, searchTextOf } from './search.ts';

export const SORTS = ['relevant', 'newest', 'urgent', 'nearest'] as const;
export type SortOrder = (typeof SORTS)[number];

/** What the list shows; empty sets mean "any". */
export interface BoardQuery {
  readonly sort: SortOrder;
  readonly types: ReadonlySet<PostType>;
  readonly item: CatalogueId | '';
  readonly urgency: Urgency | '';
  readonly group: VulnerableGroup | '';
  readonly text: string;
  readonly showClosed: boolean;
  /** Only posts placed in this building of the site ('' for any). */
  readonly building: string;
  /** Only posts at most this many metres away (needs a building or a location to measure from). */
  readonly withinM: number | null;
}

export const DEFAULT_QUERY: BoardQuery = {
  sort: 'relevant',
  types: new Set(),
  item: '',
  urgency: '',
  group: '',
  text: '',
  showClosed: false,
  building: '',
  withinM: null,
};

const URGENCY_RANK: Readonly<Record<Urgency, number>> = { urgent: 0, soon: 1, stocking: 2 };

/** Sort key for "Most urgent": urgency, then needs before offers, then vulnerable people first. */
function urgencyKey(post: PostState): readonly number[] {
  return [URGENCY_RANK[post.body.urgency], post.body.type === 'need' ? 0 : 1, post.body.groups.length > 0 ? 0 : 1];
}

/**
 * Most recent first, counting a renewed post from its renewal ("renewed 2 min ago"); ties broken
 * by publication time and id, so every peer shows the same order.
 */
function compareNewest(a: PostState, b: PostState): number {
  if (a.activeSinceMs !== b.activeSinceMs) return b.activeSinceMs - a.activeSinceMs;
  if (a.at !== b.at) return a.at > b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function compareKeys(ka: readonly number[], kb: readonly number[]): number {
  for (let i = 0; i < ka.length; i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function compareUrgent(a: PostState, b: PostState): number {
  return compareKeys(urgencyKey(a), urgencyKey(b)) || compareNewest(a, b);
}

/**
 * Tiers of "Most relevant": 0 an open urgent need for a vulnerable person, 1 any other open
 * urgent need, 2 everything else. Only the post's own state counts (never the clock), so a list
 * patched later keeps the same order as one selected afresh.
 */
export function relevanceTier(post: PostState): 0 | 1 | 2 {
  if (post.status !== 'open' || post.body.type !== 'need' || post.body.urgency !== 'urgent') return 2;
  return post.body.groups.length > 0 ? 0 : 1;
}

function compareRelevant(a: PostState, b: PostState): number {
  return relevanceTier(a) - relevanceTier(b) || compareNewest(a, b);
}

const COMPARATORS: Readonly<Record<Exclude<SortOrder, 'nearest'>, (a: PostState, b: PostState) => number>> = {
  relevant: compareRelevant,
  newest: compareNewest,
  urgent: compareUrgent,
};

/** Nearest first; posts whose distance is unknown after every known one; then newest first. */
function compareNearest(near: Nearness): (a: PostState, b: PostState) => number {
  return (a, b) => {
    const da = near.distanceOf(a) ?? Number.POSITIVE_INFINITY;
    const db = near.distanceOf(b) ?? Number.POSITIVE_INFINITY;
    return da !== db ? (da < db ? -1 : 1) : compareNewest(a, b);
  };
}

/**
 * The order of the list for a sort; a total order, so every device shows the same list.
 * "Nearest" without a place to measure from is "newest".
 */
export function comparatorFor(sort: SortOrder, near?: Nearness | null): (a: PostState, b: PostState) => number {
  if (sort === 'nearest') return near ? compareNearest(near) : compareNewest;
  return COMPARATORS[sort];
}

/** Whether a post belongs in the list for a query at a given moment. */
export function matches(post: PostState, query: BoardQuery, nowMs: number, near?: Nearness | null): boolean {
  if (!query.showClosed && displayStatus(post, nowMs) !== 'open') return false;
  if (query.types.size > 0 && !query.types.has(post.body.type)) return false;
  if (query.urgency && post.body.urgency !== query.urgency) return false;
  if (query.group && !post.body.groups.includes(query.group)) return false;
  if (query.item && !mentionsItem(post, query.item)) return false;
  if (query.text && !matchesQuery(searchTextOf(post.body), query.text)) return false;
  if (query.building && placeKey(post.body.where.building) !== placeKey(query.building)) return false;
  if (query.withinM !== null && near && !((near.distanceOf(post) ?? Infinity) <= query.withinM)) return false;
  return true;
}

/** Filters and orders posts for the list. Pure: same posts, query and time give the same list. */
export function selectPosts(
  posts: Iterable<PostState>,
  query: BoardQuery,
  nowMs: number,
  near?: Nearness | null,
): PostState[] {
  const result: PostState[] = [];
  for (const post of posts) if (matches(post, query, nowMs, near)) result.push(post);
  return result.sort(comparatorFor(query.sort, near));
}

/**
 * The list after some posts changed, without re-selecting the others: the changed posts leave
 * the list, and those that still match are merged back in order. Gives what `selectPosts` over
 * every post would, in O(n + k log k) for k changed posts.
 */
export function patchSelection(
  list: readonly PostState[],
  changedIds: Iterable<PostId>,
  lookup: (id: PostId) => PostState | undefined,
  query: BoardQuery,
  nowMs: number,
  near?: Nearness | null,
): PostState[] {
  const compare = comparatorFor(query.sort, near);
  const changed = new Set(changedIds);
  const incoming: PostState[] = [];
  for (const id of changed) {
    const post = lookup(id);
    if (post && matches(post, query, nowMs, near)) incoming.push(post);
  }
  incoming.sort(compare);
  const result: PostState[] = [];
  let next = 0;
  for (const post of list) {
    if (changed.has(post.id)) continue;
    while (next < incoming.length && compare(incoming[next]!, post) < 0) result.push(incoming[next++]!);
    result.push(post);
  }
  while (next < incoming.length) result.push(incoming[next++]!);
  return result;
}

function mentionsItem(post: PostState, item: CatalogueId): boolean {
  return post.body.items.some((l) => l.item === item) || (post.body.wants ?? []).some((l) => l.item === item);
}

/** Milliseconds since a post was published. */
export function ageMs(post: PostState, nowMs: number): number {
  return Math.max(0, nowMs - hlcMs(post.at));
}

/** Whether the post was renewed after it was published: its card then says "renewed … ago". */
export function wasRenewed(post: PostState): boolean {
  return post.activeSinceMs > hlcMs(post.at);
}

/** Every catalogue id, for filter menus. */
export const FILTERABLE_ITEMS: readonly CatalogueId[] = CATALOGUE.map((i) => i.id);
