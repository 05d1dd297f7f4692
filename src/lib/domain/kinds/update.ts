import type { KindRule } from './kind.ts';
import type { UpdateBody } from './update-body.ts';
import { byPostAuthor, type PostSubject } from './post.ts';

export type { UpdateBody } from './update-body.ts';

export const UPDATE_ACTIONS = ['progress', 'resolve', 'withdraw', 'renew'] as const;
export type UpdateAction = (typeof UPDATE_ACTIONS)[number];

/** Progress, resolution, withdrawal or renewal of a post. */
export const updateKind: KindRule<UpdateBody, PostSubject> = {
  subjectOf: (record) => record.body.post,
  authorise: byPostAuthor,
};
