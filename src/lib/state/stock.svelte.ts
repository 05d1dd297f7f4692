import type { Board } from '../board/board.ts';
import type { Place } from '../domain/allocation.ts';
import type { ClaimState, OfferState } from '../domain/fold/stock.ts';
import type { AuthorKey, RecordId, RoomId } from '../domain/ids.ts';
import type { ClaimBody } from '../domain/kinds/claim.ts';
import { seedCommitment } from '../domain/kinds/draw.ts';
import type { StockBody } from '../domain/kinds/stock.ts';
import { runCommand, type CommandOutcome } from './command.ts';

/** What the stock state reads from its session. */
export interface StockContext {
  readonly me: AuthorKey;
  readonly room: RoomId;
  board(): Board | null;
  /** The session's clock, as it ticks. */
  now(): number;
  /** Where this device keeps the seeds of the offers it pinned until they are revealed. */
  readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Random bytes for a seed (WebCrypto's getRandomValues in the app). */
  random(bytes: number): Uint8Array;
}

/** Where an offer stands as of now: before its window, open, waiting for the organiser, drawn. */
export type OfferPhase = 'upcoming' | 'open' | 'waiting' | 'drawn';

/** An offer as a stock offer's form fills it: everything but the seed's commitment. */
export type StockDraft = Omit<StockBody, 'commit'>;

/** What a household fills in to claim. */
export type ClaimDraft = Omit<ClaimBody, 'offer'>;

/** One line of a slot's list for the volunteer at the pickup point. */
export interface SlotLine {
  readonly claim: ClaimState;
  readonly name: string;
}

const SEED_BYTES = 32;

/**
 * Fair distribution as the UI sees it: the square's stock offers, what this household may do
 * with each (claim, decline), what the organiser does (pin with a committed seed, reveal it to
 * draw) and what a volunteer does at the pickup point (lists, collected, release). The seed of an
 * offer pinned here stays on this device until its reveal. Every rule is the fold's
 * (fold/stock.ts), checked again by the commands before signing.
 */
export class SquareStock {
  #version = $state(0);
  readonly #context: StockContext;

  readonly offers: readonly OfferState[] = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.stockOffers() ?? [];
  });
  /** The founder or a volunteer: may pin any lot and hand over at any pickup point. */
  readonly isVolunteer: boolean = $derived.by(() => {
    void this.#version;
    return this.#context.board()?.view.authority.canModerate(this.#context.me) ?? false;
  });

  constructor(context: StockContext) {
    this.#context = context;
  }

  /** Reads the board again after it changed. */
  refresh(): void {
    this.#version++;
  }

  get me(): AuthorKey {
    return this.#context.me;
  }

  phaseOf(offer: OfferState): OfferPhase {
    if (offer.draw) return 'drawn';
    const now = this.#context.now();
    if (now < offer.body.opens) return 'upcoming';
    return now <= offer.body.closes ? 'open' : 'waiting';
  }

  isOrganiser(offer: OfferState): boolean {
    return offer.author === this.#context.me;
  }

  /** The organiser or a volunteer: sees the slot lists and marks handovers. */
  handsOver(offer: OfferState): boolean {
    return this.isOrganiser(offer) || this.isVolunteer;
  }

  /** This household's claim on an offer, if it made one that counts. */
  myClaim(offer: OfferState): ClaimState | undefined {
    return offer.claims.find((claim) => claim.author === this.#context.me);
  }

  /** Whether this device holds the seed the organiser committed to (it pinned the offer here). */
  holdsSeed(offer: OfferState): boolean {
    return this.#seed(offer) !== null;
  }

  /** The claims at a place (a slot, or delivery), with the households' names, in draw order. */
  slotList(offer: OfferState, place: Place): SlotLine[] {
    const view = this.#context.board()?.view;
    return offer.claims
      .filter((claim) => claim.award?.place === place)
      .map((claim) => ({ claim, name: view?.profile(claim.author)?.name ?? '' }));
  }

  /** Pins a stock offer with a fresh seed, committed to by its hash and kept here until the reveal. */
  pin(draft: StockDraft): Promise<CommandOutcome> {
    const seed = [...this.#context.random(SEED_BYTES)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const commit = seedCommitment(seed);
    this.#context.storage.setItem(this.#seedKey(commit), seed);
    return runCommand(this.#commands(), async (c) => {
      const result = await c.pinStock({ ...draft, commit });
      if (!result.ok) this.#context.storage.removeItem(this.#seedKey(commit));
      return result;
    });
  }

  claim(offer: OfferState, draft: ClaimDraft): Promise<CommandOutcome> {
    return runCommand(this.#commands(), (c) => c.claimStock({ offer: offer.id, ...draft }));
  }

  /** The organiser reveals the seed once the window closed: the draw over the claims held now. */
  reveal(offer: OfferState): Promise<CommandOutcome> {
    const seed = this.#seed(offer);
    if (seed === null) return Promise.resolve({ ok: false, reason: 'no-seed' });
    const claims = offer.claims.map((claim) => claim.id);
    return runCommand(this.#commands(), (c) => c.revealDraw(offer.id, seed, claims));
  }

  decline(claim: RecordId): Promise<CommandOutcome> {
    return runCommand(this.#commands(), (c) => c.handOver(claim, 'declined'));
  }

  collected(claim: RecordId): Promise<CommandOutcome> {
    return runCommand(this.#commands(), (c) => c.handOver(claim, 'collected'));
  }

  /** Releases a place's uncollected claims to the wait list, once the slot has ended. */
  async releaseUncollected(offer: OfferState, place: Place): Promise<CommandOutcome> {
    for (const { claim } of this.slotList(offer, place)) {
      if (claim.status !== 'won') continue;
      const outcome = await runCommand(this.#commands(), (c) => c.handOver(claim.id, 'released'));
      if (!outcome.ok) return outcome;
    }
    return { ok: true };
  }

  #commands() {
    return this.#context.board()?.commands ?? null;
  }

  #seed(offer: OfferState): string | null {
    return this.#context.storage.getItem(this.#seedKey(offer.body.commit));
  }

  #seedKey(commit: string): string {
    return `kaifong:stock-seed:${this.#context.room}:${commit}`;
  }
}
