import * as v from 'valibot';
import { CATALOGUE_IDS, checkQuantity } from '../catalogue.ts';
import { LIMITS } from './field-limits.ts';
import { ruled, text } from './fields.ts';
import { lineKey, POST_TYPES, postShape, URGENCIES, VULNERABLE_GROUPS } from './post.ts';

// The body schema of a post (kinds/post.ts holds its rule).

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

/** Where a post's things are: building and floor. */
export const WhereSchema = v.strictObject({ building: text(LIMITS.building), floor: text(LIMITS.floor) });

/** A calendar date, YYYY-MM-DD. */
export const DateSchema = v.pipe(v.string(), v.regex(DATE_PATTERN));

const PostFieldsSchema = v.strictObject({
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
});

export const PostBodySchema = v.pipe(PostFieldsSchema, ruled<v.InferOutput<typeof PostFieldsSchema>>(postShape));

export type ItemLine = v.InferOutput<typeof ItemLineSchema>;
export type PostBody = v.InferOutput<typeof PostBodySchema>;
