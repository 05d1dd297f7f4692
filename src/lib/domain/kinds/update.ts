import * as v from 'valibot';
import { LIMITS, recordRef, text } from './fields.ts';
import type { KindSpec } from './kind.ts';
import { byPostAuthor, type PostSubject } from './post.ts';

export const UPDATE_ACTIONS = ['progress', 'resolve', 'withdraw', 'renew'] as const;
export type UpdateAction = (typeof UPDATE_ACTIONS)[number];

export const UpdateBodySchema = v.strictObject({
  post: recordRef,
  action: v.picklist(UPDATE_ACTIONS),
  note: v.optional(text(LIMITS.updateNote)),
});
export type UpdateBody = v.InferOutput<typeof UpdateBodySchema>;

/** Progress, resolution, withdrawal or renewal of a post. */
export const updateKind: KindSpec<UpdateBody, PostSubject> = {
  body: UpdateBodySchema,
  subjectOf: (record) => record.body.post,
  authorise: byPostAuthor,
};
