import { ALLOWED, refused } from '../reasons.ts';
import type { KindRule } from './kind.ts';
import type { VouchBody } from './vouch-body.ts';

export type { VouchBody } from './vouch-body.ts';

/**
 * A volunteer (or the founder) vouches for a resident they know in person, after scanning or
 * pasting the resident's code: the resident becomes a verified neighbour, with the higher limits.
 */
export const vouchKind: KindRule<VouchBody, never> = {
  subjectOf: () => null,
  authorise: (record, _subject, authority) => {
    if (!authority.canModerate(record.author)) return refused('not-volunteer');
    if (record.body.member === record.author) return refused('not-yourself');
    return ALLOWED;
  },
};
