import { ALLOWED, refused } from '../reasons.ts';
import type { KindRule } from './kind.ts';
import type { SquareBody } from './square-body.ts';

export type { SquareBody } from './square-body.ts';

/** The square's name and settings: the founder's to set. */
export const squareKind: KindRule<SquareBody, never> = {
  subjectOf: () => null,
  authorise: (record, _subject, authority) => (authority.isFounder(record.author) ? ALLOWED : refused('not-founder')),
};
