import type { PostState } from './fold/posts.ts';
import { distanceM } from './geo.ts';
import { lineKey as itemKey, type ItemLine } from './kinds/post.ts';
import { placeKey } from './kinds/site.ts';
import type { BuildingCentres } from './places.ts';

/** What a post asks for: a need's items, a swap's wants. */
function wanted(post: PostState): readonly ItemLine[] {
  if (post.body.type === 'need') return post.body.items;
  return post.body.wants ?? [];
}

/** What a post gives: an offer's items, a swap's items. */
function given(post: PostState): readonly ItemLine[] {
  return post.body.type === 'need' ? [] : post.body.items;
}

/** Open posts by the items they give and by the items they want, built once per board change. */
export interface MatchIndex {
  readonly giving: ReadonlyMap<string, readonly PostState[]>;
  readonly wanting: ReadonlyMap<string, readonly PostState[]>;
}

/** Indexes the posts that are open (`isOpen`: not expired, resolved or closed by a volunteer). */
export function matchIndex(posts: Iterable<PostState>, isOpen: (post: PostState) => boolean): MatchIndex {
  const giving = new Map<string, PostState[]>();
  const wanting = new Map<string, PostState[]>();
  const put = (map: Map<string, PostState[]>, key: string, post: PostState) => {
    const list = map.get(key);
    if (list) list.push(post);
    else map.set(key, [post]);
  };
  for (const post of posts) {
    if (!isOpen(post)) continue;
    for (const line of given(post)) put(giving, itemKey(line), post);
    for (const line of wanted(post)) put(wanting, itemKey(line), post);
  }
  return { giving, wanting };
}

/** A post that matches another, and how far apart their buildings are (undefined if unknown). */
export interface Match {
  readonly post: PostState;
  readonly distanceM: number | undefined;
}

/**
 * The open posts that answer one: for a need (or what a swap wants), the offers and swaps giving
 * the same item; for an offer (or what a swap gives), the needs and swaps wanting it. Never the
 * author's own. Nearest building first (unknown distances last), then the newest.
 */
export function matchesFor(post: PostState, index: MatchIndex, centres: BuildingCentres): Match[] {
  const found = new Map<string, PostState>();
  for (const line of wanted(post)) for (const p of index.giving.get(itemKey(line)) ?? []) found.set(p.id, p);
  for (const line of given(post)) for (const p of index.wanting.get(itemKey(line)) ?? []) found.set(p.id, p);
  const from = centres.get(placeKey(post.body.where.building));
  const matches: Match[] = [];
  for (const p of found.values()) {
    if (p.author === post.author || p.id === post.id) continue;
    const to = centres.get(placeKey(p.body.where.building));
    matches.push({ post: p, distanceM: from && to ? distanceM(from, to) : undefined });
  }
  return matches.sort(nearestThenNewest);
}

function nearestThenNewest(a: Match, b: Match): number {
  const da = a.distanceM ?? Number.POSITIVE_INFINITY;
  const db = b.distanceM ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  if (a.post.activeSinceMs !== b.post.activeSinceMs) return b.post.activeSinceMs - a.post.activeSinceMs;
  return a.post.id < b.post.id ? -1 : 1;
}
