import * as v from 'valibot';
import { hlcMs } from '../hlc.ts';
import type { AuthorKey, RecordId } from '../ids.ts';
import { ALLOWED, refused, type Verdict } from '../reasons.ts';
import type { ClaimBody } from './claim.ts';
import { recordRef } from './fields.ts';
import type { KindRule } from './kind.ts';
import type { StockSubject } from './stock.ts';

export const HANDOVER_ACTIONS = ['collected', 'declined', 'released'] as const;
export type HandoverAction = (typeof HANDOVER_ACTIONS)[number];

export const HandoverBodySchema = v.strictObject({ claim: recordRef, action: v.picklist(HANDOVER_ACTIONS) });
export type HandoverBody = v.InferOutput<typeof HandoverBodySchema>;

/** What the rule for a handover needs to know of the claim it names. */
export interface ClaimSubject {
  readonly id: RecordId;
  readonly author: AuthorKey;
  readonly body: ClaimBody;
  readonly offer: StockSubject;
}

/**
 * What happened to a claim at the pickup point: a volunteer (or the organiser) marks it
 * collected, or releases it once every slot it could come to has ended; the claimant declines.
 * A declined or released place goes to the first on the wait list (domain/allocation.ts).
 */
export const handoverKind: KindRule<HandoverBody, ClaimSubject> = {
  subjectOf: () => null,
  authorise: (record, claim, authority): Verdict => {
    if (claim === undefined || claim.id !== record.body.claim) return refused('unknown-offer');
    if (record.body.action === 'declined') return record.author === claim.author ? ALLOWED : refused('not-author');
    if (record.author !== claim.offer.author && !authority.canModerate(record.author)) return refused('not-volunteer');
    if (record.body.action === 'released') {
      const ends = claim.body.slots.map((slot) => claim.offer.body.slots[slot]?.end ?? 0);
      if (ends.some((end) => hlcMs(record.at) <= end)) return refused('slot-open');
    }
    return ALLOWED;
  },
};
