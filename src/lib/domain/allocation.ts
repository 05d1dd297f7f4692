import type { AuthorKey, RecordId } from './ids.ts';
import type { VulnerableGroup } from './kinds/post.ts';
import { sha256Hex } from './sha256.ts';

/** What the draw needs to know of an offer. */
export interface DrawOffer {
  readonly total: number;
  readonly slots: readonly { readonly capacity: number }[];
  /** Households a volunteer can deliver to. */
  readonly delivery: number;
  /** Groups served first, in this order. */
  readonly priority: readonly VulnerableGroup[];
}

/** What the draw needs to know of a claim. */
export interface DrawClaim {
  readonly id: RecordId;
  readonly author: AuthorKey;
  readonly qty: number;
  readonly groups: readonly VulnerableGroup[];
  /** Slots the household can come to, by index, most wanted first. */
  readonly slots: readonly number[];
  readonly delivery: boolean;
}

/** Where a winner collects: a slot's index, or delivery by a volunteer. */
export type Place = number | 'delivery';

/** A winner's place and how many they receive. */
export interface Award {
  readonly place: Place;
  readonly qty: number;
}

export interface Allocation {
  /** Every claim that took part, in draw order (priority class, then the seeded order). */
  readonly order: readonly RecordId[];
  readonly awards: ReadonlyMap<RecordId, Award>;
  /** Claims still waiting for a place, first to move up first. */
  readonly waitList: readonly RecordId[];
}

export interface AllocationOptions {
  /** Claims declined or released: their place goes to the wait list. */
  readonly gone: ReadonlySet<RecordId>;
  /** How many this household may still receive from this offer (its limit across offers). */
  readonly allowance: (author: AuthorKey) => number;
  /** The seeded key of a household (`rankKey`); a fold that settles often passes a memoised one. */
  readonly rankKey?: (seed: string, author: AuthorKey) => string;
}

/** A household's place in the seeded order: SHA-256 of the seed and its key, in hex. */
export function rankKey(seed: string, author: AuthorKey): string {
  return sha256Hex(`${seed}:${author}`);
}

/** A claim's priority class: the first of the offer's groups it declares, else after all of them. */
export function priorityClass(claim: Pick<DrawClaim, 'groups'>, priority: readonly VulnerableGroup[]): number {
  const classes = claim.groups.map((group) => priority.indexOf(group)).filter((i) => i >= 0);
  return classes.length > 0 ? Math.min(...classes) : priority.length;
}

/**
 * The order of a draw: priority classes first, then SHA-256 of the seed and the household's key,
 * then the claim id. Nobody can aim for a good rank before the seed is revealed, and nobody can
 * change the order once it is: the same on every device, whatever order claims arrived in.
 */
export function drawOrder<C extends DrawClaim>(
  seed: string,
  claims: readonly C[],
  priority: readonly VulnerableGroup[],
  keyOf: (seed: string, author: AuthorKey) => string = rankKey,
): C[] {
  const keyed = claims.map((claim) => ({
    claim,
    rank: priorityClass(claim, priority),
    key: keyOf(seed, claim.author),
  }));
  keyed.sort((a, b) =>
    a.rank !== b.rank
      ? a.rank - b.rank
      : a.key !== b.key
        ? a.key < b.key
          ? -1
          : 1
        : a.claim.id < b.claim.id
          ? -1
          : a.claim.id > b.claim.id
            ? 1
            : 0,
  );
  return keyed.map((k) => k.claim);
}

/** Capacity and stock left while places are handed out. */
class Places {
  readonly #slots: number[];
  #delivery: number;
  stock: number;

  constructor(offer: DrawOffer) {
    this.#slots = offer.slots.map((slot) => slot.capacity);
    this.#delivery = offer.delivery;
    this.stock = offer.total;
  }

  /** The first place the claim accepts that has room, taking it; undefined if none. */
  take(claim: DrawClaim): Place | undefined {
    if (claim.delivery) {
      if (this.#delivery <= 0) return undefined;
      this.#delivery--;
      return 'delivery';
    }
    const slot = claim.slots.find((i) => (this.#slots[i] ?? 0) > 0);
    if (slot === undefined) return undefined;
    this.#slots[slot]!--;
    return slot;
  }

  /** Takes a place a winner keeps. */
  keep(place: Place, qty: number): void {
    if (place === 'delivery') this.#delivery--;
    else this.#slots[place]!--;
    this.stock -= qty;
  }
}

/**
 * The draw over an offer's valid claims with its revealed seed. First every claim, in draw
 * order, takes the first place it accepts that has room while stock lasts (the draw as revealed).
 * Then winners who declined or missed their slot leave, keeping everyone else's place, and their
 * places go to the wait list in draw order. Capacity and stock are never exceeded; a household
 * gets at most its allowance. Pure: the same claims, seed and handovers give the same result.
 */
export function allocate(
  offer: DrawOffer,
  seed: string,
  claims: readonly DrawClaim[],
  { gone, allowance, rankKey: keyOf = rankKey }: AllocationOptions,
): Allocation {
  const wants = new Map<RecordId, number>();
  for (const claim of claims) wants.set(claim.id, Math.min(claim.qty, allowance(claim.author)));
  const ordered = drawOrder(seed, claims, offer.priority, keyOf).filter((claim) => (wants.get(claim.id) ?? 0) > 0);

  const fill = (candidates: readonly DrawClaim[], places: Places, awards: Map<RecordId, Award>) => {
    for (const claim of candidates) {
      if (places.stock <= 0) break;
      const place = places.take(claim);
      if (place === undefined) continue;
      const qty = Math.min(wants.get(claim.id) ?? 0, places.stock);
      places.stock -= qty;
      awards.set(claim.id, { place, qty });
    }
  };

  const drawn = new Map<RecordId, Award>();
  fill(ordered, new Places(offer), drawn);

  const places = new Places(offer);
  const awards = new Map<RecordId, Award>();
  for (const claim of ordered) {
    const award = drawn.get(claim.id);
    if (award === undefined || gone.has(claim.id)) continue;
    places.keep(award.place, award.qty);
    awards.set(claim.id, award);
  }
  fill(
    ordered.filter((claim) => !drawn.has(claim.id) && !gone.has(claim.id)),
    places,
    awards,
  );
  const waitList = ordered.filter((claim) => !awards.has(claim.id) && !gone.has(claim.id)).map((c) => c.id);
  return { order: ordered.map((claim) => claim.id), awards, waitList };
}
