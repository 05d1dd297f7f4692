import { rankKey, type Award } from '../allocation.ts';
import type { Authority } from '../authority.ts';
import type { Hlc } from '../hlc.ts';
import { HOUR_MS } from '../limits.ts';
import type { AuthorKey, RecordId } from '../ids.ts';
import type { ClaimBody } from '../kinds/claim.ts';
import type { ClaimSubject } from '../kinds/handover.ts';
import type { OfferParties } from '../kinds/message.ts';
import { lineKey } from '../kinds/post.ts';
import type { StockBody, StockSite, StockSubject } from '../kinds/stock.ts';
import type { AnyRecord, RecordKind, VerifiedRecord } from '../kinds/registry.ts';
import { ALLOWED, refused, type Verdict } from '../reasons.ts';
import { byTimeThenId } from './order.ts';
import { drawnClaims, pendingClaims } from './stock-claims.ts';
import { judgeStock } from './stock-judge.ts';
import type { ChangeBuilder, FoldSlice } from './slice.ts';

type StockRecord = VerifiedRecord<'stock'>;
type ClaimRecord = VerifiedRecord<'claim'>;
type DrawRecord = VerifiedRecord<'draw'>;
type HandoverRecord = VerifiedRecord<'handover'>;

/**
 * Where a claim stands: `pending` until the draw; then `won` (a place), `collected`, `waiting`
 * (on the wait list), `declined` (by the household), `missed` (released after its slots), or
 * `over-limit` (the household had its share of this item from other offers).
 */
export type ClaimStatus = 'pending' | 'won' | 'collected' | 'waiting' | 'declined' | 'missed' | 'over-limit';

/** A counted claim on an offer: one per household, inside the window (and listed by the draw). */
export interface ClaimState {
  readonly id: RecordId;
  readonly author: AuthorKey;
  readonly at: Hlc;
  readonly body: ClaimBody;
  readonly status: ClaimStatus;
  /** The place and quantity, for `won` and `collected`. */
  readonly award?: Award;
  /** 1 for the first on the wait list, for `waiting`. */
  readonly position?: number;
}

/** The organiser's numbers, live: claims, winners (collected included), collected, stock left in hand. */
export interface StockNumbers {
  readonly claims: number;
  readonly winners: number;
  readonly collected: number;
  readonly left: number;
}

/** A stock offer as every device computes it. */
export interface OfferState extends StockSubject {
  readonly at: Hlc;
  /** The draw that counts (the earliest valid one), once the organiser revealed the seed. */
  readonly draw: DrawRecord | undefined;
  /** Counted claims, in draw order once drawn, else by time. */
  readonly claims: readonly ClaimState[];
  readonly numbers: StockNumbers;
}

/** What two offers must share for a household limit to hold across them: the same item, as a post's lines are told apart. */
const itemKey = (body: StockBody) => lineKey(body);

/**
 * Fair distribution: stock offers, claims, draws and handovers. Recomputed from all its records
 * whenever one arrives or the authority changes, so the result depends only on the set of
 * records, never on their order. Enforced here, on every device:
 * - offers by the founder or volunteers, or small lots by residents, at the site's pickup points
 *   (the stock kind's rule, judged again whenever the site that counts changes);
 * - claims inside the window, up to the per-household limit, one per household per offer (the
 *   earliest counts), and once drawn only the claims the draw lists;
 * - the seed matches the offer's commitment, and only the earliest valid draw counts;
 * - across offers of the same item, a household receives at most the per-household limit of
 *   the offers whose windows closed within the rolling window: offers are settled in the order
 *   their windows closed, each capping households by what the earlier ones awarded them;
 * - places within each slot's capacity and the stock (domain/allocation.ts).
 */
export class StockSlice implements FoldSlice {
  readonly kinds: readonly RecordKind[] = ['stock', 'claim', 'draw', 'handover'];
  readonly #offers = new Map<RecordId, StockRecord>();
  readonly #claims = new Map<RecordId, ClaimRecord>();
  readonly #draws: DrawRecord[] = [];
  readonly #handovers: HandoverRecord[] = [];
  #state = new Map<RecordId, OfferState>();
  #claimOffer: ReadonlyMap<RecordId, RecordId> = new Map();
  #rejected = 0;
  #dirty = false;
  /** Seeded keys by seed and household, and each draw's list as a set: the slice settles often. */
  readonly #ranks = new Map<string, string>();
  readonly #listed = new WeakMap<DrawRecord, ReadonlySet<RecordId>>();
  /** Who may write about each offer as last computed (messages judge with it often). */
  readonly #parties = new WeakMap<OfferState, OfferParties>();
  /** The site that counts (fold/site.ts, settled before this slice), and the one last judged with. */
  readonly #site: () => StockSite | undefined;
  #judgedWith: StockSite | undefined;

  constructor(site: () => StockSite | undefined) {
    this.#site = site;
  }

  add(record: AnyRecord, change: ChangeBuilder): void {
    if (record.kind === 'stock') this.#offers.set(record.id, record);
    else if (record.kind === 'claim') this.#claims.set(record.id, record);
    else if (record.kind === 'draw') this.#draws.push(record);
    else if (record.kind === 'handover') this.#handovers.push(record);
    else return;
    this.#dirty = true;
    change.stock = true;
  }

  settle(authority: Authority, change: ChangeBuilder): void {
    if (this.#dirty || this.#site() !== this.#judgedWith) this.rejudge(authority, change);
  }

  rejudge(authority: Authority, change: ChangeBuilder): void {
    this.#dirty = false;
    this.#judgedWith = this.#site();
    if (this.#offers.size === 0 && this.#claims.size === 0) return;
    this.#recompute(authority);
    change.stock = true;
  }

  rejectedCount(): number {
    return this.#rejected;
  }

  /** Every offer that counts, newest first. */
  offers(): OfferState[] {
    return [...this.#state.values()].sort((a, b) => -byTimeThenId(a, b));
  }

  offer(id: RecordId): OfferState | undefined {
    return this.#state.get(id);
  }

  /** An offer's organiser and the households whose claims on it count, for the message rule. */
  parties(id: RecordId): OfferParties | undefined {
    const offer = this.#state.get(id);
    if (!offer) return undefined;
    let parties = this.#parties.get(offer);
    if (!parties) {
      const households = new Set(offer.claims.map((claim) => claim.author));
      parties = { id, author: offer.author, hasClaimant: (household) => households.has(household) };
      this.#parties.set(offer, parties);
    }
    return parties;
  }

  /** A counted claim with its offer, for the handover rule. */
  claimSubject(id: RecordId): ClaimSubject | undefined {
    const offer = this.#state.get(this.#claimOffer.get(id) ?? ('' as RecordId));
    const claim = offer?.claims.find((c) => c.id === id);
    return offer && claim ? { id, author: claim.author, body: claim.body, offer } : undefined;
  }

  /**
   * Whether a new claim would count, beyond the claim kind's rule: one per household per offer,
   * and something left of the household's limit across this item's other offers.
   */
  judgeClaim(author: AuthorKey, body: ClaimBody): Verdict {
    const offer = this.#state.get(body.offer);
    if (!offer) return refused('unknown-offer');
    if (offer.draw) return refused('claim-window');
    if (offer.claims.some((c) => c.author === author)) return refused('already-claimed');
    // Over what is left of the household's share the draw gives less (allocation.ts); nothing left, nothing to claim.
    if (offer.body.perHousehold - this.#received(offer, author) <= 0) return refused('household-limit');
    return ALLOWED;
  }

  /** What a household was awarded of an offer's item by the offers that closed within its rolling window before it. */
  #received(offer: StockSubject & { at: Hlc }, author: AuthorKey): number {
    const key = itemKey(offer.body);
    const since = offer.body.closes - offer.body.rollingHours * HOUR_MS;
    let sum = 0;
    for (const other of this.#state.values()) {
      if (other.id === offer.id || itemKey(other.body) !== key) continue;
      if (!settledBefore(other, offer) || other.body.closes <= since) continue;
      for (const claim of other.claims) if (claim.author === author && claim.award) sum += claim.award.qty;
    }
    return sum;
  }

  #rankKey(seed: string, author: AuthorKey): string {
    const at = `${seed}:${author}`;
    let key = this.#ranks.get(at);
    if (key === undefined) this.#ranks.set(at, (key = rankKey(seed, author)));
    return key;
  }

  #listedBy(draw: DrawRecord): ReadonlySet<RecordId> {
    let ids = this.#listed.get(draw);
    if (!ids) this.#listed.set(draw, (ids = new Set(draw.body.claims)));
    return ids;
  }

  #recompute(authority: Authority): void {
    const judged = judgeStock(
      { offers: this.#offers, claims: this.#claims, draws: this.#draws, handovers: this.#handovers },
      authority,
      this.#judgedWith,
      (draw) => this.#listedBy(draw),
    );
    const { draws, claimsOf } = judged;
    // Offers in the order their windows closed, so limits across offers settle the same way everywhere.
    const state = new Map<RecordId, OfferState>();
    this.#state = state;
    for (const offer of [...judged.offers].sort(byClosing)) {
      const claims = [...(claimsOf.get(offer.id)?.values() ?? [])].sort(byTimeThenId);
      const draw = draws.get(offer.id);
      const base = { id: offer.id, author: offer.author, at: offer.at, body: offer.body, draw };
      const outcome = draw
        ? drawnClaims(offer.body, draw.body.seed, claims, judged, {
            allowance: (author) => offer.body.perHousehold - this.#received(offer, author),
            rankKey: (seed, author) => this.#rankKey(seed, author),
          })
        : pendingClaims(offer.body, claims, judged);
      state.set(offer.id, { ...base, ...outcome });
    }
    this.#claimOffer = judged.claimOffer;
    this.#rejected = judged.rejected;
  }
}

/** Offers in the order their claim windows closed, then by time and id. */
function byClosing(a: StockRecord, b: StockRecord): number {
  return a.body.closes !== b.body.closes ? a.body.closes - b.body.closes : byTimeThenId(a, b);
}

function settledBefore(a: OfferState, b: StockSubject & { at: Hlc }): boolean {
  return a.body.closes !== b.body.closes ? a.body.closes < b.body.closes : byTimeThenId(a, b) < 0;
}
