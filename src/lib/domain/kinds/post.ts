import * as v from 'valibot';
import { isoDateOfMs } from '../calendar.ts';
import { CATALOGUE_IDS, checkQuantity, MEDICINE_IDS } from '../catalogue.ts';
import { hlcMs } from '../hlc.ts';
import type { AuthorKey } from '../ids.ts';
import { ALLOWED, refused, type Verdict } from '../reasons.ts';
import { LIMITS, text } from './fields.ts';
import type { KindSpec } from './kind.ts';

export const POST_TYPES = ['need', 'offer', 'swap'] as const;
export type PostType = (typeof POST_TYPES)[number];

export const URGENCIES = ['urgent', 'soon', 'stocking'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const VULNERABLE_GROUPS = ['pregnant', 'child', 'elderly', 'chronic', 'disability'] as const;
export type VulnerableGroup = (typeof VULNERABLE_GROUPS)[number];

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

const ItemLineSchema = v.pipe(
  v.strictObject({
    item: v.picklist(CATALOGUE_IDS),
    qty: v.pipe(v.number(), v.integer(), v.minValue(1, 'required')),
    text: v.optional(text(LIMITS.itemText)),
  }),
  v.check((line) => checkQuantity(line.item, line.qty) !== 'refused', 'quantity-refused'),
  v.check((line) => line.item !== 'other' || (line.text ?? '').length > 0, 'describe-other'),
);
/** A post's list of items: at least one, each item once. */
export const ItemListSchema = v.pipe(
  v.array(ItemLineSchema),
  v.minLength(1, 'required'),
  v.maxLength(LIMITS.itemsPerPost, 'too-long'),
  // One item at most once per post: three rows of "Antigen × 6" would give 18 against a cap of 6.
  v.check((lines) => new Set(lines.map(lineKey)).size === lines.length, 'duplicate-item'),
);

/** What makes two lines the same item: the catalogue id, or an "other" item's description. */
export function lineKey(line: { item: string; text?: string | undefined }): string {
  return line.item === 'other' ? `other:${(line.text ?? '').toLowerCase()}` : line.item;
}

/** Where a post's things are: building and floor. */
export const WhereSchema = v.strictObject({ building: text(LIMITS.building), floor: text(LIMITS.floor) });

/** A calendar date, YYYY-MM-DD. */
export const DateSchema = v.pipe(v.string(), v.regex(DATE_PATTERN));

export const PostBodySchema = v.pipe(
  v.strictObject({
    type: v.picklist(POST_TYPES),
    items: ItemListSchema,
    wants: v.optional(ItemListSchema),
    urgency: v.picklist(URGENCIES),
    groups: v.pipe(
      v.array(v.picklist(VULNERABLE_GROUPS)),
      v.check((groups) => new Set(groups).size === groups.length, 'duplicate-group'),
    ),
    where: WhereSchema,
    note: text(LIMITS.note),
    medicineExpiry: v.optional(DateSchema),
    /**
     * Posted for a neighbour without a phone, named on the note's first line for volunteers.
     * NOTE: the note travels like any note; the UI shows its first line only to volunteers and the author.
     */
    behalf: v.optional(v.literal(true)),
  }),
  v.check((post) => (post.type === 'swap') === (post.wants !== undefined), 'swap-wants'),
  v.check((post) => post.type !== 'need' || post.medicineExpiry === undefined, 'need-expiry'),
);

export type ItemLine = v.InferOutput<typeof ItemLineSchema>;
export type PostBody = v.InferOutput<typeof PostBodySchema>;

/** Whether a post gives away medicine (an offer, or what a swap gives). */
export function offersMedicine(post: PostBody): boolean {
  return post.type !== 'need' && post.items.some((line) => MEDICINE_IDS.has(line.item));
}

/**
 * A post made for a neighbour without a phone, split into the private first line of its note
 * (who it is for, for volunteers) and the rest, which everyone reads. Other posts: all public.
 */
export function behalfNote(post: PostBody): { readonly name: string; readonly rest: string } {
  if (post.behalf !== true) return { name: '', rest: post.note };
  const end = post.note.indexOf('\n');
  return end < 0
    ? { name: post.note, rest: '' }
    : { name: post.note.slice(0, end).trim(), rest: post.note.slice(end + 1).trim() };
}

/**
 * A need, an offer or a swap: its own subject, which updates refer to. Anyone who holds the link
 * may post; how many posts each key may have open is judged over all its posts (domain/limits.ts).
 */
export const postKind: KindSpec<PostBody, never> = {
  body: PostBodySchema,
  subjectOf: (record) => record.id,
  authorise: (record) => {
    // Offered medicine must not be past its date on the day it is offered.
    if (!offersMedicine(record.body)) return ALLOWED;
    const expiry = record.body.medicineExpiry;
    return expiry !== undefined && expiry > isoDateOfMs(hlcMs(record.at)) ? ALLOWED : refused('medicine-expiry');
  },
};

/** What a rule about a post needs to know of it. */
export interface PostSubject {
  readonly author: AuthorKey;
}

/** The rule for records about a post: only its author may write them (volunteers join with roles). */
export function byPostAuthor(record: { readonly author: AuthorKey }, post: PostSubject | undefined): Verdict {
  if (post === undefined) return refused('unknown-post');
  return record.author === post.author ? ALLOWED : refused('not-author');
}
