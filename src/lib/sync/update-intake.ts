import * as Y from 'yjs';
import { holdsPending, retryPending } from '../yjs/pending.ts';
import type { ExchangeStats, PeerLink } from './peer-link.ts';
import type { Scheduler } from './scheduler.ts';

/**
 * An update from a peer never deletes records this device holds as live (issue 9, attack 2):
 * those deletions are taken out before it is applied, so they are never forwarded and never
 * answered with a restore of the whole square, and the peer gets the records back, a few at a
 * time. Harm this large in one update quarantines the peer and nothing of it is applied: an
 * honest peer disagrees about a post or two, not a whole square.
 */
export const QUARANTINE_HARM = 10;
/** How long a quarantined peer's connections are closed as soon as they open. */
export const QUARANTINE_MS = 10 * 60_000;

/** What a judge makes of an update from a peer. */
export interface UpdateVerdict {
  /** How many records this device holds as live the update would delete or overwrite. */
  readonly harm: number;
  /** What to apply in its place: the update itself, or its parts less the deletions it may not make. */
  readonly accept: readonly Uint8Array[];
}

/** Judges updates from peers before they are applied: the board, which knows what is live. */
export interface UpdateJudge {
  judge(update: Uint8Array): UpdateVerdict;
  /**
   * Resolves once everything applied so far has been judged. An update that looks harmful is
   * judged again then: the erasure or pruning that allows it may have arrived just before it.
   */
  whenIdle(): Promise<void>;
  /**
   * After a harmful update from a peer not quarantined was applied: put back what it deleted
   * there, for the sender lacks it (an honest peer may only have passed on another's deletion).
   */
  repair(update: Uint8Array): void;
}

/** Accepts every update: for documents nothing guards, as in the exchange's own tests. */
export const UNGUARDED: UpdateJudge = {
  judge: (update) => ({ harm: 0, accept: [update] }),
  whenIdle: () => Promise.resolve(),
  repair: () => undefined,
};

/** What the intake asks of the exchange it serves. */
export interface IntakeHost {
  readonly judge: UpdateJudge;
  readonly scheduler: Scheduler;
  readonly stats: ExchangeStats;
  /** The document exchanged now (it changes when the device moves to a later epoch). */
  doc(): Y.Doc;
  /** Whether a transfer from some peer is under way. */
  transferring(): boolean;
  /** A peer was just quarantined: drop its link. */
  quarantined(peerId: string): void;
}

/**
 * Applies what peers send to the exchanged document: judged first, a harmful-looking update
 * judged again once the keeper caught up, a peer whose harm is too large quarantined.
 */
export class UpdateIntake {
  #judging = 0;
  /** Set while a peer's piece is applied to a document holding structs that wait for others. */
  #completing = false;
  /** Peers whose connections are closed as they open, until the time their quarantine ends. */
  readonly #quarantined = new Map<string, number>();

  constructor(private readonly host: IntakeHost) {}

  /** Updates from peers waiting to be judged again, once the keeper has caught up. */
  get judging(): number {
    return this.#judging;
  }

  /**
   * True while a change applied from a peer completes structs that waited: that change goes to
   * its sender too.
   */
  get completing(): boolean {
    return this.#completing;
  }

  isQuarantined(peerId: string): boolean {
    const until = this.#quarantined.get(peerId);
    if (until === undefined) return false;
    if (this.host.scheduler.now() < until) return true;
    this.#quarantined.delete(peerId);
    return false;
  }

  /**
   * Applies a piece from a peer. NOTE: it may complete structs that came earlier from another
   * peer and waited for it; the change then holds those too, and the sender has to get them as
   * well, or a peer that heard them only from its neighbour would never get them (seed 20221503).
   */
  apply(link: PeerLink, update: Uint8Array): void {
    const { harm, accept } = this.host.judge.judge(update);
    if (harm > 0) {
      this.#judging++;
      void this.#judgeAgain(link, update, this.host.doc()).finally(() => this.#judging--);
      return;
    }
    for (const piece of accept) this.#integrate(link, piece);
  }

  /** Retries what Yjs holds as pending (yjs/pending.ts); the result goes to every peer. */
  retryPending(link: PeerLink): void {
    this.#completing = true;
    try {
      retryPending(this.host.doc(), link);
    } finally {
      this.#completing = false;
    }
  }

  /** Judges a harmful-looking update again once the keeper has caught up, and applies what it accepts. */
  async #judgeAgain(link: PeerLink, update: Uint8Array, doc: Y.Doc): Promise<void> {
    const { judge } = this.host;
    await judge.whenIdle();
    // An update of the document this device moved away from meanwhile belongs to no document now.
    if (this.isQuarantined(link.peerId) || doc !== this.host.doc()) return;
    const { harm, accept } = judge.judge(update);
    if (harm >= QUARANTINE_HARM) {
      this.#count(harm);
      this.#quarantine(link.peerId);
      return;
    }
    for (const piece of accept) this.#integrate(link, piece);
    if (harm === 0) return;
    this.#count(harm);
    judge.repair(update);
  }

  #count(harm: number): void {
    this.host.stats.updatesRefused++;
    this.host.stats.recordsRefused += harm;
  }

  /** Refuses a peer's connections for QUARANTINE_MS. */
  #quarantine(peerId: string): void {
    if (this.isQuarantined(peerId)) return;
    this.host.stats.quarantines++;
    this.#quarantined.set(peerId, this.host.scheduler.now() + QUARANTINE_MS);
    this.host.quarantined(peerId);
  }

  #integrate(link: PeerLink, update: Uint8Array): void {
    this.#completing = holdsPending(this.host.doc());
    try {
      Y.applyUpdate(this.host.doc(), update, link);
      // During a transfer most pieces wait for later ones: the retry then waits for its END.
      if (holdsPending(this.host.doc()) && !this.host.transferring()) this.retryPending(link);
    } finally {
      this.#completing = false;
    }
  }
}
