import * as v from 'valibot';
import { ALLOWED, refused } from '../reasons.ts';
import { authorKey } from './fields.ts';
import type { KindSpec } from './kind.ts';

export const VouchBodySchema = v.strictObject({ member: authorKey });
export type VouchBody = v.InferOutput<typeof VouchBodySchema>;

/**
 * A volunteer (or the founder) vouches for a resident they know in person, after scanning or
 * pasting the resident's code: the resident becomes a verified neighbour, with the higher limits.
 */
export const vouchKind: KindSpec<VouchBody, never> = {
  body: VouchBodySchema,
  subjectOf: () => null,
  authorise: (record, _subject, authority) => {
    if (!authority.canModerate(record.author)) return refused('not-volunteer');
    if (record.body.member === record.author) return refused('not-yourself');
    return ALLOWED;
  },
};
