import type { EditBody } from './edit-body.ts';
import type { KindRule } from './kind.ts';
import { byPostAuthor, postKind, postShape, type PostBody, type PostSubject } from './post.ts';

export type { EditBody } from './edit-body.ts';

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
export const editKind: KindRule<EditBody, EditSubject> = {
  subjectOf: (record) => record.body.post,
  authorise: (record, post, authority) => {
    const author = byPostAuthor(record, post);
    if (!author.ok || post === undefined) return author;
    // NOTE: each field is the post's or the edit's, both checked by their schemas: what an edit
    // can break is only the rules between fields.
    const body = editedBody(post.body, record.body);
    const shape = postShape(body);
    if (!shape.ok) return shape;
    return postKind.authorise({ author: record.author, at: record.at, body }, undefined, authority);
  },
};
