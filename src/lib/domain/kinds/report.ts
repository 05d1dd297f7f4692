import * as v from 'valibot';
import { ALLOWED, refused } from '../reasons.ts';
import { recordRef } from './fields.ts';
import type { KindSpec } from './kind.ts';
import { MODERATION_REASONS } from './moderation.ts';
import type { PostSubject } from './post.ts';

export const ReportBodySchema = v.strictObject({ post: recordRef, reason: v.picklist(MODERATION_REASONS) });
export type ReportBody = v.InferOutput<typeof ReportBodySchema>;

/** Any member reports a post to the volunteers, with a reason; it joins their review queue. */
export const reportKind: KindSpec<ReportBody, PostSubject> = {
  body: ReportBodySchema,
  subjectOf: (record) => record.body.post,
  authorise: (record, post) => {
    if (post === undefined) return refused('unknown-post');
    if (post.author === record.author) return refused('not-yourself');
    return ALLOWED;
  },
};
