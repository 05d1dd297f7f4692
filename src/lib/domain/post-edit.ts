import type { EditBody } from './kinds/edit.ts';
import type { ItemLine, PostBody } from './kinds/post.ts';
import { emptyItem, type ItemDraft, type PostDraft } from './post-draft.ts';

// NOTE: apart from post-draft.ts, so that only the post form (loaded when opened) carries it.

/** The form filled in with what a post says, for its author to edit. */
export function draftOfPost(body: PostBody): PostDraft {
  const row = (line: ItemLine): ItemDraft => ({ item: line.item, qty: line.qty, text: line.text ?? '' });
  return {
    type: body.type,
    items: body.items.map(row),
    wants: body.wants?.map(row) ?? [emptyItem()],
    urgency: body.urgency,
    groups: [...body.groups],
    building: body.where.building,
    note: body.note,
    medicineExpiry: body.medicineExpiry ?? '',
    behalf: body.behalf === true,
  };
}

/** The editable fields of a post's body, as an edit carries them. */
export function editOf(body: PostBody): Omit<EditBody, 'post'> {
  const { items, wants, where, note, medicineExpiry } = body;
  return {
    items,
    where,
    note,
    ...(wants !== undefined ? { wants } : {}),
    ...(medicineExpiry !== undefined ? { medicineExpiry } : {}),
  };
}
