import * as v from 'valibot';
import { LIMITS } from './field-limits.ts';
import { nameText } from './fields.ts';

// The body schema of a square record (kinds/square.ts holds its rule).

export const SquareBodySchema = v.strictObject({
  name: nameText(LIMITS.squareName),
  /** Days a closed post stays in the live square before every device drops it. */
  retentionDays: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1, 'invalid'), v.maxValue(LIMITS.retentionDays, 'too-long')),
  ),
});
export type SquareBody = v.InferOutput<typeof SquareBodySchema>;
