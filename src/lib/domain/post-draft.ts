import * as v from 'valibot';
import { assert } from './assert.ts';
import { CATALOGUE_IDS, catalogueItem, checkQuantity, REFUSE_FACTOR, type CatalogueId } from './catalogue.ts';
import { LIMITS } from './kinds/field-limits.ts';
import {
  POST_TYPES,
  URGENCIES,
  VULNERABLE_GROUPS,
  type ItemLine,
  type PostBody,
  type PostType,
  type Urgency,
  type VulnerableGroup,
} from './kinds/post.ts';

/** One item row of the post form, as typed; '' until the resident picks the item. */
export interface ItemDraft {
  item: CatalogueId | '';
  qty: number | null;
  text: string;
}

/** The post form's contents before they become a record body. */
export interface PostDraft {
  type: PostType;
  items: ItemDraft[];
  wants: ItemDraft[];
  urgency: Urgency;
  groups: VulnerableGroup[];
  /** The post's public place: a building only (a floor or flat is shared in a message). */
  building: string;
  note: string;
  medicineExpiry: string;
  /** Posted for a neighbour without a phone. */
  behalf: boolean;
}

/** A fresh form: one row with no item picked yet, quantity 1, the resident's building. */
export function emptyDraft(building = ''): PostDraft {
  return {
    type: 'need',
    items: [emptyItem()],
    wants: [emptyItem()],
    urgency: 'soon',
    groups: [],
    building,
    note: '',
    medicineExpiry: '',
    behalf: false,
  };
}

export function emptyItem(): ItemDraft {
  return { item: '', qty: 1, text: '' };
}

/** What is wrong with an item row, if anything; 'over' only warns, the rest block publishing. */
export type LineProblem =
  | { readonly kind: 'over'; readonly max: number }
  | { readonly kind: 'refused'; readonly limit: number }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'describe' }
  | { readonly kind: 'choose' };

export function lineProblem(line: ItemDraft): LineProblem | null {
  if (line.item === '') return { kind: 'choose' };
  if (line.qty === null || !Number.isInteger(line.qty) || line.qty < 1) return { kind: 'invalid' };
  if (line.item === 'other' && line.text.trim() === '') return { kind: 'describe' };
  const { suggestedMax } = catalogueItem(line.item);
  switch (checkQuantity(line.item, line.qty)) {
    case 'refused':
      return { kind: 'refused', limit: suggestedMax * REFUSE_FACTOR };
    case 'over-suggestion':
      return { kind: 'over', max: suggestedMax };
    case 'ok':
      return null;
  }
}

/** True when no row has a problem that blocks publishing. */
export function draftPublishable(draft: PostDraft): boolean {
  const rows = draft.type === 'swap' ? [...draft.items, ...draft.wants] : draft.items;
  return rows.every((line) => {
    const problem = lineProblem(line);
    return problem === null || problem.kind === 'over';
  });
}

function toLine(line: ItemDraft): ItemLine {
  assert(line.item !== '', 'a publishable draft has every item picked');
  const text = line.text.trim();
  return line.item === 'other' && text
    ? { item: line.item, qty: line.qty ?? 0, text }
    : { item: line.item, qty: line.qty ?? 0 };
}

/** The record body for a draft (checked again by the record schema before signing). */
export function draftToBody(draft: PostDraft): PostBody {
  const body: PostBody = {
    type: draft.type,
    items: draft.items.map(toLine),
    urgency: draft.urgency,
    groups: [...draft.groups],
    // NOTE: by design the public place carries no floor; the field stays in the schema for posts signed before.
    where: { building: draft.building.trim(), floor: '' },
    note: draft.note.trim(),
  };
  if (draft.type === 'swap') body.wants = draft.wants.map(toLine);
  if (draft.type !== 'need' && draft.medicineExpiry) body.medicineExpiry = draft.medicineExpiry;
  if (draft.behalf) body.behalf = true;
  return body;
}

const ItemDraftSchema = v.object({
  item: v.picklist([...CATALOGUE_IDS, ''] as const),
  qty: v.nullable(v.number()),
  text: v.pipe(v.string(), v.maxLength(LIMITS.note)),
});
const DraftSchema = v.object({
  type: v.picklist(POST_TYPES),
  items: v.pipe(v.array(ItemDraftSchema), v.minLength(1), v.maxLength(50)),
  wants: v.pipe(v.array(ItemDraftSchema), v.minLength(1), v.maxLength(50)),
  urgency: v.picklist(URGENCIES),
  groups: v.array(v.picklist(VULNERABLE_GROUPS)),
  building: v.pipe(v.string(), v.maxLength(LIMITS.building)),
  note: v.pipe(v.string(), v.maxLength(LIMITS.note)),
  medicineExpiry: v.string(),
  // Drafts kept before "on behalf of a neighbour" came have no such field.
  behalf: v.optional(v.boolean(), false),
});

/** A draft kept on this device (unknown until checked), or null if it is not one. */
export function parseDraft(input: unknown): PostDraft | null {
  const parsed = v.safeParse(DraftSchema, input);
  return parsed.success ? parsed.output : null;
}

/** Whether a draft holds anything the resident typed or chose: an untouched form is not worth keeping. */
export function isUntouched(draft: PostDraft): boolean {
  return JSON.stringify(draft) === JSON.stringify(emptyDraft(draft.building));
}
