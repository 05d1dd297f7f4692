import * as v from 'valibot';
import { ALLOWED, refused } from '../reasons.ts';
import type { KindRule } from './kind.ts';

/** The highest epoch number a record may name: far more fresh documents than a square will ever start. */
export const MAX_EPOCH = 1_000_000;

export const EpochBodySchema = v.strictObject({
  /** The document this epoch starts: 1 for the first fresh one (the square's first document is epoch 0). */
  epoch: v.pipe(v.number(), v.integer(), v.minValue(1, 'invalid'), v.maxValue(MAX_EPOCH, 'invalid')),
});
export type EpochBody = v.InferOutput<typeof EpochBodySchema>;

/**
 * The founder starts a fresh shared document: every device moves to the document of this epoch,
 * seeded from the live records, so the tombstones of deleted entries (retention, junk, blocks)
 * stay behind in the old one. Where the number lives: see sync/doc-exchange.ts (HELLO).
 */
export const epochKind: KindRule<EpochBody, never> = {
  subjectOf: () => null,
  authorise: (record, _subject, authority) => (authority.isFounder(record.author) ? ALLOWED : refused('not-founder')),
};
