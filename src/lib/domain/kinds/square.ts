import * as v from 'valibot';
import { ALLOWED, refused } from '../reasons.ts';
import { LIMITS, nameText } from './fields.ts';
import type { KindSpec } from './kind.ts';

export const SquareBodySchema = v.strictObject({
  name: nameText(LIMITS.squareName),
  /** Days a closed post stays in the live square before every device drops it. */
  retentionDays: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1, 'invalid'), v.maxValue(LIMITS.retentionDays, 'too-long')),
  ),
});
export type SquareBody = v.InferOutput<typeof SquareBodySchema>;

/** The square's name and settings: the founder's to set. */
export const squareKind: KindSpec<SquareBody, never> = {
  body: SquareBodySchema,
  subjectOf: () => null,
  authorise: (record, _subject, authority) => (authority.isFounder(record.author) ? ALLOWED : refused('not-founder')),
};
