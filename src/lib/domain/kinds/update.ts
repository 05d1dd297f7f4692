import * as v from 'valibot';
import type { AuthorKey } from '../ids.ts';
import { ALLOWED, refused } from '../reasons.ts';
import { LIMITS, recordRef, text } from './fields.ts';
import type { KindSpec } from './kind.ts';

export const UPDATE_ACTIONS = ['progress', 'resolve', 'withdraw', 'renew'] as const;
export type UpdateAction = (typeof UPDATE_ACTIONS)[number];

export const UpdateBodySchema = v.strictObject({
  post: recordRef,
  action: v.picklist(UPDATE_ACTIONS),
  note: v.optional(text(LIMITS.updateNote)),
});
export type UpdateBody = v.InferOutput<typeof UpdateBodySchema>;

/** What an update's rule needs to know of its post. */
export interface UpdateSubject {
  readonly author: AuthorKey;
}

/** Progress, resolution, withdrawal or renewal of a post. */
export const updateKind: KindSpec<UpdateBody, UpdateSubject> = {
  body: UpdateBodySchema,
  subjectOf: (record) => record.body.post,
  // Only a post's author may update it (volunteers join this rule with roles).
  authorise: (record, post) =>
    post === undefined ? refused('unknown-post') : record.author === post.author ? ALLOWED : refused('not-author'),
};
