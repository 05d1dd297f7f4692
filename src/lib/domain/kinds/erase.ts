import type { KindRule } from './kind.ts';
import type { EraseBody } from './erase-body.ts';
import { byPostAuthor, type PostSubject } from './post.ts';

export type { EraseBody } from './erase-body.ts';

/**
 * An author's erasure of their post: every device drops the post's content and its updates,
 * as retention does, and refuses them if sent back. The erase record itself stays, small, so a
 * device that meets the post later drops it too.
 */
export const eraseKind: KindRule<EraseBody, PostSubject> = {
  subjectOf: (record) => record.body.post,
  authorise: byPostAuthor,
};
