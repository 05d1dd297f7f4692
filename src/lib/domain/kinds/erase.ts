import * as v from 'valibot';
import { recordRef } from './fields.ts';
import type { KindSpec } from './kind.ts';
import { byPostAuthor, type PostSubject } from './post.ts';

export const EraseBodySchema = v.strictObject({ post: recordRef });
export type EraseBody = v.InferOutput<typeof EraseBodySchema>;

/**
 * An author's erasure of their post: every device drops the post's content and its updates,
 * as retention does, and refuses them if sent back. The erase record itself stays, small, so a
 * device that meets the post later drops it too.
 */
export const eraseKind: KindSpec<EraseBody, PostSubject> = {
  body: EraseBodySchema,
  subjectOf: (record) => record.body.post,
  authorise: byPostAuthor,
};
