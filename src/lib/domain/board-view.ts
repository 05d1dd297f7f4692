import { CATALOGUE, type CatalogueId } from './catalogue.ts';
import type { PostState } from './fold.ts';
import { hlcMs } from './hlc.ts';
import type { PostType, Urgency, VulnerableGroup } from './records.ts';
import { matchesQuery, searchTextOf } from './search.ts';

const HOUR = 3_600_000;

/** How long a post stays open without being renewed. */
export const EXPIRY_MS: Readonly<Record<Urgency, number>> = {
  urgent: 24 * HOUR,
  soon: 3 * 24 * HOUR,
  stocking: 7 * 24 * HOUR,
};

export type DisplayStatus = 'open' | 'expired' | 'resolved' | 'withdrawn';

/** When an open post stops being shown as open. */
export function expiresAtMs(post: PostState): number {
  return post.activeSinceMs + EXPIRY_MS[post.body.urgency];
}

/** The status a resident sees at a given moment, expiry included. */
export function displayStatus(post: PostState, nowMs: number): DisplayStatus {
  if (post.status !== 'open') return post.status;
  return nowMs >= expiresAtMs(post) ? 'expired' : 'open';
}

/** The author should be asked "Still needed?" once the post has expired or is about to. */
export function needsRenewal(post: PostState, nowMs: number): boolean {
  if (post.status !== 'open') return false;
  const remaining = expiresAtMs(post) - nowMs;
  return remaining <= EXPIRY_MS[post.body.urgency] / 8;
}

/** How long closed posts stay in the live square unless the founder sets otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;
const DAY = 24 * HOUR;

/** When a post closed: resolved or withdrawn at its last update, or expired at its expiry. */
export function closedAtMs(post: PostState, nowMs: number): number | null {
  switch (displayStatus(post, nowMs)) {
    case 'open':
      return null;
    case 'expired':
      return expiresAtMs(post);
    default:
      return post.lastActivityMs;
  }
}

/**
 * Whether a post has been closed for longer than the retention period, so every device drops
 * it from the live square. Same records and time give the same answer on every device.
 */
export function pastRetention(post: PostState, nowMs: number, retentionDays = DEFAULT_RETENTION_DAYS): boolean {
  const closed = closedAtMs(post, nowMs);
  return closed !== null && nowMs - closed > retentionDays * DAY;
}

export const SORTS = ['newest', 'urgent'] as const;
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
}

export const DEFAULT_QUERY: BoardQuery = {
  sort: 'newest',
  types: new Set(),
  item: '',
  urgency: '',
  group: '',
  text: '',
  showClosed: false,
};

const URGENCY_RANK: Readonly<Record<Urgency, number>> = { urgent: 0, soon: 1, stocking: 2 };

/** Sort key for "Most urgent": urgency, then needs before offers, then vulnerable people first. */
function urgencyKey(post: PostState): readonly number[] {
  return [URGENCY_RANK[post.body.urgency], post.body.type === 'need' ? 0 : 1, post.body.groups.length > 0 ? 0 : 1];
}

/** Newest first; ties broken by id so every peer shows the same order. */
function compareNewest(a: PostState, b: PostState): number {
  if (a.at !== b.at) return a.at > b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function compareUrgent(a: PostState, b: PostState): number {
  const ka = urgencyKey(a);
  const kb = urgencyKey(b);
  for (let i = 0; i < ka.length; i++) {
    const d = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (d !== 0) return d;
  }
  return compareNewest(a, b);
}

/** Filters and orders posts for the list. Pure: same posts, query and time give the same list. */
export function selectPosts(posts: Iterable<PostState>, query: BoardQuery, nowMs: number): PostState[] {
  const result: PostState[] = [];
  for (const post of posts) {
    if (!query.showClosed && displayStatus(post, nowMs) !== 'open') continue;
    if (query.types.size > 0 && !query.types.has(post.body.type)) continue;
    if (query.urgency && post.body.urgency !== query.urgency) continue;
    if (query.group && !post.body.groups.includes(query.group)) continue;
    if (query.item && !mentionsItem(post, query.item)) continue;
    if (query.text && !matchesQuery(searchTextOf(post.body), query.text)) continue;
    result.push(post);
  }
  return result.sort(query.sort === 'urgent' ? compareUrgent : compareNewest);
}

function mentionsItem(post: PostState, item: CatalogueId): boolean {
  return post.body.items.some((l) => l.item === item) || (post.body.wants ?? []).some((l) => l.item === item);
}

/** Milliseconds since a post was published. */
export function ageMs(post: PostState, nowMs: number): number {
  return Math.max(0, nowMs - hlcMs(post.at));
}

/** Every catalogue id, for filter menus. */
export const FILTERABLE_ITEMS: readonly CatalogueId[] = CATALOGUE.map((i) => i.id);
