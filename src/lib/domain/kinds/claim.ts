import * as v from 'valibot';
import { hlcMs } from '../hlc.ts';
import { ALLOWED, refused, type Verdict } from '../reasons.ts';
import { recordRef } from './fields.ts';
import type { Authored, KindRule } from './kind.ts';
import { VULNERABLE_GROUPS } from './post.ts';
import { STOCK_LIMITS, type StockSubject } from './stock.ts';

const unique = <T>(list: readonly T[]) => new Set(list).size === list.length;

export const ClaimBodySchema = v.pipe(
  v.strictObject({
    offer: recordRef,
    /** How many the household asks for, up to the offer's per-household limit. */
    qty: v.pipe(v.number('invalid'), v.integer('invalid'), v.minValue(1, 'required')),
    /** The priority groups the household declares (checked by the volunteer at pickup). */
    groups: v.pipe(v.array(v.picklist(VULNERABLE_GROUPS)), v.check(unique, 'duplicate-group')),
    /** The pickup slots the household can come to, by index, most wanted first. */
    slots: v.pipe(
      v.array(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(STOCK_LIMITS.slots - 1))),
      v.maxLength(STOCK_LIMITS.slots, 'too-long'),
      v.check(unique, 'invalid'),
    ),
    /** Delivery by a volunteer, for a household that cannot come down. */
    delivery: v.boolean(),
  }),
  v.check((claim) => claim.delivery || claim.slots.length > 0, 'required'),
);
export type ClaimBody = v.InferOutput<typeof ClaimBodySchema>;

/** Whether a record is dated inside an offer's claim window (both ends included). */
export function inClaimWindow(record: Authored<unknown>, offer: StockSubject): boolean {
  const ms = hlcMs(record.at);
  return ms >= offer.body.opens && ms <= offer.body.closes;
}

/**
 * A household's claim on a stock offer. Claims are equal inside the window, whatever second they
 * arrive: the draw orders them. Judged here: the window, the per-household limit, slots of the
 * offer. One claim per household and the limits across offers are judged over all claims
 * (fold/stock.ts); a claim the draw does not list gains nothing, so a backdated one is no use.
 */
export const claimKind: KindRule<ClaimBody, StockSubject> = {
  subjectOf: () => null,
  authorise: (record, offer): Verdict => {
    if (offer === undefined || offer.id !== record.body.offer) return refused('unknown-offer');
    if (record.author === offer.author) return refused('not-yourself');
    if (!inClaimWindow(record, offer)) return refused('claim-window');
    if (record.body.qty > offer.body.perHousehold) return refused('household-limit');
    if (record.body.slots.some((slot) => slot >= offer.body.slots.length)) return refused('invalid');
    if (record.body.delivery && offer.body.delivery === 0) return refused('invalid');
    return ALLOWED;
  },
};
