import type { Board } from '../board/board.ts';
import { suggestsEpoch } from '../domain/epoch-suggestion.ts';
import type { RoomId } from '../domain/ids.ts';
import type { EpochOffer } from '../sync/doc-exchange.ts';
import type { CommandOutcome } from './command.ts';
import type { EpochFollower } from './epoch-follower.ts';
import type { AppServices, SquareNetwork } from './services.ts';

const epochKey = (room: RoomId) => `kaifong-epoch-${room}`;

/**
 * The square's epochs as the UI sees them: which document this device is on, whether a fresh
 * one would help (the founder's "Start a fresh document"), and the move itself (EpochFollower).
 * The epoch this device's document belongs to is kept per room, so a reload opens it.
 */
export class SquareEpoch {
  /** The epoch of the document in use here. */
  epoch = $state(0);
  /** Bytes of the shared document and of the live records in it, when last measured. */
  sizes = $state<{ readonly document: number; readonly live: number } | null>(null);
  /** While the founder's fresh document is being started. */
  starting = $state(false);
  /** Whether the board follows the network's document, so the document can be measured. */
  ready = $state(false);
  readonly #storage: AppServices['storage'];
  readonly #room: RoomId;
  #follower: EpochFollower | null = null;
  /** The latest later epoch a neighbour offered before the follower was here. */
  #offer: EpochOffer | null = null;
  #board: Board | null = null;

  constructor(storage: AppServices['storage'], room: RoomId) {
    this.#storage = storage;
    this.#room = room;
    this.epoch = this.stored()?.epoch ?? 0;
  }

  /** The epoch this device moved to last, with its record: what its network opens with. */
  stored(): EpochOffer | null {
    try {
      const text = this.#storage.getItem(epochKey(this.#room));
      const offer = text === null ? null : (JSON.parse(text) as EpochOffer);
      return offer && Number.isInteger(offer.epoch) && offer.epoch > 0 ? offer : null;
    } catch {
      return null;
    }
  }

  /** Starts following epochs once the board follows the network's document. */
  async follow(board: Board, network: SquareNetwork): Promise<void> {
    this.#board = board;
    // NOTE: loaded here, with the network: following epochs is not part of the first load.
    const { EpochFollower } = await import('./epoch-follower.ts');
    this.#follower = new EpochFollower(board, network, (offer) => {
      this.#storage.setItem(epochKey(this.#room), JSON.stringify(offer));
      this.epoch = offer.epoch;
      this.measure();
    });
    this.ready = true;
    const held = this.#offer;
    this.#offer = null;
    if (held) this.offered(held);
  }

  /** A neighbour said HELLO from a later epoch (the exchange's keeper passes it on). */
  offered(offer: EpochOffer): void {
    if (this.#follower) void this.#follower.offered(offer);
    else if (offer.epoch > (this.#offer?.epoch ?? 0)) this.#offer = offer;
  }

  /** Whether the founder should be told that a fresh document would help. */
  get suggested(): boolean {
    return this.sizes !== null && suggestsEpoch(this.sizes.document, this.sizes.live);
  }

  /** Measures the document beside its live records (encodes it whole: call when shown, not on every change). */
  measure(): void {
    this.sizes = this.#board?.sizes() ?? null;
  }

  /** The founder's "Start a fresh document": every device moves to it as it meets a neighbour on it. */
  async start(): Promise<CommandOutcome> {
    if (!this.#follower) return { ok: false, reason: 'opening' };
    this.starting = true;
    try {
      return await this.#follower.start();
    } catch (error) {
      console.error('kaifong: could not start a fresh document', error);
      return { ok: false, reason: 'failed' };
    } finally {
      this.starting = false;
    }
  }
}
