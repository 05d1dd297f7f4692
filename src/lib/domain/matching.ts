import type { PostState } from './fold/post-state.ts';
import type { OfferState } from './fold/stock.ts';
import { distanceM, type LngLat } from './geo.ts';
import type { AuthorKey, PostId } from './ids.ts';
import { lineKey as itemKey, type ItemLine } from './kinds/post.ts';
import { placeKey } from './kinds/site.ts';
import type { BuildingCentres, PickupPoints } from './places.ts';

/** What a post asks for: a need's items, a swap's wants. */
function wanted(post: PostState): readonly ItemLine[] {
  if (post.body.type === 'need') return post.body.items;
  return post.body.wants ?? [];
}

/** What a post gives: an offer's items, a swap's items. */
function given(post: PostState): readonly ItemLine[] {
  return post.body.type === 'need' ? [] : post.body.items;
}

/**
 * Whether a stock offer can still answer a need: its claim window has not closed yet, or it
 * still has stock in hand (not all of it handed over).
 */
export function stockIsOpen(offer: OfferState, nowMs: number): boolean {
  return nowMs <= offer.body.closes || offer.numbers.left > 0;
}

/** Open posts by the items they give and want, and open stock offers by item, built once per board change. */
export interface MatchIndex {
  readonly giving: ReadonlyMap<string, readonly PostState[]>;
  readonly wanting: ReadonlyMap<string, readonly PostState[]>;
  readonly stock: ReadonlyMap<string, readonly OfferState[]>;
}

/**
 * Indexes the posts that are open (`isOpen`: not expired, resolved or closed by a volunteer)
 * and the stock offers that are open at `nowMs` (`stockIsOpen`).
 */
export function matchIndex(
  posts: Iterable<PostState>,
  isOpen: (post: PostState) => boolean,
  offers: Iterable<OfferState>,
  nowMs: number,
): MatchIndex {
  const giving = new Map<string, PostState[]>();
  const wanting = new Map<string, PostState[]>();
  const stock = new Map<string, OfferState[]>();
  const put = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const post of posts) {
    if (!isOpen(post)) continue;
    for (const line of given(post)) put(giving, itemKey(line), post);
    for (const line of wanted(post)) put(wanting, itemKey(line), post);
  }
  for (const offer of offers) if (stockIsOpen(offer, nowMs)) put(stock, itemKey(offer.body), offer);
  return { giving, wanting, stock };
}

/** Where distances are measured: buildings' centres for posts, pickup points for stock. */
export interface MatchPlaces {
  readonly centres: BuildingCentres;
  readonly points: PickupPoints;
}

/** What every match has, for the one ordering rule: how far (undefined if unknown), since when, which. */
interface Ranked {
  readonly distanceM: number | undefined;
  readonly sinceMs: number;
  readonly id: string;
}

/** A post that matches another. */
export interface PostMatch extends Ranked {
  readonly kind: 'post';
  readonly post: PostState;
}

/** A stock offer that answers a need, with its nearest pickup point on the site (if one is). */
export interface StockMatch extends Ranked {
  readonly kind: 'stock';
  readonly stock: OfferState;
  readonly point: string | undefined;
}

export type Match = PostMatch | StockMatch;

/**
 * What answers a post: for a need (or what a swap wants), the open offers and swaps giving the
 * same item and the open stock offers of it; for an offer (or what a swap gives), the needs and
 * swaps wanting it. Never the author's own. Nearest first (a post by its building, stock by its
 * nearest pickup point on the site; unknown distances last), then the newest.
 */
export function matchesFor(post: PostState, index: MatchIndex, places: MatchPlaces): Match[] {
  const found = new Map<string, PostState>();
  for (const line of wanted(post)) for (const p of index.giving.get(itemKey(line)) ?? []) found.set(p.id, p);
  for (const line of given(post)) for (const p of index.wanting.get(itemKey(line)) ?? []) found.set(p.id, p);
  const from = places.centres.get(placeKey(post.body.where.building));
  const away = (to: LngLat | undefined) => (from && to ? distanceM(from, to) : undefined);
  const matches: Match[] = [];
  for (const p of found.values()) {
    if (p.author === post.author || p.id === post.id) continue;
    const distance = away(places.centres.get(placeKey(p.body.where.building)));
    matches.push({ kind: 'post', post: p, distanceM: distance, sinceMs: p.activeSinceMs, id: p.id });
  }
  const stock = new Map<string, OfferState>();
  for (const line of wanted(post)) for (const offer of index.stock.get(itemKey(line)) ?? []) stock.set(offer.id, offer);
  for (const offer of stock.values()) {
    if (offer.author === post.author) continue;
    matches.push({
      kind: 'stock',
      stock: offer,
      ...nearestPoint(offer, places.points, away),
      sinceMs: offer.body.opens,
      id: offer.id,
    });
  }
  return matches.sort(nearestThenNewest);
}

/** The offer's pickup point nearest to the post, among those the site names. */
function nearestPoint(
  offer: OfferState,
  points: PickupPoints,
  away: (to: LngLat | undefined) => number | undefined,
): { point: string | undefined; distanceM: number | undefined } {
  let best: { point: string | undefined; distanceM: number | undefined } = { point: undefined, distanceM: undefined };
  for (const slot of offer.body.slots) {
    const at = points.get(placeKey(slot.point));
    if (!at) continue;
    const distance = away(at);
    if (best.point === undefined || (distance !== undefined && distance < (best.distanceM ?? Number.POSITIVE_INFINITY)))
      best = { point: slot.point, distanceM: distance };
  }
  return best;
}

function nearestThenNewest(a: Ranked, b: Ranked): number {
  const da = a.distanceM ?? Number.POSITIVE_INFINITY;
  const db = b.distanceM ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  if (a.sinceMs !== b.sinceMs) return b.sinceMs - a.sinceMs;
  return a.id < b.id ? -1 : 1;
}

/** One local notification: a post that arrived and matches one of mine. */
export interface MatchNotice {
  readonly mine: PostId;
  readonly match: PostId;
}

/** The key that makes a notice once per (my post, matching post). */
export const noticeKey = (notice: MatchNotice): string => `${notice.mine} ${notice.match}`;

/**
 * Which notifications to raise: for each of my open posts, the posts matching it that arrived
 * after the page opened (not in `atLoad`), each pair at most once (not in `notified`). Stock
 * offers are not posts that arrive and raise none.
 */
export function matchNotices(
  me: AuthorKey,
  posts: Iterable<PostState>,
  isOpen: (post: PostState) => boolean,
  matchesOf: (post: PostState) => readonly Match[],
  atLoad: ReadonlySet<PostId>,
  notified: ReadonlySet<string>,
): MatchNotice[] {
  const notices: MatchNotice[] = [];
  for (const post of posts) {
    if (post.author !== me || !isOpen(post)) continue;
    for (const match of matchesOf(post)) {
      if (match.kind !== 'post' || atLoad.has(match.post.id)) continue;
      const notice = { mine: post.id, match: match.post.id };
      if (!notified.has(noticeKey(notice))) notices.push(notice);
    }
  }
  return notices;
}
