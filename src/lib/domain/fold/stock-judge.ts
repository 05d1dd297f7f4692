import type { Authority } from '../authority.ts';
import type { AuthorKey, RecordId } from '../ids.ts';
import type { ClaimSubject } from '../kinds/handover.ts';
import type { StockSite } from '../kinds/stock.ts';
import { KINDS, type AnyRecord, type VerifiedRecord } from '../kinds/registry.ts';
import type { Verdict } from '../reasons.ts';
import { byTimeThenId } from './order.ts';

type StockRecord = VerifiedRecord<'stock'>;
type ClaimRecord = VerifiedRecord<'claim'>;
type DrawRecord = VerifiedRecord<'draw'>;
type HandoverRecord = VerifiedRecord<'handover'>;

/** The fair-distribution records a device holds, as the stock slice keeps them. */
export interface StockRecords {
  readonly offers: ReadonlyMap<RecordId, StockRecord>;
  readonly claims: ReadonlyMap<RecordId, ClaimRecord>;
  readonly draws: readonly DrawRecord[];
  readonly handovers: readonly HandoverRecord[];
}

/** What counts of them: each record judged by its kind's rule, against what counts of the others. */
export interface JudgedStock {
  /** Offers the stock kind's rule allows at the site that counts. */
  readonly offers: readonly StockRecord[];
  /** The earliest valid draw of each offer. */
  readonly draws: ReadonlyMap<RecordId, DrawRecord>;
  /** Each offer's counted claims: allowed, listed by its draw once drawn, the earliest per household. */
  readonly claimsOf: ReadonlyMap<RecordId, ReadonlyMap<AuthorKey, ClaimRecord>>;
  /** The offer of each counted claim. */
  readonly claimOffer: ReadonlyMap<RecordId, RecordId>;
  /** Counted claims handed over, declined, and declined or released without being handed over. */
  readonly collected: ReadonlySet<RecordId>;
  readonly declined: ReadonlySet<RecordId>;
  readonly gone: ReadonlySet<RecordId>;
  /** Records that do not count. */
  readonly rejected: number;
}

/**
 * Judges every fair-distribution record (fold/stock.ts): offers, then draws against their offers,
 * claims against their offers and draws, handovers against counted claims. `listedBy`: a draw's
 * list of claims as a set (the slice keeps them, for it settles often).
 */
export function judgeStock(
  records: StockRecords,
  authority: Authority,
  site: StockSite | undefined,
  listedBy: (draw: DrawRecord) => ReadonlySet<RecordId>,
): JudgedStock {
  let rejected = 0;
  const allowed = (record: AnyRecord, verdict: Verdict) => {
    const ok = verdict.ok && !authority.isBlocked(record.author);
    if (!ok) rejected++;
    return ok;
  };
  const offers: StockRecord[] = [];
  for (const offer of records.offers.values()) {
    if (allowed(offer, KINDS.stock.authorise(offer, site, authority))) offers.push(offer);
  }
  const subjects = new Map(offers.map((o) => [o.id, { id: o.id, author: o.author, body: o.body }]));

  const draws = new Map<RecordId, DrawRecord>();
  for (const draw of records.draws) {
    const offer = subjects.get(draw.body.offer);
    if (!offer) continue;
    if (allowed(draw, KINDS.draw.authorise(draw, offer, authority))) {
      // The earliest valid draw counts: the draw cannot be re-rolled.
      const first = draws.get(offer.id);
      if (!first || byTimeThenId(draw, first) < 0) draws.set(offer.id, draw);
    }
  }

  // Claims: allowed, listed by the draw once drawn, the earliest per household.
  const claimsOf = new Map<RecordId, Map<AuthorKey, ClaimRecord>>();
  for (const claim of records.claims.values()) {
    const offer = subjects.get(claim.body.offer);
    if (!offer) continue;
    if (!allowed(claim, KINDS.claim.authorise(claim, offer, authority))) continue;
    const draw = draws.get(offer.id);
    if (draw && !listedBy(draw).has(claim.id)) {
      rejected++;
      continue;
    }
    const byAuthor = claimsOf.get(offer.id) ?? new Map<AuthorKey, ClaimRecord>();
    const first = byAuthor.get(claim.author);
    if (first && byTimeThenId(first, claim) < 0) rejected++;
    else {
      if (first) rejected++;
      byAuthor.set(claim.author, claim);
    }
    claimsOf.set(offer.id, byAuthor);
  }

  // Handovers, judged against counted claims.
  const claimOffer = new Map<RecordId, RecordId>();
  for (const [offer, byAuthor] of claimsOf) for (const claim of byAuthor.values()) claimOffer.set(claim.id, offer);
  const collected = new Set<RecordId>();
  const declined = new Set<RecordId>();
  const released = new Set<RecordId>();
  for (const handover of records.handovers) {
    const claim = records.claims.get(handover.body.claim);
    const offer = subjects.get(claimOffer.get(handover.body.claim) ?? ('' as RecordId));
    if (!claim || !offer) continue;
    const subject: ClaimSubject = { id: claim.id, author: claim.author, body: claim.body, offer };
    if (!allowed(handover, KINDS.handover.authorise(handover, subject, authority))) continue;
    const action = handover.body.action;
    (action === 'collected' ? collected : action === 'declined' ? declined : released).add(claim.id);
  }
  // Collected stands: a decline or release of what was handed over changes nothing.
  const gone = new Set([...declined, ...released].filter((id) => !collected.has(id)));
  return { offers, draws, claimsOf, claimOffer, collected, declined, gone, rejected };
}
