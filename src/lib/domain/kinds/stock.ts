import * as v from 'valibot';
import { CATALOGUE_IDS } from '../catalogue.ts';
import { HOUR_MS } from '../limits.ts';
import { ALLOWED, refused } from '../reasons.ts';
import { LIMITS } from './field-limits.ts';
import { nameText, text } from './fields.ts';
import type { KindRule } from './kind.ts';
import { VULNERABLE_GROUPS } from './post.ts';
import type { Hlc } from '../hlc.ts';
import type { AuthorKey, RecordId } from '../ids.ts';
import { placeKey } from './site.ts';

/** Bounds on stock offers every device enforces, so one record cannot bloat every device. */
export const STOCK_LIMITS = {
  /** The most one offer may hand out (a volunteer's). */
  total: 100_000,
  /** The most a resident (not a volunteer) may offer at once: residents offer smaller lots. */
  residentLot: 20,
  slots: 20,
  /** Households one pickup slot (or delivery) may serve. */
  capacity: 5_000,
  /** Claims one draw may list: its record stays a few hundred kilobytes. */
  claims: 10_000,
  /** The longest claim window. */
  windowMs: 7 * 24 * HOUR_MS,
  /** The longest rolling window a per-household limit may span across offers. */
  rollingHours: 7 * 24,
} as const;

/** Milliseconds since the epoch, as a whole number. */
export const epochMs = v.pipe(v.number('invalid'), v.integer('invalid'), v.minValue(0, 'invalid'));
const count = (max: number, min = 1) =>
  v.pipe(v.number('invalid'), v.integer('invalid'), v.minValue(min, 'required'), v.maxValue(max, 'too-large'));

/** A seed's commitment: SHA-256 of the seed's text, in lowercase hex. */
export const SEED_HASH_PATTERN = /^[0-9a-f]{64}$/;

const SlotSchema = v.pipe(
  v.strictObject({
    /** A pickup point of the site, by name. */
    point: nameText(LIMITS.building),
    start: epochMs,
    end: epochMs,
    capacity: count(STOCK_LIMITS.capacity),
  }),
  v.check((slot) => slot.end > slot.start, 'bad-window'),
);
export type PickupSlot = v.InferOutput<typeof SlotSchema>;

export const StockBodySchema = v.pipe(
  v.strictObject({
    item: v.picklist(CATALOGUE_IDS),
    /** What exactly (required for "other"). */
    text: v.optional(text(LIMITS.itemText)),
    total: count(STOCK_LIMITS.total),
    perHousehold: count(STOCK_LIMITS.total),
    /** The household limit holds across this item's offers whose windows closed within these hours. */
    rollingHours: count(STOCK_LIMITS.rollingHours),
    opens: epochMs,
    closes: epochMs,
    slots: v.pipe(v.array(SlotSchema), v.minLength(1, 'required'), v.maxLength(STOCK_LIMITS.slots, 'too-long')),
    /** Households a volunteer can deliver to (elderly, ill, disabled); 0 for none. */
    delivery: count(STOCK_LIMITS.capacity, 0),
    /** Groups served first, in this order. */
    priority: v.pipe(
      v.array(v.picklist(VULNERABLE_GROUPS)),
      v.check((groups) => new Set(groups).size === groups.length, 'duplicate-group'),
    ),
    /** SHA-256 of the seed the organiser reveals when the window closes. */
    commit: v.pipe(v.string(), v.regex(SEED_HASH_PATTERN, 'invalid')),
  }),
  v.check((offer) => offer.perHousehold <= offer.total, 'household-limit'),
  v.check((offer) => offer.closes > offer.opens && offer.closes - offer.opens <= STOCK_LIMITS.windowMs, 'bad-window'),
  v.check((offer) => offer.item !== 'other' || (offer.text ?? '').length > 0, 'describe-other'),
);
export type StockBody = v.InferOutput<typeof StockBodySchema>;

/** What the rules about claims, draws and handovers need to know of an offer. */
export interface StockSubject {
  readonly id: RecordId;
  readonly author: AuthorKey;
  readonly body: StockBody;
}

/** What a stock offer is judged with: the site that counts (fold/site.ts), when it was drawn and its pickup points. */
export interface StockSite {
  readonly at: Hlc;
  readonly body: { readonly points: readonly { readonly name: string }[] };
}

/** Whether a pickup point of a slot is one of the site's (names compared as the site compares them). */
export function onSite(point: string, points: readonly { readonly name: string }[]): boolean {
  const key = placeKey(point);
  return points.some((p) => placeKey(p.name) === key);
}

/**
 * A stock offer ("Pin stock"): an item, how many, how many per household, a claim window,
 * pickup slots at the site's pickup points and a commitment to the seed of its draw. Volunteers
 * and the founder pin any lot; a resident only a small one. NOTE: stock records are about no post
 * (subjectOf is null), so retention keeps them as it keeps the site; the offer a claim names is
 * in its body.
 *
 * NOTE: by design, an offer whose pickup point a later site no longer has still counts (its
 * claims and draw stand, and the slot says the point is no longer on the map): every device keeps
 * only the latest site (fold/site.ts), so none can tell what the map held when the offer was
 * signed. An offer signed after the site that counts must name its points.
 */
export const stockKind: KindRule<StockBody, StockSite> = {
  subjectOf: () => null,
  authorise: (record, site, authority) => {
    if (!authority.canModerate(record.author) && record.body.total > STOCK_LIMITS.residentLot)
      return refused('lot-too-large');
    if (record.body.slots.every((slot) => onSite(slot.point, site?.body.points ?? []))) return ALLOWED;
    return site !== undefined && site.at > record.at ? ALLOWED : refused('unknown-point');
  },
};
