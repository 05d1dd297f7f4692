import type { ClaimState, OfferState } from './fold/stock.ts';
import type { AuthorKey, RecordId } from './ids.ts';
import type { StockResult } from './kinds/message.ts';

/**
 * A household's result in an offer's draw as the fold computes it, in the form a message
 * carries: a place (the slot's point and window, or delivery) with a quantity, a place on the
 * wait list, or over the limit. Null before the draw, and once nothing is left to tell
 * (collected, declined, missed).
 */
export function resultOf(offer: OfferState, claim: ClaimState): StockResult | null {
  if (claim.status === 'won' && claim.award) {
    const { place, qty } = claim.award;
    const slot = place === 'delivery' ? undefined : offer.body.slots[place];
    if (place !== 'delivery' && !slot) return null;
    return { status: 'won', qty, place: slot ? { point: slot.point, start: slot.start, end: slot.end } : 'delivery' };
  }
  if (claim.status === 'waiting' && claim.position !== undefined)
    return { status: 'waiting', position: claim.position };
  if (claim.status === 'over-limit') return { status: 'over-limit' };
  return null;
}

/** Whether two results say the same: status, quantity, place and wait-list position. */
export function sameResult(a: StockResult | null, b: StockResult | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A result for the organiser's device to send: the household and what to tell it. */
export interface ResultToTell {
  readonly offer: RecordId;
  readonly to: AuthorKey;
  readonly result: StockResult;
}

/**
 * The results an organiser (`me`) has yet to tell, offer by offer in draw order: each household's
 * first result once the draw is revealed, and a new one when its status or its place changed (a
 * place freed by a decline or a release moved it up). NOTE: a wait-list position that only moved
 * up is not sent again, by design: each would be a message to every household behind, against
 * the organiser's hourly rate; the offer shows the live position.
 */
export function resultsToTell(
  offers: readonly OfferState[],
  me: AuthorKey,
  told: (offer: RecordId, household: AuthorKey) => StockResult | undefined,
): ResultToTell[] {
  const due: ResultToTell[] = [];
  for (const offer of offers) {
    if (offer.author !== me || !offer.draw) continue;
    for (const claim of offer.claims) {
      const result = resultOf(offer, claim);
      if (!result) continue;
      const before = told(offer.id, claim.author);
      const news =
        before === undefined ||
        before.status !== result.status ||
        (result.status === 'won' && !sameResult(before, result));
      if (news) due.push({ offer: offer.id, to: claim.author, result });
    }
  }
  return due;
}
