import { ALLOWED, refused } from '../reasons.ts';
import type { KindRule } from './kind.ts';
import type { ReportBody } from './report-body.ts';
import type { PostSubject } from './post.ts';

export type { ReportBody } from './report-body.ts';

/** Any member reports a post to the volunteers, with a reason; it joins their review queue. */
export const reportKind: KindRule<ReportBody, PostSubject> = {
  subjectOf: (record) => record.body.post,
  authorise: (record, post) => {
    if (post === undefined) return refused('unknown-post');
    if (post.author === record.author) return refused('not-yourself');
    return ALLOWED;
  },
};
