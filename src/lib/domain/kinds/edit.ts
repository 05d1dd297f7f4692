import * as v from 'valibot';
import { checkWith } from '../envelope.ts';
import { refused } from '../reasons.ts';
import { LIMITS, recordRef, text } from './fields.ts';
import type { KindSpec } from './kind.ts';
import {
  byPostAuthor,
  DateSchema,
  ItemListSchema,
  PostBodySchema,
  postKind,
  WhereSchema,
  type PostBody,
  type PostSubject,
} from './post.ts';

export const EditBodySchema = v.strictObject({
  post: recordRef,
  items: ItemListSchema,
  wants: v.optional(ItemListSchema),
  where: WhereSchema,
  note: text(LIMITS.note),
  medicineExpiry: v.optional(DateSchema),
});
export type EditBody = v.InferOutput<typeof EditBodySchema>;

/** What an edit is judged against: the post's author and what the post says. */
export interface EditSubject extends PostSubject {
  readonly body: PostBody;
}

/**
 * A post's body with an edit applied. What the post is (need, offer or swap; urgency; who it
 * is for; on whose behalf) stays; its items, place, note and medicine expiry are the edit's, whole,
 * so the latest edit alone decides them, whatever edits came before.
 */
export function editedBody(post: PostBody, edit: EditBody): PostBody {
  const { post: _post, ...fields } = edit;
  const { wants: _wants, medicineExpiry: _expiry, items: _items, where: _where, note: _note, ...kept } = post;
  return { ...kept, ...fields };
}

/**
 * The author changes a post's items, quantities, place or note (kind `edit`, so a version that
 * does not know it keeps it rather than dropping an update it cannot read). Judged by the same
 * rules as a new post: the edited post must be one its author could publish at the edit's time.
 */
export const editKind: KindSpec<EditBody, EditSubject> = {
  body: EditBodySchema,
  subjectOf: (record) => record.body.post,
  authorise: (record, post, authority) => {
    const author = byPostAuthor(record, post);
    if (!author.ok || post === undefined) return author;
    const body = checkWith(PostBodySchema, editedBody(post.body, record.body));
    if (!body.ok) return refused(body.reason);
    return postKind.authorise({ author: record.author, at: record.at, body: body.value }, undefined, authority);
  },
};
