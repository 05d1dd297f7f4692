import { allocate, type Award } from '../allocation.ts';
import type { AuthorKey } from '../ids.ts';
import type { StockBody } from '../kinds/stock.ts';
import type { VerifiedRecord } from '../kinds/registry.ts';
import type { ClaimState, ClaimStatus, StockNumbers } from './stock.ts';
import type { JudgedStock } from './stock-judge.ts';

type ClaimRecord = VerifiedRecord<'claim'>;

/** Where each of an offer's counted claims stands, and the offer's numbers. */
export interface OfferClaims {
  readonly claims: ClaimState[];
  readonly numbers: StockNumbers;
}

function claimState(claim: ClaimRecord, status: ClaimStatus, award?: Award): ClaimState {
  const base = { id: claim.id, author: claim.author, at: claim.at, body: claim.body, status };
  return award ? { ...base, award } : base;
}

/** An offer not drawn yet: its claims pending (or declined by their households). */
export function pendingClaims(
  offer: StockBody,
  claims: readonly ClaimRecord[],
  judged: Pick<JudgedStock, 'declined'>,
): OfferClaims {
  const pending = claims.map((c) => claimState(c, judged.declined.has(c.id) ? 'declined' : 'pending'));
  const open = pending.filter((c) => c.status === 'pending').length;
  return { claims: pending, numbers: { claims: open, winners: 0, collected: 0, left: offer.total } };
}

/**
 * A drawn offer: the draw's places and wait list (domain/allocation.ts) with what was handed over,
 * declined or missed. `allowance`: what is left of a household's share of the item across offers.
 */
export function drawnClaims(
  offer: StockBody,
  seed: string,
  claims: readonly ClaimRecord[],
  judged: Pick<JudgedStock, 'collected' | 'declined' | 'gone'>,
  ranking: { allowance(author: AuthorKey): number; rankKey(seed: string, author: AuthorKey): string },
): OfferClaims {
  const { collected, declined, gone } = judged;
  const entries = claims.map((c) => ({ id: c.id, author: c.author, ...c.body }));
  const allocation = allocate(offer, seed, entries, { gone, ...ranking });
  const byId = new Map(claims.map((c) => [c.id, c]));
  const position = new Map(allocation.waitList.map((id, i) => [id, i + 1]));
  const drawn = new Set(allocation.order);
  const inOrder = [...allocation.order, ...claims.map((c) => c.id).filter((id) => !drawn.has(id))];
  let winners = 0;
  let handed = 0;
  let handedQty = 0;
  const states = inOrder.map((id): ClaimState => {
    const claim = byId.get(id)!;
    const award = allocation.awards.get(id);
    if (award) {
      winners++;
      if (!collected.has(id)) return claimState(claim, 'won', award);
      handed++;
      handedQty += award.qty;
      return claimState(claim, 'collected', award);
    }
    if (declined.has(id)) return claimState(claim, 'declined');
    if (gone.has(id)) return claimState(claim, 'missed');
    const at = position.get(id);
    return at === undefined ? claimState(claim, 'over-limit') : { ...claimState(claim, 'waiting'), position: at };
  });
  return {
    claims: states,
    numbers: { claims: claims.length, winners, collected: handed, left: offer.total - handedQty },
  };
}
