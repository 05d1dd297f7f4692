import * as v from 'valibot';
import { hlcMs } from '../hlc.ts';
import { ALLOWED, refused, type Verdict } from '../reasons.ts';
import { sha256Hex } from '../sha256.ts';
import { recordRef } from './fields.ts';
import type { KindRule } from './kind.ts';
import { STOCK_LIMITS, type StockSubject } from './stock.ts';

/** A seed: 32 random bytes in lowercase hex. */
export const SEED_PATTERN = /^[0-9a-f]{64}$/;

/** The commitment an offer carries for its seed. */
export function seedCommitment(seed: string): string {
  return sha256Hex(seed);
}

export const DrawBodySchema = v.strictObject({
  offer: recordRef,
  seed: v.pipe(v.string(), v.regex(SEED_PATTERN, 'invalid')),
  /**
   * The claims the organiser held when the window closed, ids in ascending order. Only these take
   * part: a claim signed later with an earlier date (a backdated one, ground to rank first now
   * that the seed is known) is not listed and gains nothing.
   */
  claims: v.pipe(
    v.array(recordRef),
    v.maxLength(STOCK_LIMITS.claims, 'too-large'),
    v.check((ids) => ids.every((id, i) => i === 0 || ids[i - 1]! < id), 'invalid'),
  ),
});
export type DrawBody = v.InferOutput<typeof DrawBodySchema>;

/**
 * The organiser reveals the seed once the window closed: it must match the offer's commitment.
 * Every device then computes the same draw (domain/allocation.ts). Only the earliest valid draw
 * of an offer counts (fold/stock.ts): the draw cannot be re-rolled.
 */
export const drawKind: KindRule<DrawBody, StockSubject> = {
  subjectOf: () => null,
  authorise: (record, offer): Verdict => {
    if (offer === undefined || offer.id !== record.body.offer) return refused('unknown-offer');
    if (record.author !== offer.author) return refused('not-organiser');
    if (hlcMs(record.at) <= offer.body.closes) return refused('window-open');
    if (seedCommitment(record.body.seed) !== offer.body.commit) return refused('seed-mismatch');
    return ALLOWED;
  },
};
