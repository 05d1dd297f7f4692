import * as v from 'valibot';
import { ALLOWED, refused } from '../reasons.ts';
import type { KindSpec } from './kind.ts';

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
export const epochKind: KindSpec<EpochBody, never> = {
  body: EpochBodySchema,
  subjectOf: () => null,
  authorise: (record, _subject, authority) => (authority.isFounder(record.author) ? ALLOWED : refused('not-founder')),
};

/**
 * When the founder is told a fresh document would help: its tombstones and junk make it more
 * than this many times the size of the live records…
 */
export const EPOCH_SUGGEST_RATIO = 2;
/** …and it holds at least this many bytes that are not live records (below, nobody would notice). */
export const EPOCH_SUGGEST_WASTE_BYTES = 512 * 1024;

/** Whether a document of `documentBytes` holding `liveBytes` of live records is worth starting afresh. */
export function suggestsEpoch(documentBytes: number, liveBytes: number): boolean {
  return documentBytes - liveBytes >= EPOCH_SUGGEST_WASTE_BYTES && documentBytes > EPOCH_SUGGEST_RATIO * liveBytes;
}
