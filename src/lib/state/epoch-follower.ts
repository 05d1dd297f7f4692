import type { Board, BoardOptions } from '../board/board.ts';
import { storedForm } from '../board/stored-form.ts';
import type { EpochRecord } from '../domain/fold/epochs.ts';
import { KINDS } from '../domain/kinds/registry.ts';
import type { EpochOffer } from '../sync/doc-exchange.ts';
import type { CommandOutcome } from './command.ts';

/** A square's document as the network and storage hold it: one Y.Doc per epoch. */
export type SquareDoc = NonNullable<BoardOptions['doc']>;

/** What following epochs needs of the square's network (square-network.ts; an in-memory one in tests). */
export interface EpochHost {
  /** The epoch of the document in use: 0 until the founder starts a fresh one. */
  readonly epoch: number;
  /** A fresh, empty document for a later epoch, kept where this device keeps documents. */
  fresh(epoch: number): Promise<SquareDoc>;
  /** Exchanges `doc` as epoch `offer.epoch` from now on; the old document is dropped. */
  use(doc: SquareDoc, offer: EpochOffer): Promise<void>;
  /** Resolves once a neighbour on the current epoch has sent this device its document. */
  received(): Promise<void>;
}

/** The offer a HELLO carries for an epoch record: its number, id and stored form. */
export function epochOffer(record: EpochRecord): EpochOffer {
  return { epoch: record.body.epoch, id: record.id, record: storedForm(record) };
}

/**
 * Moves this device to a fresh document when the founder starts an epoch: at once on the
 * founder's device (seeded from the live records), and elsewhere when a neighbour on the new
 * epoch says HELLO with its record, so the new document first fills from that neighbour. A
 * device that only read the epoch record in the old document stays there until it meets one:
 * meanwhile the old document still carries what it and its old-epoch neighbours write, and its
 * vault carries that over when it moves (Board.moveTo). Moves run one after another.
 */
export class EpochFollower {
  readonly #board: Board;
  readonly #host: EpochHost;
  readonly #moved: (offer: EpochOffer) => void;
  #work: Promise<unknown> = Promise.resolve();
  #busy = 0;
  /** The epoch whose first transfer this device waits for before its board attaches, if any. */
  #waitingFor: number | null = null;

  constructor(board: Board, host: EpochHost, moved: (offer: EpochOffer) => void = () => undefined) {
    this.#board = board;
    this.#host = host;
    this.#moved = moved;
  }

  /** The founder starts the next epoch and moves to it; the neighbours follow as they meet. */
  start(): Promise<CommandOutcome> {
    return this.#queue(async () => {
      const known = this.#board.view.epoch()?.body.epoch ?? 0;
      const result = await this.#board.commands.startEpoch(Math.max(known, this.#host.epoch) + 1);
      if (!result.ok) return result;
      const record = this.#board.view.epoch();
      if (!record || record.id !== result.id) return { ok: false, reason: 'failed' };
      await this.#move(epochOffer(record), true);
      return { ok: true };
    });
  }

  /**
   * A neighbour said HELLO from a later epoch: its record is checked and merged, and if the
   * founder signed it (the rule the fold judges with) this device moves to that epoch.
   */
  offered(offer: EpochOffer): Promise<void> {
    return this.#queue(async () => {
      if (offer.epoch <= this.#host.epoch) return;
      const record = await this.#board.adoptEpoch(offer.id, offer.record);
      if (record?.kind !== 'epoch' || record.body.epoch !== offer.epoch) return;
      if (!KINDS.epoch.authorise(record, undefined, this.#board.view.authority).ok) return;
      await this.#move(offer, false);
    });
  }

  /**
   * Offers and moves not finished: a device that moved waits here for a neighbour on its new
   * epoch to send its document.
   */
  get busy(): number {
    return this.#busy + (this.#waitingFor === null ? 0 : 1);
  }

  /**
   * NOTE: the wait for a neighbour's transfer is not part of the move: a later epoch offered
   * meanwhile (the founder started another while this device was on its way) moves it on at
   * once, and the earlier wait is dropped.
   */
  async #move(offer: EpochOffer, seed: boolean): Promise<void> {
    const doc = await this.#host.fresh(offer.epoch);
    await this.#board.moveTo(doc, seed);
    await this.#host.use(doc, offer);
    this.#waitingFor = seed ? null : offer.epoch;
    if (seed) return this.#attached(offer);
    void this.#host.received().then(() =>
      this.#queue(async () => {
        if (this.#waitingFor !== offer.epoch || this.#host.epoch !== offer.epoch) return;
        this.#waitingFor = null;
        await this.#attached(offer);
      }),
    );
  }

  async #attached(offer: EpochOffer): Promise<void> {
    await this.#board.attach();
    this.#moved(offer);
  }

  #queue<T>(task: () => Promise<T>): Promise<T> {
    this.#busy++;
    const run = this.#work.then(task, task).finally(() => this.#busy--);
    this.#work = run.catch((error: unknown) => console.error('kaifong: moving to a fresh document failed', error));
    return run;
  }
}
